"""Writing rows as CSV or XLSX in chunks, so an export of any size streams in flat memory."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from vetanco.db import utcnow
from vetanco.sla.calendario import ARGENTINA

Formato = Literal["csv", "xlsx"]
FORMULA = ("=", "+", "-", "@", "\t", "\r")
TIPOS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_TANDA = 500


def segura(valor: Any) -> Any:
    """Spreadsheet formula injection: a cell that starts like a formula is kept as text."""
    if isinstance(valor, str) and valor.startswith(FORMULA):
        return "'" + valor
    return valor


def _texto_xlsx(sheet: Any, valor: Any) -> Any:
    """In XLSX a text cell is typed as text, so '=…' keeps its exact value and is never a formula."""
    if isinstance(valor, str) and valor.startswith("="):
        cell = WriteOnlyCell(sheet, value=valor)
        cell.data_type = "s"
        return cell
    return valor


def csv_stream(columnas: Sequence[str], filas: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """UTF-8 with BOM so Excel opens accents right; one chunk every few hundred rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(columnas)
    for n, fila in enumerate(filas, start=1):
        writer.writerow([segura(v) for v in fila])
        if n % _TANDA == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_stream(
    columnas: Sequence[str], filas: Iterable[Sequence[Any]], *, hoja: str
) -> Iterator[bytes]:
    """openpyxl's write-only mode keeps memory flat; the file is spooled to disk, then streamed."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(hoja)
    sheet.append(list(columnas))
    for fila in filas:
        sheet.append([_texto_xlsx(sheet, v) for v in fila])
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as fh:
        book.save(fh)
        fh.seek(0)
        while chunk := fh.read(64 * 1024):
            yield chunk


def descarga(nombre: str, formato: Formato) -> dict[str, str]:
    """Content-Disposition with a dated file name, e.g. casos-20261129-0930.csv (Argentine time)."""
    sello = utcnow().astimezone(ARGENTINA).strftime("%Y%m%d-%H%M")
    return {"Content-Disposition": f'attachment; filename="{nombre}-{sello}.{formato}"'}


def stream(
    formato: Formato, columnas: Sequence[str], filas: Iterable[Sequence[Any]], *, hoja: str
) -> Iterator[bytes]:
    if formato == "xlsx":
        return xlsx_stream(columnas, filas, hoja=hoja)
    return csv_stream(columnas, filas)
