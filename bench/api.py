"""API reads over a big database (default 1 000 000 cases) against the same SQL run raw.

For each endpoint the script first records, with an engine event, exactly the statements and
parameters one request sends to the database; the baseline is those statements executed through
the bare DB-API driver (`engine.raw_connection()`: sqlite3 or psycopg, same connection settings),
fetching every row. Endpoint time is the server time from our `Server-Timing` header, so both
sides leave out the HTTP client. Goals (issue 10): list and detail p95 < 30 ms, estadísticas
p95 < 300 ms, and no more than 2× the raw SQL.

    uv run python bench/api.py                                   # SQLite kept in bench/.datos/
    uv run python bench/api.py --database-url postgresql+psycopg://…/bench_api
Seeding a million cases takes ~12 min the first time; the database is reused afterwards.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import typer
from comun import percentil, sembrar
from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

from vetanco import migrations
from vetanco.app import create_app
from vetanco.auth.roles import Role
from vetanco.auth.service import create_key
from vetanco.casos.models import Caso
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.observability import configure_logging

console = Console(width=150)
DATOS = Path(__file__).with_name(".datos")
_DUR = re.compile(r"app;dur=([\d.]+)")


def base_postgres(admin_url: str, nombre: str) -> str:
    """A named database on the server, created once and kept, so the seeding is paid once."""
    if not admin_url:
        raise typer.BadParameter("--postgres necesita VETANCO_TEST_POSTGRES_URL o --postgres-admin")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        existe = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": nombre})
        if not existe:
            conn.execute(text(f'CREATE DATABASE "{nombre}"'))
    admin.dispose()
    return make_url(admin_url).set(database=nombre).render_as_string(hide_password=False)


@contextmanager
def grabando(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """The statements (already in driver form) that the code sends while the block runs."""
    sentencias: list[tuple[str, Any]] = []

    def _grabar(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool
    ) -> None:
        sentencias.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", _grabar)
    try:
        yield sentencias
    finally:
        event.remove(db.engine, "before_cursor_execute", _grabar)


def crudo(db: Database, sentencias: list[tuple[str, Any]], runs: int) -> list[float]:
    """Milliseconds to run the recorded statements through the bare driver, one pass per run."""
    conexion = db.engine.raw_connection()
    try:
        valores = []
        for i in range(runs + 3):
            inicio = time.perf_counter()
            cursor = conexion.cursor()
            for sql, params in sentencias:
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
            cursor.close()
            conexion.rollback()
            if i >= 3:
                valores.append((time.perf_counter() - inicio) * 1000)
        return valores
    finally:
        conexion.close()


def _rutas(db: Database) -> list[tuple[str, str]]:
    with db.session(write=False) as session:
        reciente = session.scalar(select(Caso.numero_caso).order_by(Caso.created_at.desc()))
        viejo = session.scalar(select(Caso.numero_caso).order_by(Caso.created_at).limit(1))
    hace_90 = (date.today() - timedelta(days=90)).isoformat()
    return [
        ("GET /api/casos (página 1)", "/api/casos?limit=50"),
        (
            "GET /api/casos filtrado, página 50",
            "/api/casos?tipo_caso=reclamo&estado=resuelto&limit=50&page=50",
        ),
        ("GET /api/casos?q= (texto libre)", "/api/casos?q=vetancilina&limit=50"),
        ("GET /api/casos/{n} (reciente)", f"/api/casos/{reciente}"),
        ("GET /api/casos/{n} (de hace 3 años)", f"/api/casos/{viejo}"),
        ("GET /api/estadisticas (todo)", "/api/estadisticas"),
        ("GET /api/estadisticas (90 días)", f"/api/estadisticas?fecha_desde={hace_90}"),
    ]


def main(
    casos: int = typer.Option(1_000_000, help="Casos en la base"),
    runs: int = typer.Option(30, help="Pedidos por endpoint"),
    database_url: str = typer.Option("", help="Base a usar (por defecto SQLite en bench/.datos)"),
    postgres: bool = typer.Option(False, help="PostgreSQL: base vetanco_bench_api_N, reutilizada"),
    postgres_admin: str = typer.Option(
        os.environ.get("VETANCO_TEST_POSTGRES_URL", ""), help="Servidor PostgreSQL (admin)"
    ),
) -> None:
    DATOS.mkdir(exist_ok=True)
    url = database_url or f"sqlite:///{DATOS / f'api-{casos}.db'}"
    if postgres and not database_url:
        url = base_postgres(postgres_admin, f"vetanco_bench_api_{casos}")
    settings = Settings(
        database_url=url,
        worker_enabled=False,
        rate_limit="1000000/minute",
        storage_dir=DATOS / "storage",
        log_level="WARNING",
    )
    configure_logging(level="WARNING")
    migrations.upgrade(url)
    app = create_app(settings)
    db: Database = app.state.db
    sembrar(db, settings, casos)
    with db.transaction() as session:
        _, clave = create_key(session, name=f"bench-{time.time_ns()}", role=Role.lectura)
    dialecto = db.engine.dialect.name
    table = Table(title=f"API sobre {casos:,} casos ({dialecto}), {runs} pedidos por fila")
    columnas = (
        "endpoint",
        "p50 ms",
        "p95 ms",
        "sentencias",
        "SQL crudo p50",
        "× SQL crudo",
        "meta",
        "¿cumple?",
    )
    for col in columnas:
        table.add_column(col, justify="left" if col == "endpoint" else "right")
    with TestClient(app, headers={"Authorization": f"Bearer {clave}"}) as client:
        for nombre, ruta in _rutas(db):
            for _ in range(3):
                if (estado := client.get(ruta).status_code) != 200:
                    raise SystemExit(f"{ruta} respondió {estado}")
            with grabando(db) as sentencias:
                client.get(ruta)
            valores = []
            for _ in range(runs):
                r = client.get(ruta)
                match = _DUR.search(r.headers.get("server-timing", ""))
                if r.status_code != 200 or match is None:
                    raise SystemExit(f"{ruta} respondió {r.status_code}")
                valores.append(float(match.group(1)))
            base = statistics.median(crudo(db, sentencias, runs))
            p50, p95 = statistics.median(valores), percentil(valores, 95)
            meta = 300 if "estadisticas" in ruta else 30
            cumple = p95 < meta and p50 <= 2 * base
            table.add_row(
                nombre,
                f"{p50:.1f}",
                f"{p95:.1f}",
                str(len(sentencias)),
                f"{base:.1f}",
                f"{p50 / base:.2f}",
                f"p95 < {meta}, ≤ 2×",
                "sí" if cumple else "[red]no[/red]",
            )
    console.print(table)
    db.dispose()


if __name__ == "__main__":
    typer.run(main)
