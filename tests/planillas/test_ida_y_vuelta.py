"""A few thousand cases and clients out and back in: every row survives, nothing is invented."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import delete, select
from typer.testing import CliRunner

from tests.conftest import Api
from vetanco.cli import app as cli
from vetanco.clientes.models import Cliente
from vetanco.config import get_settings
from vetanco.db import Database
from vetanco.demo.service import Sembrador
from vetanco.politicas import Politicas
from vetanco.sla.calendario import ARGENTINA

CASOS = 2500
runner = CliRunner()


def _sembrar(db: Database, *, casos: int) -> None:
    sembrador = Sembrador(
        casos=casos, semilla=7, anios=2, politicas=Politicas.desde(get_settings())
    )
    with db.transaction() as session:
        sembrador.personas(session)
    while sembrador.hechos < casos:
        with db.transaction() as session:
            sembrador.siguiente_lote(session, tamano=1000)


def _por_api(api: Api) -> list[dict[str, Any]]:
    """The same cases read through the list endpoint, oldest first."""
    casos: list[dict[str, Any]] = []
    page = 1
    while True:
        params = {"orden": "created_at", "limit": 100, "page": page}
        body = api.get("/api/casos", params=params).json()
        casos += body["data"]
        if page >= body["pagination"]["total_pages"]:
            return casos
        page += 1


def _esperado(caso: dict[str, Any]) -> list[str]:
    cliente = caso["cliente"]
    producto = caso["producto"] or {"nombre": "", "lote": ""}
    creado = datetime.fromisoformat(caso["created_at"].replace("Z", "+00:00"))
    return [
        caso["numero_caso"],
        creado.astimezone(ARGENTINA).strftime("%Y-%m-%d %H:%M"),
        caso["tipo_caso"],
        caso["criticidad"] or "",
        caso["estado"],
        caso["canal"],
        cliente["razon_social"] or cliente["nombre"] or "",
        cliente["cuit"] or "",
        producto["nombre"],
        producto["lote"] or "",
        "si" if caso["evento_adverso"] else "no",
        caso["descripcion_que_sucedio"],
    ]


def test_casos_exportados_por_api_y_por_cli_son_los_del_listado(
    api: Api, db: Database, cli_env: str, tmp_path: Path
) -> None:
    _sembrar(db, casos=CASOS)
    esperado = [_esperado(c) for c in _por_api(api)]
    assert len(esperado) == CASOS

    trozos = 0
    cuerpo = b""
    with api.client.stream(
        "GET", "/api/casos/export", params={"orden": "created_at"}, headers=api.headers("lectura")
    ) as r:
        assert r.status_code == 200
        for trozo in r.iter_raw():
            trozos += 1
            cuerpo += trozo
    assert trozos > 1
    filas = list(csv.reader(io.StringIO(cuerpo.decode("utf-8-sig"))))
    assert [[c.removeprefix("'") for c in f] for f in filas[1:]] == esperado

    salida = tmp_path / "casos.xlsx"
    r = runner.invoke(cli, ["export", "casos", "--orden", "created_at", "-o", str(salida)])
    assert r.exit_code == 0, r.output
    hoja = load_workbook(salida, read_only=True).worksheets[0]
    xlsx = [["" if v is None else str(v) for v in f] for f in hoja.iter_rows(values_only=True)]
    assert xlsx[1:] == esperado


def test_clientes_exportados_se_reimportan_en_una_base_vacia_iguales(
    db: Database, cli_env: str, tmp_path: Path
) -> None:
    sembrador = Sembrador(
        casos=30_000, semilla=3, anios=1, politicas=Politicas.desde(get_settings())
    )
    with db.transaction() as session:
        sembrador.personas(session)
    for formato in ("csv", "xlsx"):
        antes = tmp_path / f"antes.{formato}"
        assert runner.invoke(cli, ["export", "clientes", "-o", str(antes)]).exit_code == 0
        with db.transaction() as session:
            originales = {c.cuit: _datos(c) for c in session.scalars(select(Cliente))}
            session.execute(delete(Cliente))
        r = runner.invoke(cli, ["import", "clientes", str(antes)])
        assert r.exit_code == 0, r.output
        assert f"{len(originales)} creados" in " ".join(r.output.split())
        with db.session(write=False) as session:
            assert {c.cuit: _datos(c) for c in session.scalars(select(Cliente))} == originales
        despues = tmp_path / f"despues.{formato}"
        assert runner.invoke(cli, ["export", "clientes", "-o", str(despues)]).exit_code == 0
        if formato == "csv":
            assert despues.read_bytes() == antes.read_bytes()
    assert len(originales) == 3000


def _datos(cliente: Cliente) -> tuple[Any, ...]:
    return (
        cliente.razon_social,
        cliente.nombre_apellido,
        cliente.telefono,
        cliente.telefono_digitos,
        cliente.email,
        cliente.direccion,
    )
