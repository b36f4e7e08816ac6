"""Server time of every dashboard page on a seeded database (default 100 000 cases).

Server time is read from the `Server-Timing` header our middleware adds, so the client's own
cost is left out. Baseline measured in the same run: the login page (a template with no query),
which is the fixed cost of the stack; each row prints its ratio to it. The goal of issue 8 is
every page under 100 ms.

    uv run python bench/paginas.py --casos 100000
    uv run python bench/paginas.py --database-url postgresql+psycopg://…/bench --casos 100000
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from pathlib import Path

import typer
from comun import carpeta_temporal, console, percentil, sembrar
from fastapi.testclient import TestClient
from rich.table import Table
from sqlalchemy import select

from vetanco import migrations
from vetanco.app import create_app
from vetanco.auth.roles import Role
from vetanco.casos.models import Caso
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.observability import configure_logging
from vetanco.usuarios import repository as usuarios_repo
from vetanco.usuarios import service as usuarios
from vetanco.usuarios.schemas import UsuarioCreate

PASSWORD = "clave-de-bench-1234"  # noqa: S105
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_DUR = re.compile(r"app;dur=([\d.]+)")


def _login(client: TestClient, db: Database) -> None:
    email = "bench@vetanco.com.ar"
    with db.transaction() as session:
        if usuarios_repo.por_email(session, email) is None:
            data = UsuarioCreate(email=email, nombre="Bench", rol=Role.admin, password=PASSWORD)
            usuarios.crear(session, data=data)
    token = _CSRF.search(client.get("/login").text)
    assert token
    client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )


def _pages(db: Database) -> list[tuple[str, str]]:
    with db.session(write=False) as session:
        reciente = session.scalar(select(Caso.numero_caso).order_by(Caso.created_at.desc()))
        investigado = session.scalar(
            select(Caso.numero_caso).where(Caso.en_investigacion_at.is_not(None)).limit(1)
        )
    return [
        ("login (baseline)", "/login"),
        ("bandeja", "/casos"),
        ("bandeja: reclamos críticos", "/casos?tipo_caso=reclamo&criticidad=critico"),
        ("bandeja: abiertos por SLA", "/casos?estado=nuevo&sla=vencido"),
        ("bandeja: búsqueda", "/casos?q=vetancilina"),
        ("bandeja: página 100", "/casos?page=100"),
        ("bandeja: orden por actualización", "/casos?orden=-updated_at&estado=en_investigacion"),
        ("caso reciente", f"/casos/{reciente}"),
        ("caso investigado", f"/casos/{investigado}"),
        ("estadísticas (todo)", "/estadisticas"),
        ("estadísticas (90 días)", "/estadisticas?fecha_desde=2026-09-01"),
        ("señales", "/senales"),
        ("conversaciones", "/conversaciones"),
        ("admin: claves", "/admin/claves"),
        ("admin: webhooks", "/admin/webhooks"),
        ("admin: reten", "/admin/reten"),
    ]


def _measure(get: Callable[[str], tuple[int, float]], path: str, runs: int) -> list[float]:
    for _ in range(3):
        get(path)
    values = []
    for _ in range(runs):
        status, ms = get(path)
        if status != 200:
            raise SystemExit(f"{path} respondió {status}")
        values.append(ms)
    return values


def main(
    casos: int = typer.Option(100_000, help="Casos en la base"),
    runs: int = typer.Option(15, help="Pedidos por página"),
    database_url: str = typer.Option("", help="Base a usar (por defecto un SQLite temporal)"),
    keep: Path = typer.Option(None, help="Archivo SQLite a reutilizar entre corridas"),
) -> None:
    tmp = carpeta_temporal()
    url = database_url or f"sqlite:///{keep or tmp / 'paginas.db'}"
    settings = Settings(
        database_url=url,
        worker_enabled=False,
        secret_key="bench-" + "x" * 40,
        storage_dir=tmp / "storage",
        log_level="WARNING",
    )
    configure_logging(level="WARNING")
    migrations.upgrade(url)
    app = create_app(settings)
    db: Database = app.state.db
    sembrar(db, settings, casos)
    table = Table(title=f"Páginas del panel, {casos:,} casos ({db.engine.dialect.name})")
    for col in ("página", "p50 ms", "p95 ms", "× baseline", "< 100 ms"):
        table.add_column(col, justify="left" if col == "página" else "right")
    with TestClient(app) as client:
        _login(client, db)

        def get(path: str) -> tuple[int, float]:
            response = client.get(path)
            match = _DUR.search(response.headers.get("server-timing", ""))
            return response.status_code, float(match.group(1)) if match else float("nan")

        baseline = 0.0
        for name, path in _pages(db):
            values = _measure(get, path, runs)
            p50, p95 = statistics.median(values), percentil(values, 95)
            baseline = baseline or p50
            ok = "sí" if p95 < 100 else "[red]no[/red]"
            table.add_row(name, f"{p50:.1f}", f"{p95:.1f}", f"{p50 / baseline:.1f}", ok)
    console.print(table)


if __name__ == "__main__":
    typer.run(main)
