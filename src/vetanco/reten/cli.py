"""`vetanco reten …`: authorise the connector, register its webhook, run a reconciliation."""

from __future__ import annotations

from typing import Annotated

import typer

from vetanco.config import get_settings
from vetanco.terminal import console, err, fail, open_database

app = typer.Typer(help="Conector con Reten", no_args_is_help=True)


@app.command("login")
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
        fail(exc)
    console.print(
        f"Abrí esta URL, autorizá y Reten te devuelve a {settings.reten_redirect_uri} "
        "(con VETANCO_RETEN_GRANT=authorization_code el conector usa ese permiso):"
    )
    print(url)


@app.command("webhook-register")
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
    database = open_database()
    with database.transaction() as session:
        estado(session).webhook_id = webhook_id
    database.dispose()
    console.print(f"Webhook registrado en Reten → {target}")
    print(webhook_id)


@app.command("sync")
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
    database = open_database()
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
