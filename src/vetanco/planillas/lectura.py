"""Reading CSV and XLSX files row by row, whatever Excel, LibreOffice or an ERP wrote."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from vetanco.planillas.escritura import FORMULA
from vetanco.text import fold

_NO_ALFANUMERICO = re.compile(r"[^a-z0-9]+")
MAX_BYTES = 50 * 1024 * 1024


class PlanillaInvalida(ValueError):
    """The file as a whole cannot be read: wrong type, no header, missing columns."""


@dataclass
class Hoja:
    """Rows keyed by canonical column name; `numero` is the row number the user sees (header = 1)."""

    columnas: list[str]
    ignoradas: list[str]
    total: int
    filas: list[tuple[int, dict[str, str]]]


def encabezado(texto: str) -> str:
    """'Razón Social' and 'razon-social' are the same column."""
    return _NO_ALFANUMERICO.sub("_", fold(texto)).strip("_")


def celda(valor: Any) -> str:
    """Cells as text: Excel turns CUITs and phones into numbers and dates into datetimes."""
    if valor is None:
        return ""
    if isinstance(valor, bool):
        return "si" if valor else "no"
    if isinstance(valor, float) and valor.is_integer():
        return str(int(valor))
    if isinstance(valor, datetime):
        return (
            valor.date().isoformat() if valor.time() == datetime.min.time() else valor.isoformat()
        )
    if isinstance(valor, date):
        return valor.isoformat()
    texto = str(valor).strip()
    if texto.startswith("'") and texto[1:2] and texto[1] in FORMULA:
        return texto[1:]
    return texto


def _texto_csv(datos: bytes) -> str:
    """UTF-8 (with or without BOM) first; Excel in Spanish saves CSV as Windows-1252."""
    try:
        return datos.decode("utf-8-sig")
    except UnicodeDecodeError:
        return datos.decode("cp1252", errors="replace")


def _filas_csv(ruta: Path) -> list[list[str]]:
    texto = _texto_csv(ruta.read_bytes())
    try:
        dialecto: Any = csv.Sniffer().sniff(texto[: 64 * 1024], delimiters=",;\t")
    except csv.Error:
        dialecto = csv.excel
    return [list(fila) for fila in csv.reader(io.StringIO(texto), dialecto)]


def _filas_xlsx(ruta: Path) -> list[list[Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        libro = load_workbook(ruta, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise PlanillaInvalida(f"no se pudo leer {ruta.name} como XLSX: {exc}") from exc
    try:
        hoja = libro.worksheets[0]
        return [list(fila) for fila in hoja.iter_rows(values_only=True)]
    finally:
        libro.close()


def leer(ruta: Path, *, columnas: tuple[str, ...], alias: Mapping[str, str]) -> Hoja:
    """The first sheet, header row first; unknown columns are listed, not fatal."""
    if not ruta.is_file():
        raise PlanillaInvalida(f"no existe el archivo {ruta}")
    if ruta.stat().st_size > MAX_BYTES:
        raise PlanillaInvalida(f"{ruta.name} pesa más de {MAX_BYTES // (1024 * 1024)} MB")
    sufijo = ruta.suffix.lower()
    if sufijo == ".csv":
        crudas: list[list[Any]] = list(_filas_csv(ruta))
    elif sufijo in (".xlsx", ".xlsm"):
        crudas = _filas_xlsx(ruta)
    else:
        raise PlanillaInvalida(
            f"formato no soportado: {ruta.suffix or 'sin extensión'} (usá .csv o .xlsx)"
        )
    if not crudas:
        raise PlanillaInvalida(f"{ruta.name} está vacío")
    nombres = [encabezado(celda(c)) for c in crudas[0]]
    destino = [alias.get(n, n) if alias.get(n, n) in columnas else None for n in nombres]
    ignoradas = [
        celda(c) for c, d in zip(crudas[0], destino, strict=True) if d is None and celda(c)
    ]
    repetidas = sorted({d for d in destino if d and destino.count(d) > 1})
    if repetidas:
        raise PlanillaInvalida(f"columnas repetidas: {', '.join(repetidas)}")
    if not any(destino):
        esperadas = ", ".join(columnas)
        raise PlanillaInvalida(f"la primera fila no tiene ninguna columna conocida ({esperadas})")
    filas: list[tuple[int, dict[str, str]]] = []
    for numero, cruda in enumerate(crudas[1:], start=2):
        valores = {d: celda(v) for d, v in zip(destino, cruda, strict=False) if d}
        if any(valores.values()):
            filas.append((numero, valores))
    return Hoja(
        columnas=[d for d in destino if d], ignoradas=ignoradas, total=len(filas), filas=filas
    )
