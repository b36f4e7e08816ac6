"""`vetanco import clientes`: a row-level report, upserts by CUIT or phone, nothing saved on --dry-run."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import Api
from tests.factories import cuit_valido
from vetanco.cli import app as cli
from vetanco.clientes.models import Cliente
from vetanco.db import Database

runner = CliRunner()
CUIT_A = cuit_valido(1)
CUIT_B = cuit_valido(2, prefijo="20")


def _csv(ruta: Path, filas: list[list[str]]) -> Path:
    with ruta.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(filas)
    return ruta


def _clientes(db: Database) -> dict[str, Cliente]:
    with db.session(write=False) as session:
        return {c.cuit or c.telefono_digitos or "": c for c in session.scalars(select(Cliente))}


def _resumen(output: str) -> str:
    return " ".join(output.split())


def test_dry_run_cuenta_todo_y_no_guarda_nada(cli_env: str, db: Database, tmp_path: Path) -> None:
    archivo = _csv(
        tmp_path / "c.csv",
        [
            ["CUIT", "Razón social", "Teléfono", "Email"],
            [CUIT_A, "Agro Uno SA", "11 4444 0000", "uno@agro.com"],
            ["", "Tambo sin CUIT", "+54 9 341 555-0000", ""],
        ],
    )
    r = runner.invoke(cli, ["import", "clientes", str(archivo), "--dry-run"])
    assert r.exit_code == 0, r.output
    assert "2 filas leídas, 2 se crearían, 0 se actualizarían" in _resumen(r.output)
    assert "no se guardó nada" in r.output
    assert _clientes(db) == {}
    r = runner.invoke(cli, ["import", "clientes", str(archivo)])
    assert r.exit_code == 0, r.output
    assert "2 filas leídas, 2 creados, 0 actualizados, 0 sin cambios, 0 rechazadas" in _resumen(
        r.output
    )
    guardados = _clientes(db)
    assert guardados[CUIT_A].razon_social == "Agro Uno SA"
    assert guardados[CUIT_A].busqueda
    assert guardados["5493415550000"].razon_social == "Tambo sin CUIT"


def test_reimportar_actualiza_sin_borrar_lo_que_no_vino(
    cli_env: str, api: Api, db: Database, tmp_path: Path
) -> None:
    encabezado = ["cuit", "razon_social", "nombre_apellido", "telefono", "email"]
    primero = [encabezado, [CUIT_A, "Agro Uno SA", "Ana Díaz", "11 4444 0000", "ana@agro.com"]]
    assert (
        runner.invoke(cli, ["import", "clientes", str(_csv(tmp_path / "1.csv", primero))]).exit_code
        == 0
    )
    igual = runner.invoke(cli, ["import", "clientes", str(tmp_path / "1.csv")])
    assert "0 creados, 0 actualizados, 1 sin cambios" in _resumen(igual.output)
    segundo = [
        encabezado,
        [CUIT_A, "Agro Uno SRL", "", "", ""],
        ["", "", "Pedro Ruiz", "11 4444 0000", ""],
    ]
    r = runner.invoke(cli, ["import", "clientes", str(_csv(tmp_path / "2.csv", segundo))])
    assert r.exit_code == 0, r.output
    assert "0 creados, 2 actualizados" in _resumen(r.output)
    cliente = _clientes(db)[CUIT_A]
    assert (cliente.razon_social, cliente.nombre_apellido, cliente.email) == (
        "Agro Uno SRL",
        "Pedro Ruiz",
        "ana@agro.com",
    )
    encontrado = api.get("/api/clientes", params={"cuit": CUIT_A}).json()["data"]
    assert encontrado[0]["razon_social"] == "Agro Uno SRL"


def test_filas_invalidas_se_informan_y_las_validas_se_guardan(
    cli_env: str, db: Database, tmp_path: Path
) -> None:
    archivo = _csv(
        tmp_path / "c.csv",
        [
            ["cuit", "razon_social", "telefono", "email", "zona"],
            ["20-12345678-0", "CUIT mal", "", "x@y.com", "norte"],
            [CUIT_B, "Bien SA", "", "[red]no-es-email", ""],
            ["", "Sin nada que lo identifique", "", "", ""],
            [CUIT_A, "", "", "", ""],
            [cuit_valido(3), "Correcta SA", "", "", ""],
            [CUIT_B.replace("-", ""), "Repetida", "", "", ""],
            [cuit_valido(4), "x" * 201, "", "", ""],
        ],
    )
    reporte = tmp_path / "reporte.csv"
    r = runner.invoke(cli, ["import", "clientes", str(archivo), "--reporte", str(reporte)])
    assert r.exit_code == 1, r.output
    assert "Columnas ignoradas: zona" in r.output
    assert "fila 3, email «[red]no-es-email»: email inválido" in r.output
    assert "7 filas leídas, 2 creados" in _resumen(r.output)
    assert "5 rechazadas" in _resumen(r.output)
    with reporte.open(encoding="utf-8-sig") as fh:
        problemas = [(int(f["fila"]), f["campo"], f["problema"]) for f in csv.DictReader(fh)]
    assert [(fila, campo) for fila, campo, _ in problemas] == [
        (2, "cuit"),
        (3, "email"),
        (4, "fila"),
        (5, "fila"),
        (8, "razon_social"),
    ]
    textos = {(f, c): m for f, c, m in problemas}
    assert "dígito verificador" in textos[(2, "cuit")]
    assert "email inválido" in textos[(3, "email")]
    assert "cuit o telefono" in textos[(4, "fila")]
    assert "nombre_apellido o razon_social" in textos[(5, "fila")]
    assert "máximo 200" in textos[(8, "razon_social")]
    assert "repetida" not in r.output
    assert set(_clientes(db)) == {CUIT_B, cuit_valido(3)}


def test_una_clave_repetida_en_el_archivo_se_rechaza(cli_env: str, tmp_path: Path) -> None:
    archivo = _csv(
        tmp_path / "c.csv",
        [["cuit", "razon_social"], [CUIT_A, "Uno"], [CUIT_A.replace("-", ""), "Otra vez"]],
    )
    r = runner.invoke(cli, ["import", "clientes", str(archivo)])
    assert r.exit_code == 1
    assert f"repetida: la misma clave ({CUIT_A}) ya está en la fila 2" in r.output


def test_xlsx_con_cuit_numerico_y_archivo_ilegible(
    cli_env: str, db: Database, tmp_path: Path
) -> None:
    libro = Workbook()
    hoja = libro.active
    assert hoja is not None
    hoja.append(["CUIT", "Nombre y apellido", "Celular"])
    hoja.append([int(CUIT_A.replace("-", "")), "Ana Díaz", 1144440000])
    libro.save(tmp_path / "c.xlsx")
    r = runner.invoke(cli, ["import", "clientes", str(tmp_path / "c.xlsx")])
    assert r.exit_code == 0, r.output
    assert _clientes(db)[CUIT_A].telefono == "1144440000"
    (tmp_path / "roto.xlsx").write_bytes(b"PK no")
    r = runner.invoke(cli, ["import", "clientes", str(tmp_path / "roto.xlsx")])
    assert r.exit_code == 2
    assert "no se pudo leer" in r.output
    with db.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Cliente)) == 1
