"""`vetanco sim …` and `vetanco chat`: Kapso and Reten stand-ins, and WhatsApp in a terminal."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from vetanco.config import get_settings
from vetanco.terminal import console, err

app = typer.Typer(help="Simuladores para probar sin servicios externos", no_args_is_help=True)


@app.command("kapso")
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


@app.command("reten")
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
