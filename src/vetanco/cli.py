"""The `vetanco` command: serve, migrate, manage keys and staff, verify the audit trail."""

from __future__ import annotations

from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from vetanco import migrations
from vetanco.auth import service as auth_service
from vetanco.auth.roles import Role
from vetanco.config import get_settings
from vetanco.db import Database
from vetanco.demo import cli as demo_cli
from vetanco.errors import VetancoError
from vetanco.planillas import cli as planillas_cli
from vetanco.usuarios import cli as usuarios_cli
from vetanco.usuarios import service as usuarios_service

app = typer.Typer(help="Vetanco Reclamos", no_args_is_help=True)
db_app = typer.Typer(help="Base de datos", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys", no_args_is_help=True)
colaborador_app = typer.Typer(help="Colaboradores de Vetanco", no_args_is_help=True)
audit_app = typer.Typer(help="Auditoría", no_args_is_help=True)
webhook_app = typer.Typer(help="Webhooks salientes", no_args_is_help=True)
reten_app = typer.Typer(help="Conector con Reten", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(apikey_app, name="apikey")
app.add_typer(colaborador_app, name="colaborador")
app.add_typer(audit_app, name="audit")
app.add_typer(webhook_app, name="webhook")
app.add_typer(reten_app, name="reten")
app.add_typer(usuarios_cli.app, name="usuario")
app.add_typer(demo_cli.app, name="demo")
app.add_typer(planillas_cli.export_app, name="export")
app.add_typer(planillas_cli.import_app, name="import")

console = Console()
err = Console(stderr=True)


def _database() -> Database:
    return Database(get_settings().database_url)


def _print_rows(headers: list[str], rows: list[list[str]]) -> None:
    """A Rich table on a terminal; tab-separated lines when piped, so scripts can parse it."""
    if console.is_terminal:
        table = Table(*headers)
        for row in rows:
            table.add_row(*row)
        console.print(table)
        return
    print("\t".join(headers))
    for row in rows:
        print("\t".join(row))


def _fail(exc: VetancoError) -> None:
    err.print(f"[red]Error:[/red] {exc.message}")
    for detail in exc.details:
        err.print(f"  - {'.'.join(str(p) for p in detail.get('loc', []))}: {detail.get('msg')}")
    raise typer.Exit(1)


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
    from vetanco.observability import configure_logging

    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_format == "json")
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
    database = _database()
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
    database = _database()
    try:
        with database.transaction() as session:
            _, raw = auth_service.create_key(session, name=name, role=role)
    except VetancoError as exc:
        _fail(exc)
    console.print(
        f"API key '{name}' creada con rol {role.value}. Guardala: no se vuelve a mostrar."
    )
    print(raw)


@apikey_app.command("list")
def apikey_list() -> None:
    """Lista las API keys (nunca el secreto)."""
    database = _database()
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
    _print_rows(["nombre", "rol", "prefijo", "creada", "revocada"], rows)


@apikey_app.command("revoke")
def apikey_revoke(name: str) -> None:
    """Revoca una API key por nombre."""
    database = _database()
    try:
        with database.transaction() as session:
            auth_service.revoke_key(session, name=name)
    except VetancoError as exc:
        _fail(exc)
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
        _fail(ValidationFailed(details=validation_details(exc.errors())))
    database = _database()
    with database.transaction() as session:
        colaborador = crear_colaborador(session, data=data)
        colaborador_id = str(colaborador.id)
    console.print(f"Colaborador '{nombre}' registrado.")
    print(colaborador_id)


@audit_app.command("verify")
def audit_verify() -> None:
    """Recalcula la cadena de hashes del historial de cada caso."""
    from vetanco.casos.historial import verificar

    database = _database()
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
    from vetanco.observability import configure_logging

    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_format == "json")
    console.print(
        f"Worker en marcha: {concurrency} proceso(s) de trabajo en segundo plano (Ctrl+C para salir)."
    )
    if concurrency == 1:
        run_worker_loop()
        return
    WorkerPool(concurrency, grace=settings.webhook_timeout + 5).run()


@webhook_app.command("add")
def webhook_add(
    url: str,
    events: Annotated[
        list[str], typer.Option("--events", help="Evento (repetible) o * para todos")
    ],
    description: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Suscribe URL; imprime el secreto de firma (una sola vez) en la última línea."""
    from pydantic import ValidationError

    from vetanco.errors import ValidationFailed, validation_details
    from vetanco.webhooks.schemas import WebhookCreate
    from vetanco.webhooks.service import crear_endpoint

    names = [e.strip() for item in events for e in item.split(",") if e.strip()]
    try:
        data = WebhookCreate(url=url, events=names, description=description)
    except ValidationError as exc:
        _fail(ValidationFailed(details=validation_details(exc.errors())))
    database = _database()
    try:
        with database.transaction() as session:
            endpoint, secret = crear_endpoint(
                session, data=data, allow_private=get_settings().webhook_allow_private
            )
            endpoint_id = str(endpoint.id)
    except VetancoError as exc:
        _fail(exc)
    console.print(f"Webhook {endpoint_id} → {url} ({', '.join(data.events)}). Secreto:")
    print(secret)


@webhook_app.command("list")
def webhook_list() -> None:
    """Lista las suscripciones (nunca el secreto)."""
    from vetanco.webhooks.service import listar_endpoints

    database = _database()
    with database.transaction(write=False) as session:
        rows = [
            [str(e.id), e.url, ",".join(e.events), "sí" if e.enabled else "no"]
            for e in listar_endpoints(session)
        ]
    _print_rows(["id", "url", "eventos", "habilitado"], rows)


@webhook_app.command("remove")
def webhook_remove(endpoint_id: str) -> None:
    """Elimina una suscripción por id."""
    import uuid

    from vetanco.webhooks.service import eliminar_endpoint

    try:
        parsed = uuid.UUID(endpoint_id)
    except ValueError:
        err.print("[red]Error:[/red] el id debe ser un UUID")
        raise typer.Exit(1) from None
    database = _database()
    try:
        with database.transaction() as session:
            eliminar_endpoint(session, endpoint_id=parsed)
    except VetancoError as exc:
        _fail(exc)
    console.print(f"Webhook {endpoint_id} eliminado.")


sim_app = typer.Typer(help="Simuladores para probar sin servicios externos", no_args_is_help=True)
app.add_typer(sim_app, name="sim")


@sim_app.command("kapso")
def sim_kapso(
    port: Annotated[
        int | None,
        typer.Option(help="Puerto (por defecto el de VETANCO_KAPSO_API_URL si es local, o 3100)"),
    ] = None,
    target: Annotated[
        str, typer.Option(help="Adónde manda los webhooks entrantes (URL del servidor o completa)")
    ] = "http://127.0.0.1:3000/webhooks/kapso",
) -> None:
    """Simulador de Kapso (WhatsApp) en primer plano: recibe lo que manda el bot y firma webhooks."""
    from urllib.parse import urlsplit

    from rich.text import Text

    from vetanco.sim.chat import ChatError, credenciales, puerto_local
    from vetanco.sim.kapso import serve

    settings = get_settings()
    try:
        api_key, secret = credenciales(settings)
    except ChatError as exc:
        err.print(Text.assemble(("Error: ", "red"), str(exc)))
        raise typer.Exit(1) from None
    if port is None:
        try:
            port = puerto_local(settings.kapso_api_url)
        except ChatError:
            port = 3100
    if urlsplit(target).path in ("", "/"):
        target = target.rstrip("/") + "/webhooks/kapso"
    console.print(
        f"El servidor tiene que tener VETANCO_KAPSO_API_URL=http://127.0.0.1:{port}"
        "/meta/whatsapp/v24.0. Para mandar un mensaje:\n"
        f"  curl -s -X POST http://127.0.0.1:{port}/sim/inbound "
        """-d '{"from": "5491155551234", "text": "Hola"}'\n"""
        f"Lo que mandó el bot: curl -s http://127.0.0.1:{port}/sim/sent   (Ctrl+C para salir)",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    serve(port, target, api_key, secret, phone_number_id=settings.kapso_phone_number_id)


@app.command()
def chat(
    telefono: Annotated[str, typer.Option(help="Tu número de WhatsApp simulado")] = "5491155551234",
    server: Annotated[str, typer.Option(help="Servidor de Vetanco")] = "http://localhost:3000",
    formato: Annotated[
        Literal["kapso", "spec"],
        typer.Option(help="Formato de los webhooks: el real de Kapso o el de la especificación"),
    ] = "kapso",
) -> None:
    """WhatsApp en la terminal: chateá con el bot de un servidor corriendo, sin cuenta de WhatsApp."""
    from rich.text import Text

    from vetanco.sim.chat import ChatError, run

    try:
        run(get_settings(), server=server, telefono=telefono, formato=formato, console=console)
    except ChatError as exc:
        err.print(Text.assemble(("Error: ", "red"), str(exc)))
        raise typer.Exit(1) from None


@sim_app.command("reten")
def sim_reten(
    port: Annotated[int, typer.Option(help="Puerto del simulador")] = 3200,
    tasks: Annotated[int, typer.Option("--tasks", help="Tareas generadas al iniciar")] = 500,
    fail_rate: Annotated[
        float, typer.Option("--fail-rate", help="Fracción de respuestas 500")
    ] = 0.0,
    rate_limit: Annotated[
        str | None, typer.Option("--rate-limit", help="p. ej. 100/minute")
    ] = None,
    drop_webhooks: Annotated[
        float, typer.Option("--drop-webhooks", help="Fracción de webhooks perdidos")
    ] = 0.0,
    client_id: Annotated[str, typer.Option(help="client_id OAuth que acepta")] = "sim-client",
    client_secret: Annotated[
        str, typer.Option(help="client_secret OAuth que acepta")
    ] = "sim-secret",  # noqa: S107
) -> None:
    """Un Reten de prueba: OAuth con JWT que vencen, /tasks paginado, PATCH, webhooks firmados, 429 y fallas."""
    from vetanco.sim.reten import serve as serve_reten

    serve_reten(
        port,
        tasks=tasks,
        fail_rate=fail_rate,
        rate_limit=rate_limit,
        drop_webhooks=drop_webhooks,
        client_id=client_id,
        client_secret=client_secret,
    )


@reten_app.command("login")
def reten_login() -> None:
    """Imprime la URL para autorizar el conector (flujo authorization code); Reten vuelve a /oauth/reten/callback."""
    from vetanco.errors import VetancoError as _Error
    from vetanco.reten.oauth import authorize_url

    settings = get_settings()
    if not settings.reten_enabled:
        err.print("[red]Error:[/red] conector Reten apagado: definí VETANCO_RETEN_BASE_URL.")
        raise typer.Exit(1)
    try:
        url = authorize_url(settings)
    except _Error as exc:
        _fail(exc)
    console.print(
        f"Abrí esta URL, autorizá y Reten te devuelve a {settings.reten_redirect_uri} "
        "(con VETANCO_RETEN_GRANT=authorization_code el conector usa ese permiso):"
    )
    print(url)


@reten_app.command("webhook-register")
def reten_webhook_register(
    url: Annotated[
        str, typer.Option("--url", help="URL pública de este servidor (se agrega /webhooks/reten)")
    ],
) -> None:
    """Registra nuestro receptor en Reten (POST /webhooks) con VETANCO_RETEN_WEBHOOK_SECRET y guarda el id."""
    from vetanco.reten.client import RetenClient, RetenError
    from vetanco.reten.sync import estado

    settings = get_settings()
    secret = settings.reten_webhook_secret
    if secret is None:
        err.print(
            "[red]Error:[/red] definí VETANCO_RETEN_WEBHOOK_SECRET antes de registrar el webhook."
        )
        raise typer.Exit(1)
    target = url.rstrip("/")
    if not target.endswith("/webhooks/reten"):
        target += "/webhooks/reten"
    try:
        client = RetenClient(settings)
        webhook_id = client.register_webhook(
            url=target,
            events=["task.created", "task.updated", "task.completed"],
            secret=secret.get_secret_value(),
        )
        client.close()
    except RetenError as exc:
        err.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(1) from None
    database = _database()
    with database.transaction() as session:
        estado(session).webhook_id = webhook_id
    database.dispose()
    console.print(f"Webhook registrado en Reten → {target}")
    print(webhook_id)


@reten_app.command("sync")
def reten_sync(
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Empezar un recorrido completo (marca las tareas desaparecidas)"
        ),
    ] = False,
) -> None:
    """Una reconciliación con Reten en primer plano; la última línea es un resumen JSON."""
    import json

    from rich.progress import Progress

    from vetanco.reten.client import RetenClient, RetenError
    from vetanco.reten.metrics import PROCESS_METRICS
    from vetanco.reten.oauth import TokenStore
    from vetanco.reten.sync import sincronizar

    settings = get_settings()
    database = _database()
    try:
        client = RetenClient(
            settings, metrics=PROCESS_METRICS, tokens=TokenStore(database, settings)
        )
    except RetenError as exc:
        err.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(1) from None
    try:
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("Sincronizando tareas de Reten", total=None)

            def advance(page: int, pages: int) -> None:
                progress.update(task, completed=page, total=pages or None)

            resumen = sincronizar(database, client, full=full, progress=advance)
    finally:
        client.close()
        database.dispose()
    summary = {k: v for k, v in resumen.as_dict().items() if k != "completed_walk"}
    if not resumen.completed_walk:
        err.print(
            "[yellow]La reconciliación se interrumpió; la próxima retoma desde el último punto.[/yellow]"
        )
    print(json.dumps(summary))
    if resumen.errors:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
