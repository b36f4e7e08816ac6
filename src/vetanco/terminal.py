"""What every `vetanco` subcommand shares: the consoles, the database, tables and error output."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

from vetanco.config import get_settings
from vetanco.db import Database
from vetanco.errors import VetancoError

console = Console()
err = Console(stderr=True)


def open_database() -> Database:
    return Database(get_settings().database_url)


def print_rows(headers: list[str], rows: list[list[str]]) -> None:
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


def fail(exc: VetancoError) -> NoReturn:
    err.print(f"[red]Error:[/red] {exc.message}")
    for detail in exc.details:
        err.print(f"  - {'.'.join(str(p) for p in detail.get('loc', []))}: {detail.get('msg')}")
    raise typer.Exit(1)
