"""Reading whatever Excel, LibreOffice or an ERP wrote; writing cells that never run as formulas."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from vetanco.clientes import planilla
from vetanco.planillas import escritura
from vetanco.planillas.lectura import PlanillaInvalida, leer


def _leer(ruta: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    hoja = leer(ruta, columnas=planilla.COLUMNAS, alias=planilla.ALIAS)
    return hoja.ignoradas, hoja.filas


def test_csv_de_excel_en_castellano_punto_y_coma_y_windows_1252(tmp_path: Path) -> None:
    ruta = tmp_path / "clientes.csv"
    texto = "CUIT;Razón Social;Teléfono;Correo electrónico;Notas\n20-12345678-6;Agro Ñandú;11 5555;a@b.com;x\n"
    ruta.write_bytes(texto.encode("cp1252"))
    ignoradas, filas = _leer(ruta)
    assert ignoradas == ["Notas"]
    assert filas == [
        (
            2,
            {
                "cuit": "20-12345678-6",
                "razon_social": "Agro Ñandú",
                "telefono": "11 5555",
                "email": "a@b.com",
            },
        )
    ]


def test_csv_utf8_con_bom_filas_vacias_y_celdas_protegidas(tmp_path: Path) -> None:
    ruta = tmp_path / "c.csv"
    cuerpo = "\ufeffcuit,nombre_apellido,telefono\n,,\n,Ana,'+54 9 11 5555\n,'=1+2,\n"
    ruta.write_text(cuerpo, encoding="utf-8")
    _, filas = _leer(ruta)
    assert filas == [
        (3, {"cuit": "", "nombre_apellido": "Ana", "telefono": "+54 9 11 5555"}),
        (4, {"cuit": "", "nombre_apellido": "=1+2", "telefono": ""}),
    ]


def test_xlsx_con_numeros_y_fechas_en_vez_de_texto(tmp_path: Path) -> None:
    libro = Workbook()
    hoja = libro.active
    assert hoja is not None
    hoja.append(["CUIT", "Nombre y apellido", "Celular", "Alta"])
    hoja.append([20123456786, "Ana", 1155551234.0, datetime(2025, 3, 1)])
    ruta = tmp_path / "c.xlsx"
    libro.save(ruta)
    ignoradas, filas = _leer(ruta)
    assert ignoradas == ["Alta"]
    assert filas == [
        (2, {"cuit": "20123456786", "nombre_apellido": "Ana", "telefono": "1155551234"})
    ]


@pytest.mark.parametrize(
    ("nombre", "contenido", "mensaje"),
    [
        ("c.txt", b"cuit\n", "formato no soportado"),
        ("c.csv", b"", "vac"),
        ("c.csv", b"foo,bar\n1,2\n", "ninguna columna conocida"),
        ("c.csv", b"cuit,CUIT\n1,2\n", "columnas repetidas: cuit"),
        ("c.xlsx", b"no es un zip", "no se pudo leer c.xlsx"),
    ],
)
def test_archivos_que_no_se_pueden_leer(
    tmp_path: Path, nombre: str, contenido: bytes, mensaje: str
) -> None:
    ruta = tmp_path / nombre
    ruta.write_bytes(contenido)
    with pytest.raises(PlanillaInvalida, match=mensaje):
        _leer(ruta)


def test_archivo_inexistente(tmp_path: Path) -> None:
    with pytest.raises(PlanillaInvalida, match="no existe"):
        _leer(tmp_path / "nada.csv")


def test_nada_se_ejecuta_como_formula_al_abrir_la_exportacion() -> None:
    filas = [['=HYPERLINK("http://x")', "+54 9 11", "normal", 3]]
    texto = b"".join(escritura.csv_stream(["a", "b", "c", "d"], filas)).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(texto)))[1] == [
        '\'=HYPERLINK("http://x")',
        "'+54 9 11",
        "normal",
        "3",
    ]
    libro = load_workbook(io.BytesIO(b"".join(escritura.xlsx_stream(["a"], filas, hoja="X"))))
    celdas = next(libro.worksheets[0].iter_rows(min_row=2))
    assert [(c.value, c.data_type) for c in celdas[:3]] == [
        ('=HYPERLINK("http://x")', "s"),
        ("+54 9 11", "s"),
        ("normal", "s"),
    ]
