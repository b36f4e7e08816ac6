"""`vetanco webhook …`: subscribe, list and remove outgoing webhooks from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from vetanco.config import get_settings
from vetanco.errors import VetancoError
from vetanco.terminal import console, err, fail, open_database, print_rows

app = typer.Typer(help="Webhooks salientes", no_args_is_help=True)


@app.command("add")
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
        fail(ValidationFailed(details=validation_details(exc.errors())))
    database = open_database()
    try:
        with database.transaction() as session:
            endpoint, secret = crear_endpoint(
                session, data=data, allow_private=get_settings().webhook_allow_private
            )
            endpoint_id = str(endpoint.id)
    except VetancoError as exc:
        fail(exc)
    console.print(f"Webhook {endpoint_id} → {url} ({', '.join(data.events)}). Secreto:")
    print(secret)


@app.command("list")
def webhook_list() -> None:
    """Lista las suscripciones (nunca el secreto)."""
    from vetanco.webhooks.service import listar_endpoints

    database = open_database()
    with database.transaction(write=False) as session:
        rows = [
            [str(e.id), e.url, ",".join(e.events), "sí" if e.enabled else "no"]
            for e in listar_endpoints(session)
        ]
    print_rows(["id", "url", "eventos", "habilitado"], rows)


@app.command("remove")
def webhook_remove(endpoint_id: str) -> None:
    """Elimina una suscripción por id."""
    import uuid

    from vetanco.webhooks.service import eliminar_endpoint

    try:
        parsed = uuid.UUID(endpoint_id)
    except ValueError:
        err.print("[red]Error:[/red] el id debe ser un UUID")
        raise typer.Exit(1) from None
    database = open_database()
    try:
        with database.transaction() as session:
            eliminar_endpoint(session, endpoint_id=parsed)
    except VetancoError as exc:
        fail(exc)
    console.print(f"Webhook {endpoint_id} eliminado.")
