"""The `vetanco` command: serve, migrate, manage keys and staff, verify the audit trail."""

from __future__ import annotations

from typing import Annotated

import typer

from vetanco import migrations
from vetanco.auth import service as auth_service
from vetanco.auth.roles import Role
from vetanco.config import get_settings
from vetanco.demo import cli as demo_cli
from vetanco.errors import VetancoError
from vetanco.planillas import cli as planillas_cli
from vetanco.reten import cli as reten_cli
from vetanco.sim import cli as sim_cli
from vetanco.terminal import console, err, fail, open_database, print_rows
from vetanco.usuarios import cli as usuarios_cli
from vetanco.usuarios import service as usuarios_service
from vetanco.webhooks import cli as webhooks_cli

app = typer.Typer(help="Vetanco Reclamos", no_args_is_help=True)
db_app = typer.Typer(help="Base de datos", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys", no_args_is_help=True)
colaborador_app = typer.Typer(help="Colaboradores de Vetanco", no_args_is_help=True)
audit_app = typer.Typer(help="Auditoría", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(apikey_app, name="apikey")
app.add_typer(colaborador_app, name="colaborador")
app.add_typer(audit_app, name="audit")
app.add_typer(webhooks_cli.app, name="webhook")
app.add_typer(reten_cli.app, name="reten")
app.add_typer(sim_cli.app, name="sim")
app.command()(sim_cli.chat)
app.add_typer(usuarios_cli.app, name="usuario")
app.add_typer(demo_cli.app, name="demo")
app.add_typer(planillas_cli.export_app, name="export")
app.add_typer(planillas_cli.import_app, name="import")


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Aplica las migraciones pendientes."""
    migrations.upgrade(get_settings().database_url, revision)
    console.print(f"Base de datos actualizada a [bold]{revision}[/bold].")


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Revierte migraciones hasta REVISION (p. ej. base)."""
    migrations.downgrade(get_settings().database_url, revision)
    console.print(f"Base de datos revertida a [bold]{revision}[/bold].")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interfaz (por defecto VETANCO_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Puerto (por defecto 3000)")] = None,
    migrate: Annotated[bool, typer.Option(help="Aplicar migraciones al iniciar")] = True,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Procesos de la API que comparten el puerto")
    ] = 1,
    background: Annotated[
        bool | None,
        typer.Option(
            "--background/--no-background",
            help="Trabajo en segundo plano dentro de cada proceso de la API "
            "(por defecto sí; VETANCO_WORKER_ENABLED=false lo apaga)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Inicia la API (N procesos con --workers) y, salvo --no-background, el trabajo en segundo plano."""
    from vetanco.escalado import ScaleError, check_api_workers, serve_api_workers
    from vetanco.observability import configurar_proceso

    settings = get_settings()
    configurar_proceso(settings)
    try:
        warnings = check_api_workers(settings, workers)
    except ScaleError as exc:
        err.print(f"[red]Error:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from None
    for warning in warnings:
        err.print(f"[yellow]Aviso:[/yellow] {warning}", soft_wrap=True)
    in_process = settings.worker_enabled if background is None else background
    if migrate:
        migrations.upgrade(settings.database_url)
    database = open_database()
    with database.transaction() as session:
        raw = auth_service.ensure_bootstrap_key(session)
        password = usuarios_service.ensure_bootstrap_admin(session)
    database.dispose()
    if password:
        console.print(
            f"Panel web: usuario {usuarios_service.BOOTSTRAP_EMAIL} (rol admin), contraseña:"
        )
        console.print(password, highlight=False, soft_wrap=True)
        console.print("Cambiala con: vetanco usuario password --email admin@localhost")
    if raw:
        console.print(
            "[bold green]Primera ejecución:[/bold green] se creó la API key 'admin' (rol admin)."
        )
        console.print("Guardala ahora, no se vuelve a mostrar:")
        console.print(raw, highlight=False, soft_wrap=True)
        console.print("Para crear más: vetanco apikey create --name NOMBRE --role colaborador")
    host = host or settings.host
    port = port or settings.port
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
    console.print(
        f"Vetanco Reclamos en http://{shown}:{port} (panel) y http://{shown}:{port}/docs (API)"
    )
    if workers > 1:
        serve_api_workers(settings, host=host, port=port, workers=workers, background=in_process)
        return
    import uvicorn

    from vetanco.app import create_app

    application = create_app(settings.model_copy(update={"worker_enabled": in_process}))
    uvicorn.run(application, host=host, port=port, log_level="warning")


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Option(help="Nombre único de la clave")],
    role: Annotated[Role, typer.Option(help="Rol")],
) -> None:
    """Crea una API key; la clave se imprime sola en la última línea, una única vez."""
    database = open_database()
    try:
        with database.transaction() as session:
            _, raw = auth_service.create_key(session, name=name, role=role)
    except VetancoError as exc:
        fail(exc)
    console.print(
        f"API key '{name}' creada con rol {role.value}. Guardala: no se vuelve a mostrar."
    )
    print(raw)


@apikey_app.command("list")
def apikey_list() -> None:
    """Lista las API keys (nunca el secreto)."""
    database = open_database()
    with database.transaction(write=False) as session:
        rows = [
            [
                k.name,
                k.role,
                k.prefix + "…",
                k.created_at.isoformat(timespec="seconds"),
                k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else "",
            ]
            for k in auth_service.list_keys(session)
        ]
    print_rows(["nombre", "rol", "prefijo", "creada", "revocada"], rows)


@apikey_app.command("revoke")
def apikey_revoke(name: str) -> None:
    """Revoca una API key por nombre."""
    database = open_database()
    try:
        with database.transaction() as session:
            auth_service.revoke_key(session, name=name)
    except VetancoError as exc:
        fail(exc)
    console.print(f"API key '{name}' revocada.")


@colaborador_app.command("add")
def colaborador_add(
    nombre: Annotated[str, typer.Option()],
    cargo: Annotated[str, typer.Option()],
    email: Annotated[str | None, typer.Option()] = None,
    telefono: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Registra un colaborador; su id se imprime en la última línea."""
    from pydantic import ValidationError

    from vetanco.colaboradores.schemas import ColaboradorCreate
    from vetanco.colaboradores.service import crear_colaborador
    from vetanco.errors import ValidationFailed, validation_details

    try:
        data = ColaboradorCreate(nombre=nombre, cargo=cargo, email=email, telefono=telefono)
    except ValidationError as exc:
        fail(ValidationFailed(details=validation_details(exc.errors())))
    database = open_database()
    with database.transaction() as session:
        colaborador = crear_colaborador(session, data=data)
        colaborador_id = str(colaborador.id)
    console.print(f"Colaborador '{nombre}' registrado.")
    print(colaborador_id)


@audit_app.command("verify")
def audit_verify() -> None:
    """Recalcula la cadena de hashes del historial de cada caso."""
    from vetanco.casos.historial import verificar

    database = open_database()
    with database.transaction(write=False) as session:
        checked, problemas = verificar(session)
    if problemas:
        for p in problemas:
            err.print(f"[red]✗[/red] {p.numero_caso} #{p.secuencia}: {p.detalle}")
        err.print(f"{len(problemas)} problema(s) en {checked} entradas.")
        raise typer.Exit(1)
    console.print(f"[green]✓[/green] Historial íntegro: {checked} entradas verificadas.")


@app.command()
def worker(
    concurrency: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Procesos de trabajo que se reparten la cola (cada uno con "
            "VETANCO_WORKER_CONCURRENCY envíos de webhooks en paralelo)",
        ),
    ] = 1,
) -> None:
    """Corre sólo el trabajo en segundo plano (webhooks, WhatsApp, Reten, SLA); varios comparten la base."""
    from vetanco.escalado import WorkerPool, run_worker_loop
    from vetanco.observability import configurar_proceso

    settings = get_settings()
    configurar_proceso(settings)
    console.print(
        f"Worker en marcha: {concurrency} proceso(s) de trabajo en segundo plano (Ctrl+C para salir)."
    )
    if concurrency == 1:
        run_worker_loop()
        return
    WorkerPool(concurrency, grace=settings.webhook_timeout + 5).run()


if __name__ == "__main__":
    app()
