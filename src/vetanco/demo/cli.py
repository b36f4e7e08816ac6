"""`vetanco demo seed`: a realistic database for trying the dashboard and for the benchmarks."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from vetanco.config import get_settings
from vetanco.db import Database
from vetanco.demo.service import Sembrador
from vetanco.politicas import Politicas
from vetanco.terminal import err

app = typer.Typer(help="Datos de demostración", no_args_is_help=True)


@app.command("seed")
def seed(
    casos: Annotated[int, typer.Option("--casos", min=1, help="Cuántos casos crear")] = 1000,
    semilla: Annotated[int, typer.Option(help="Misma semilla, mismos datos")] = 1,
    anios: Annotated[float, typer.Option(min=0.1, help="Años de historia hacia atrás")] = 3,
    lote: Annotated[int, typer.Option(min=100, help="Casos por transacción")] = 5000,
) -> None:
    """Casos, clientes, investigaciones, historial y relojes; sin webhooks ni mensajes."""
    settings = get_settings()
    database = Database(settings.database_url)
    sembrador = Sembrador(
        casos=casos, semilla=semilla, anios=anios, politicas=Politicas.desde(settings)
    )
    inicio = time.perf_counter()
    try:
        with database.transaction() as session:
            sembrador.personas(session)
        columnas = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columnas, console=err) as progress:
            tarea = progress.add_task("Creando casos", total=casos)
            while sembrador.hechos < casos:
                with database.transaction() as session:
                    n = sembrador.siguiente_lote(session, tamano=lote)
                progress.advance(tarea, n)
    finally:
        database.dispose()
    segundos = time.perf_counter() - inicio
    err.print(f"{casos} casos en {segundos:.1f} s ({casos / segundos:,.0f} casos/s)")
