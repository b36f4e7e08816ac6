"""`vetanco import productos` / `export productos`: the catalogue the WhatsApp bot matches against."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import Api
from tests.factories import crear_caso
from vetanco.cli import app as cli
from vetanco.db import Database
from vetanco.productos.models import Producto
from vetanco.productos.service import nombres_para_bot

runner = CliRunner()
ENCABEZADO = ["Código", "Producto", "Presentación", "Droga", "Especie", "SENASA", "Activo"]


def _csv(ruta: Path, filas: list[list[str]]) -> Path:
    with ruta.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([ENCABEZADO, *filas])
    return ruta


def _importar(archivo: Path, *extra: str) -> tuple[int, str]:
    r = runner.invoke(cli, ["import", "productos", str(archivo), *extra])
    return r.exit_code, " ".join(r.output.split())


def _catalogo(db: Database) -> dict[str, tuple[str, bool]]:
    with db.session(write=False) as session:
        return {
            p.codigo or p.clave: (p.nombre_completo, p.activo)
            for p in session.scalars(select(Producto))
        }


def test_importa_actualiza_y_da_de_baja_lo_ausente(
    cli_env: str, db: Database, tmp_path: Path
) -> None:
    base = [
        ["VET-1", "Vetancilina", "100 ml", "Penicilina", "bovinos", "12.345", "sí"],
        ["VET-2", "Fosbac Plus T", "1 kg", "", "aves", "", "si"],
        ["", "Electrolitos solubles", "5 kg", "", "", "", ""],
    ]
    codigo, salida = _importar(_csv(tmp_path / "1.csv", base), "--dry-run")
    assert codigo == 0
    assert "3 se crearían" in salida
    assert _catalogo(db) == {}
    codigo, salida = _importar(tmp_path / "1.csv")
    assert (codigo, "3 creados, 0 actualizados, 0 sin cambios" in salida) == (0, True)
    cambios = [
        ["VET-1", "Vetancilina", "100 ml", "Penicilina G", "bovinos", "12.345", "sí"],
        ["VET-3", "electrolitos  SOLUBLES", "5 KG", "", "", "", "no"],
    ]
    codigo, salida = _importar(_csv(tmp_path / "2.csv", cambios), "--desactivar-ausentes")
    assert codigo == 0, salida
    assert "0 creados, 2 actualizados, 0 sin cambios, 0 rechazadas, 1 desactivados" in salida
    assert _catalogo(db) == {
        "VET-1": ("Vetancilina 100 ml", True),
        "VET-2": ("Fosbac Plus T 1 kg", False),
        "VET-3": ("electrolitos SOLUBLES 5 KG", False),
    }
    with db.session(write=False) as session:
        assert nombres_para_bot(session) == ["Vetancilina 100 ml"]


def test_conflictos_y_valores_invalidos_no_dan_de_baja_nada(
    cli_env: str, db: Database, tmp_path: Path
) -> None:
    _importar(_csv(tmp_path / "1.csv", [["VET-1", "Vetancilina", "100 ml", "", "", "", ""]]))
    filas = [
        ["VET-9", "Vetancilina", "100 ML", "", "", "", ""],
        ["VET-8", "X", "", "", "", "", "quizás"],
        ["VET-7", "Nuevo", "", "", "", "", "no"],
        ["VET-7", "Nuevo otra vez", "", "", "", "", ""],
    ]
    codigo, salida = _importar(_csv(tmp_path / "2.csv", filas), "--desactivar-ausentes")
    assert codigo == 1
    assert "ese nombre y presentación ya son del producto VET-1" in salida
    assert "demasiado corto" in salida
    assert "usá «sí» o «no»" in salida
    assert "ya está en la fila 4" in salida
    assert "no se desactivó nada" in salida
    assert _catalogo(db) == {
        "VET-1": ("Vetancilina 100 ml", True),
        "VET-7": ("Nuevo", False),
    }


def test_exportar_e_importar_da_lo_mismo(cli_env: str, db: Database, tmp_path: Path) -> None:
    filas = [
        ["VET-1", "Vetancilina", "100 ml", "Penicilina", "bovinos, ovinos", "12.345", "si"],
        ["", "=Raro", "", "", "", "", "no"],
    ]
    _importar(_csv(tmp_path / "1.csv", filas))
    primera = runner.invoke(cli, ["export", "productos", "-o", str(tmp_path / "e.csv")])
    assert primera.exit_code == 0, primera.output
    codigo, salida = _importar(tmp_path / "e.csv")
    assert (codigo, "0 creados, 0 actualizados, 2 sin cambios" in salida) == (0, True)
    texto = (tmp_path / "e.csv").read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(texto)))[1:] == [
        ["", "'=Raro", "", "", "", "", "no"],
        ["VET-1", "Vetancilina", "100 ml", "Penicilina", "bovinos, ovinos", "12.345", "si"],
    ]


def test_sin_catalogo_el_bot_usa_los_nombres_de_los_casos(api: Api, db: Database) -> None:
    crear_caso(api, producto={"nombre_producto": "Vetancilina 100ml"})
    with db.session(write=False) as session:
        assert nombres_para_bot(session) == ["Vetancilina 100ml"]
