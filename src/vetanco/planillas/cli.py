"""`vetanco export …` and `vetanco import …`: spreadsheets in and out from the command line."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from vetanco.casos import exportar
from vetanco.casos.enums import Canal, Criticidad, Estado, TipoCaso
from vetanco.casos.repository import ORDENES, CasoFilters
from vetanco.clientes import planilla as clientes_planilla
from vetanco.errors import ValidationFailed
from vetanco.planillas import escritura
from vetanco.planillas.importacion import Corrida, Importador, Resultado
from vetanco.planillas.lectura import PlanillaInvalida, leer
from vetanco.productos import planilla as productos_planilla
from vetanco.schemas import rango
from vetanco.terminal import err, open_database

export_app = typer.Typer(
    help="Exportar casos, clientes o productos a CSV o XLSX", no_args_is_help=True
)
import_app = typer.Typer(
    help="Importar clientes o productos desde CSV o XLSX", no_args_is_help=True
)

Salida = Annotated[
    Path | None,
    typer.Option("--salida", "-o", help="Archivo de salida; sin él, CSV a la salida estándar"),
]
FormatoOpt = Annotated[
    str | None,
    typer.Option(
        "--formato", help="csv o xlsx (por defecto, el de la extensión de --salida, si no csv)"
    ),
]
MAX_PROBLEMAS = 50


def _progreso() -> Progress:
    columnas = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    return Progress(*columnas, TimeRemainingColumn(), console=err, transient=False)


def _formato(formato: str | None, salida: Path | None) -> Literal["csv", "xlsx"]:
    elegido = formato or (salida.suffix.lstrip(".").lower() if salida else "") or "csv"
    if elegido not in ("csv", "xlsx"):
        err.print(f"[red]Error:[/red] formato «{elegido}» desconocido: usá csv o xlsx")
        raise typer.Exit(2)
    if elegido == "xlsx" and salida is None and sys.stdout.isatty():
        err.print("[red]Error:[/red] un XLSX no se muestra en la terminal: indicá --salida")
        raise typer.Exit(2)
    return "xlsx" if elegido == "xlsx" else "csv"


def _escribir(cuerpo: Iterator[bytes], salida: Path | None) -> None:
    """Written to a temporary name and renamed, so a failed export never leaves half a file."""
    if salida is None:
        for chunk in cuerpo:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    parcial = salida.with_name(salida.name + ".parcial")
    with parcial.open("wb") as fh:
        for chunk in cuerpo:
            fh.write(chunk)
    parcial.replace(salida)


def _contando(filas: Iterator[list[Any]], total: int, nombre: str) -> Iterator[list[Any]]:
    with _progreso() as progreso:
        tarea = progreso.add_task(f"Exportando {nombre}", total=total)
        for fila in filas:
            yield fila
            progreso.advance(tarea)


def _exportar(
    nombre: str,
    columnas: Any,
    filas: Iterator[list[Any]],
    total: int,
    *,
    formato: str | None,
    salida: Path | None,
) -> None:
    elegido = _formato(formato, salida)
    cuerpo = escritura.stream(
        elegido, columnas, _contando(filas, total, nombre), hoja=nombre.title()
    )
    _escribir(cuerpo, salida)
    if salida is not None:
        err.print(f"{total} {nombre} exportados a {salida}")


@export_app.command("casos")
def export_casos(
    salida: Salida = None,
    formato: FormatoOpt = None,
    desde: Annotated[str | None, typer.Option(help="Creados desde (AAAA-MM-DD)")] = None,
    hasta: Annotated[str | None, typer.Option(help="Creados hasta, inclusive (AAAA-MM-DD)")] = None,
    tipo_caso: Annotated[TipoCaso | None, typer.Option(help="Tipo de caso")] = None,
    criticidad: Annotated[Criticidad | None, typer.Option(help="Criticidad")] = None,
    estado: Annotated[Estado | None, typer.Option(help="Estado")] = None,
    canal: Annotated[Canal | None, typer.Option(help="Canal de ingreso")] = None,
    numero_lote: Annotated[str | None, typer.Option(help="Número de lote")] = None,
    evento_adverso: Annotated[
        bool | None, typer.Option("--evento-adverso/--sin-evento-adverso", help="Sólo con/sin EA")
    ] = None,
    q: Annotated[str | None, typer.Option("--q", help="Texto libre, como en la bandeja")] = None,
    orden: Annotated[str, typer.Option(help=f"Orden: {', '.join(ORDENES)}")] = "-created_at",
) -> None:
    """Casos con los mismos filtros que GET /api/casos; cualquier cantidad, en memoria constante."""
    if orden not in ORDENES:
        err.print(f"[red]Error:[/red] orden desconocido: usá {', '.join(ORDENES)}")
        raise typer.Exit(2)
    try:
        inicio, fin = rango(_fecha(desde, "--desde"), _fecha(hasta, "--hasta"))
    except ValidationFailed as exc:
        err.print(f"[red]Error:[/red] {exc.details[0]['msg'] if exc.details else exc.message}")
        raise typer.Exit(2) from exc
    filters = CasoFilters(
        tipo_caso=tipo_caso,
        criticidad=criticidad,
        estado=estado,
        canal=canal,
        desde=inicio,
        hasta=fin,
        numero_lote=numero_lote,
        evento_adverso=evento_adverso,
        q=q,
    )
    db = open_database()
    try:
        total = exportar.contar(db, filters=filters)
        filas = exportar.filas(db, filters=filters, orden=orden)
        _exportar("casos", exportar.COLUMNAS, filas, total, formato=formato, salida=salida)
    finally:
        db.dispose()


def _fecha(texto: str | None, opcion: str) -> date | None:
    if texto is None:
        return None
    try:
        return date.fromisoformat(texto)
    except ValueError as exc:
        err.print(f"[red]Error:[/red] {opcion} «{texto}» no es una fecha AAAA-MM-DD")
        raise typer.Exit(2) from exc


def _exportar_planilla(
    nombre: str, planilla: Any, *, formato: str | None, salida: Path | None
) -> None:
    """Clients and products: a module with COLUMNAS, contar(db) and filas(db), the import's twin."""
    db = open_database()
    try:
        total = planilla.contar(db)
        _exportar(
            nombre, planilla.COLUMNAS, planilla.filas(db), total, formato=formato, salida=salida
        )
    finally:
        db.dispose()


@export_app.command("clientes")
def export_clientes(salida: Salida = None, formato: FormatoOpt = None) -> None:
    """Clientes con las mismas columnas que lee `vetanco import clientes`."""
    _exportar_planilla("clientes", clientes_planilla, formato=formato, salida=salida)


@export_app.command("productos")
def export_productos(salida: Salida = None, formato: FormatoOpt = None) -> None:
    """El catálogo con las mismas columnas que lee `vetanco import productos`."""
    _exportar_planilla("productos", productos_planilla, formato=formato, salida=salida)


Archivo = Annotated[Path, typer.Argument(help="Planilla .csv o .xlsx (primera hoja)")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Validar y contar sin guardar nada")]
Reporte = Annotated[
    Path | None, typer.Option("--reporte", help="Guardar todos los problemas en un CSV")
]


def _importar(
    archivo: Path,
    importador: Importador[Any],
    *,
    columnas: tuple[str, ...],
    alias: dict[str, str],
    nombre: str,
    dry_run: bool,
    reporte: Path | None,
) -> None:
    try:
        hoja = leer(archivo, columnas=columnas, alias=alias)
    except PlanillaInvalida as exc:
        err.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(2) from exc
    db = open_database()
    try:
        with _progreso() as progreso:
            tarea = progreso.add_task(f"Importando {nombre}", total=hoja.total)
            resultado = Corrida(importador, hoja, dry_run=dry_run).ejecutar(
                db, avance=lambda n: progreso.advance(tarea, n)
            )
    finally:
        db.dispose()
    _informar(resultado, nombre=nombre, reporte=reporte)
    if resultado.rechazadas:
        raise typer.Exit(1)


def _informar(resultado: Resultado, *, nombre: str, reporte: Path | None) -> None:
    """A summary, the first problems on screen and, with --reporte, every problem as CSV."""
    if resultado.ignoradas:
        err.print("Columnas ignoradas: " + ", ".join(resultado.ignoradas), markup=False)
    problemas = resultado.problemas[:MAX_PROBLEMAS]
    if problemas and err.is_terminal:
        tabla = Table("Fila", "Campo", "Valor", "Problema", title="Filas rechazadas")
        for p in problemas:
            tabla.add_row(str(p.fila), p.campo, Text(p.valor), Text(p.mensaje))
        err.print(tabla)
    for p in problemas if not err.is_terminal else ():
        linea = f"fila {p.fila}, {p.campo} «{p.valor}»: {p.mensaje}"
        err.print(linea, markup=False, highlight=False, soft_wrap=True)
    if len(resultado.problemas) > MAX_PROBLEMAS:
        resto = len(resultado.problemas) - MAX_PROBLEMAS
        err.print(f"… y {resto} problema(s) más (--reporte ARCHIVO.csv los guarda todos)")
    if reporte is not None:
        with reporte.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(["fila", "campo", "valor", "problema"])
            for p in resultado.problemas:
                writer.writerow([p.fila, p.campo, escritura.segura(p.valor), p.mensaje])
    for aviso in resultado.avisos:
        err.print(f"[yellow]Aviso:[/yellow] {aviso}")
    verbo = "se crearían" if resultado.dry_run else "creados"
    partes = [
        f"{resultado.leidas} filas leídas",
        f"{resultado.creadas} {verbo}",
        f"{resultado.actualizadas} {'se actualizarían' if resultado.dry_run else 'actualizados'}",
        f"{resultado.sin_cambios} sin cambios",
        f"{resultado.rechazadas} rechazadas",
    ]
    if resultado.desactivadas:
        partes.append(f"{resultado.desactivadas} desactivados")
    prefijo = "[bold]Prueba (--dry-run), no se guardó nada:[/bold] " if resultado.dry_run else ""
    err.print(f"{prefijo}{nombre}: " + ", ".join(partes) + ".", soft_wrap=True)


@import_app.command("clientes")
def import_clientes(archivo: Archivo, dry_run: DryRun = False, reporte: Reporte = None) -> None:
    """Crea o actualiza clientes por CUIT (o teléfono); una celda vacía no borra lo guardado."""
    _importar(
        archivo,
        clientes_planilla.ImportadorClientes(),
        columnas=clientes_planilla.COLUMNAS,
        alias=clientes_planilla.ALIAS,
        nombre="clientes",
        dry_run=dry_run,
        reporte=reporte,
    )


@import_app.command("productos")
def import_productos(
    archivo: Archivo,
    dry_run: DryRun = False,
    reporte: Reporte = None,
    desactivar_ausentes: Annotated[
        bool,
        typer.Option(help="Dar de baja los productos activos que no estén en el archivo"),
    ] = False,
) -> None:
    """Crea o actualiza el catálogo por código (o nombre y presentación) que reconoce el bot."""
    _importar(
        archivo,
        productos_planilla.ImportadorProductos(desactivar_ausentes=desactivar_ausentes),
        columnas=productos_planilla.COLUMNAS,
        alias=productos_planilla.ALIAS,
        nombre="productos",
        dry_run=dry_run,
        reporte=reporte,
    )
