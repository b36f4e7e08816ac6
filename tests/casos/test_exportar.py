"""GET /api/casos/export and `vetanco export casos`: the list's filters, as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.casos.helpers import assert_error
from tests.conftest import Api
from tests.factories import crear_caso
from vetanco.cli import app as cli

runner = CliRunner()


def _csv(contenido: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(contenido.decode("utf-8-sig"))))


def _casos(api: Api) -> dict[str, str]:
    return {
        "telefono": crear_caso(api, canal="telefono"),
        "email": crear_caso(api, canal="email", producto={"numero_lote": "LOTE77"}),
        "formula": crear_caso(api, canal="web", descripcion={"que_sucedio": "=1+2 en el campo"}),
    }


def test_csv_con_los_filtros_del_listado(api: Api) -> None:
    casos = _casos(api)
    r = api.get("/api/casos/export", params={"canal": "email"}, role="lectura")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"].startswith('attachment; filename="casos-')
    filas = _csv(r.content)
    assert [f["numero_caso"] for f in filas] == [casos["email"]]
    assert filas[0]["lote"] == "LOTE77"
    assert filas[0]["canal"] == "email"
    listado = api.get("/api/casos", params={"numero_lote": "lote77"}).json()["data"]
    por_lote = _csv(api.get("/api/casos/export", params={"numero_lote": "lote77"}).content)
    assert [f["numero_caso"] for f in por_lote] == [c["numero_caso"] for c in listado]


def test_xlsx_en_el_orden_pedido_y_texto_que_no_es_formula(api: Api) -> None:
    casos = _casos(api)
    r = api.get("/api/casos/export", params={"formato": "xlsx", "orden": "numero_caso"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    hoja = load_workbook(io.BytesIO(r.content)).worksheets[0]
    filas = list(hoja.iter_rows(values_only=True))
    assert filas[0][0] == "numero_caso"
    assert [f[0] for f in filas[1:]] == sorted(casos.values())
    formula = next(f for f in filas if f[0] == casos["formula"])
    assert formula[-1] == "=1+2 en el campo"


def test_errores_claros(api: Api) -> None:
    assert_error(api.get("/api/casos/export", role=None), 401)
    body = assert_error(api.get("/api/casos/export", params={"formato": "pdf"}), 400)
    assert body["details"][0]["loc"] == ["query", "formato"]
    fechas = {"fecha_desde": "2025-10-20", "fecha_hasta": "2025-10-01"}
    body = assert_error(api.get("/api/casos/export", params=fechas), 400)
    assert body["details"][0]["loc"] == ["query", "fecha_hasta"]
    assert_error(api.get("/api/casos/export", params={"orden": "azar"}), 400)


def test_cli_exporta_a_archivo_o_salida_estandar(api: Api, cli_env: str, tmp_path: Path) -> None:
    casos = _casos(api)
    salida = tmp_path / "email.xlsx"
    r = runner.invoke(cli, ["export", "casos", "--canal", "email", "-o", str(salida)])
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "email.xlsx.parcial").exists()
    filas = list(load_workbook(salida).worksheets[0].iter_rows(values_only=True))
    assert [f[0] for f in filas[1:]] == [casos["email"]]
    r = runner.invoke(cli, ["export", "casos", "--q", "=1+2", "--desde", "2020-01-01"])
    assert r.exit_code == 0, r.output
    assert [f["numero_caso"] for f in _csv(r.stdout_bytes)] == [casos["formula"]]
    assert runner.invoke(cli, ["export", "casos", "--desde", "ayer"]).exit_code == 2
    assert runner.invoke(cli, ["export", "casos", "--formato", "pdf"]).exit_code == 2
    invertido = ["export", "casos", "--desde", "2025-02-01", "--hasta", "2025-01-01"]
    assert runner.invoke(cli, invertido).exit_code == 2
