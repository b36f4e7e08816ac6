"""PUT/GET /api/investigaciones/{id}: progress, completion rules, history, roles, and GMP resolution."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.conftest import Api
from tests.factories import clasificar, crear_caso, crear_colaborador

PROGRESO = {
    "hallazgos": "Se detectó contaminación en el lote ABC123",
    "evidencia_recolectada": "Muestras enviadas a laboratorio externo",
    "analisis_laboratorio": "Informe Lab-2025-456 confirma contaminación",
    "causa_raiz": "Falla en limpieza de tanque de mezclado",
    "acciones_correctivas": "Limpieza profunda y recalibración de equipos",
}


def iniciada(api: Api, **caso: Any) -> tuple[str, str]:
    """A case with an investigation under way: (numero_caso, investigacion_id)."""
    numero = crear_caso(api, **caso)
    response = api.post(
        f"/api/casos/{numero}/investigacion", json={"investigador_id": crear_colaborador(api)}
    )
    assert response.status_code == 201, response.text
    return numero, response.json()["investigacion"]["id"]


def actualizar(api: Api, inv_id: str, body: Any, role: str | None = "admin") -> httpx.Response:
    return api.put(f"/api/investigaciones/{inv_id}", json=body, role=role)


def ver(api: Api, inv_id: str) -> dict[str, Any]:
    response = api.get(f"/api/investigaciones/{inv_id}")
    assert response.status_code == 200, response.text
    inv: dict[str, Any] = response.json()["investigacion"]
    return inv


def historial(api: Api, numero: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = api.get(f"/api/casos/{numero}/historial").json()["data"]
    return data


def locs(response: httpx.Response) -> list[list[Any]]:
    return [d["loc"] for d in response.json()["details"]]


def parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_actualizar_con_los_campos_del_contrato(api: Api) -> None:
    numero, inv_id = iniciada(api)
    inicio = parse_ts(ver(api, inv_id)["fecha_inicio"])

    response = actualizar(api, inv_id, PROGRESO)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success"
    assert body["investigacion"]["id"] == inv_id
    assert parse_ts(body["investigacion"]["updated_at"]) >= inicio
    inv = ver(api, inv_id)
    for campo, valor in PROGRESO.items():
        assert inv[campo] == valor
    assert inv["estado"] == "en_proceso"
    assert inv["fecha_fin"] is None
    assert inv["caso_numero"] == numero
    assert inv["investigador"] == "Dr. Carlos López"
    assert parse_ts(inv["updated_at"]) == parse_ts(body["investigacion"]["updated_at"])
    detalle = api.get(f"/api/casos/{numero}").json()["caso"]["investigacion"]
    assert detalle["causa_raiz"] == PROGRESO["causa_raiz"]


def test_actualizacion_parcial_no_borra_lo_anterior(api: Api) -> None:
    _, inv_id = iniciada(api)
    assert actualizar(api, inv_id, {"hallazgos": "Primer hallazgo"}).status_code == 200

    response = actualizar(api, inv_id, {"analisis_laboratorio": "Lab OK"})

    assert response.status_code == 200, response.text
    inv = ver(api, inv_id)
    assert inv["hallazgos"] == "Primer hallazgo"
    assert inv["analisis_laboratorio"] == "Lab OK"


def test_completar_sin_causa_raiz_es_400_y_no_guarda_nada(api: Api) -> None:
    numero, inv_id = iniciada(api)
    entradas = len(historial(api, numero))

    response = actualizar(api, inv_id, {"estado": "completada", "hallazgos": "Nada concluyente"})

    assert response.status_code == 400, response.text
    assert ["body", "causa_raiz"] in locs(response)
    inv = ver(api, inv_id)
    assert inv["estado"] == "en_proceso"
    assert inv["fecha_fin"] is None
    assert inv["hallazgos"] is None
    assert len(historial(api, numero)) == entradas


def test_completar_con_causa_raiz_fija_fecha_fin(api: Api) -> None:
    numero, inv_id = iniciada(api)

    response = actualizar(api, inv_id, {"causa_raiz": "Tanque mal lavado", "estado": "completada"})

    assert response.status_code == 200, response.text
    assert response.json()["investigacion"]["estado"] == "completada"
    inv = ver(api, inv_id)
    assert inv["estado"] == "completada"
    assert inv["fecha_fin"] is not None
    fin = parse_ts(inv["fecha_fin"])
    assert fin >= parse_ts(inv["fecha_inicio"])
    detalle = api.get(f"/api/casos/{numero}").json()["caso"]["investigacion"]
    assert detalle["estado"] == "completada"
    assert parse_ts(detalle["fecha_fin"]) == fin


def test_completar_con_causa_raiz_cargada_antes(api: Api) -> None:
    _, inv_id = iniciada(api)
    assert actualizar(api, inv_id, {"causa_raiz": "Error de rotulado"}).status_code == 200

    response = actualizar(api, inv_id, {"estado": "completada"})

    assert response.status_code == 200, response.text
    assert ver(api, inv_id)["estado"] == "completada"


def test_editar_completada_sin_reabrir_es_409(api: Api) -> None:
    _, inv_id = iniciada(api)
    body = {"causa_raiz": "Causa A", "estado": "completada"}
    assert actualizar(api, inv_id, body).status_code == 200

    response = actualizar(api, inv_id, {"hallazgos": "Agregado tarde"})

    assert response.status_code == 409, response.text
    again = actualizar(api, inv_id, {"estado": "completada", "causa_raiz": "Causa B"})
    assert again.status_code == 409, again.text
    inv = ver(api, inv_id)
    assert inv["hallazgos"] is None
    assert inv["causa_raiz"] == "Causa A"
    assert inv["estado"] == "completada"


def test_reabrir_completada_con_en_proceso(api: Api) -> None:
    _, inv_id = iniciada(api)
    assert actualizar(api, inv_id, {"causa_raiz": "A", "estado": "completada"}).status_code == 200

    response = actualizar(api, inv_id, {"estado": "en_proceso", "hallazgos": "Nueva muestra"})

    assert response.status_code == 200, response.text
    inv = ver(api, inv_id)
    assert inv["estado"] == "en_proceso"
    assert inv["fecha_fin"] is None
    assert inv["hallazgos"] == "Nueva muestra"
    assert inv["causa_raiz"] == "A"


@pytest.mark.parametrize("body", [{}, {"hallazgos": None}], ids=["vacio", "solo-nulls"])
def test_cuerpo_sin_cambios_es_400(api: Api, body: dict[str, Any]) -> None:
    numero, inv_id = iniciada(api)
    entradas = len(historial(api, numero))

    response = actualizar(api, inv_id, body)

    assert response.status_code == 400, response.text
    assert response.json()["error"] == "validation_error"
    assert len(historial(api, numero)) == entradas


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"estado": "cancelada"}, ["body", "estado"]),
        ({"hallazgos": "x", "campo_raro": 1}, ["body", "campo_raro"]),
        ({"investigador_id": "no-uuid"}, ["body", "investigador_id"]),
        ({"investigador_id": str(uuid.UUID(int=7))}, ["body", "investigador_id"]),
    ],
    ids=[
        "estado-invalido",
        "campo-desconocido",
        "investigador-no-uuid",
        "investigador-inexistente",
    ],
)
def test_cuerpo_invalido_es_400_con_loc(api: Api, body: dict[str, Any], loc: list[str]) -> None:
    _, inv_id = iniciada(api)

    response = actualizar(api, inv_id, body)

    assert response.status_code == 400, response.text
    assert loc in locs(response)


def test_cambiar_investigador(api: Api) -> None:
    _, inv_id = iniciada(api)
    nueva = crear_colaborador(api, nombre="Ing. Laura Sosa")

    response = actualizar(api, inv_id, {"investigador_id": nueva})

    assert response.status_code == 200, response.text
    inv = ver(api, inv_id)
    assert inv["investigador"] == "Ing. Laura Sosa"
    assert inv["investigador_id"] == nueva


def test_investigacion_inexistente_es_404(api: Api) -> None:
    inexistente = str(uuid.uuid4())

    assert actualizar(api, inexistente, {"hallazgos": "x"}).status_code == 404
    assert api.get(f"/api/investigaciones/{inexistente}").status_code == 404


def test_id_que_no_es_uuid_es_400(api: Api) -> None:
    response = actualizar(api, "no-es-uuid", {"hallazgos": "x"})

    assert response.status_code == 400, response.text
    assert ["path", "investigacion_id"] in locs(response)
    assert api.get("/api/investigaciones/123").status_code == 400


def test_cada_cambio_agrega_una_entrada_al_historial(api: Api) -> None:
    numero, inv_id = iniciada(api)
    inicial = historial(api, numero)

    assert actualizar(api, inv_id, {"hallazgos": "H1"}).status_code == 200
    assert actualizar(api, inv_id, {"causa_raiz": "C1", "estado": "completada"}).status_code == 200

    entradas = historial(api, numero)
    assert len(entradas) == len(inicial) + 2
    h1, h2 = entradas[-2:]
    assert h1["accion"] == h2["accion"] == "investigacion_actualizada"
    assert h1["cambios"]["investigacion.hallazgos"] == {"antes": None, "despues": "H1"}
    assert h2["cambios"]["investigacion.causa_raiz"] == {"antes": None, "despues": "C1"}
    assert h2["cambios"]["investigacion.estado"] == {"antes": "en_proceso", "despues": "completada"}
    assert [e["secuencia"] for e in entradas] == list(range(1, len(entradas) + 1))
    for previa, siguiente in itertools.pairwise(entradas):
        assert siguiente["hash_anterior"] == previa["hash"]


def test_no_se_modifica_la_investigacion_de_un_caso_cerrado(api: Api) -> None:
    numero, inv_id = iniciada(api)
    clasificar(api, numero, "reclamo", "critico", motivo="Confirmado")
    assert actualizar(api, inv_id, {"causa_raiz": "C", "estado": "completada"}).status_code == 200
    body = {"estado": "resuelto", "resolucion": "Lote retirado"}
    assert api.put(f"/api/casos/{numero}/estado", json=body).status_code == 200
    assert api.put(f"/api/casos/{numero}/estado", json={"estado": "cerrado"}).status_code == 200

    response = actualizar(api, inv_id, {"estado": "en_proceso", "hallazgos": "tarde"})

    assert response.status_code == 409, response.text
    assert ver(api, inv_id)["estado"] == "completada"


@pytest.mark.parametrize("criticidad", ["critico", "mayor"])
def test_reclamo_grave_se_resuelve_solo_con_causa_raiz(api: Api, criticidad: str) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "reclamo", criticidad)
    resolver = {"estado": "resuelto", "resolucion": "Se reemplazó el lote"}

    sin_investigacion = api.put(f"/api/casos/{numero}/estado", json=resolver)
    assert sin_investigacion.status_code == 409, sin_investigacion.text

    inv = api.post(
        f"/api/casos/{numero}/investigacion", json={"investigador_id": crear_colaborador(api)}
    )
    inv_id = inv.json()["investigacion"]["id"]
    assert actualizar(api, inv_id, {"hallazgos": "Sin conclusión"}).status_code == 200
    sin_causa = api.put(f"/api/casos/{numero}/estado", json=resolver)
    assert sin_causa.status_code == 409, sin_causa.text
    assert api.get(f"/api/casos/{numero}").json()["caso"]["estado"] == "en_investigacion"

    assert actualizar(api, inv_id, {"causa_raiz": "Falla de envasado"}).status_code == 200
    con_causa = api.put(f"/api/casos/{numero}/estado", json=resolver)
    assert con_causa.status_code == 200, con_causa.text
    caso = api.get(f"/api/casos/{numero}").json()["caso"]
    assert caso["estado"] == "resuelto"
    assert caso["resolucion"] == "Se reemplazó el lote"


@pytest.mark.parametrize("role", ["admin", "calidad"])
def test_admin_y_calidad_pueden_actualizar(api: Api, role: str) -> None:
    _, inv_id = iniciada(api)

    response = actualizar(api, inv_id, {"hallazgos": f"por {role}"}, role=role)

    assert response.status_code == 200, response.text
    assert ver(api, inv_id)["hallazgos"] == f"por {role}"


@pytest.mark.parametrize("role", ["colaborador", "lectura"])
def test_colaborador_y_lectura_no_pueden_actualizar(api: Api, role: str) -> None:
    _, inv_id = iniciada(api)

    response = actualizar(api, inv_id, {"hallazgos": "intruso"}, role=role)

    assert response.status_code == 403, response.text
    assert ver(api, inv_id)["hallazgos"] is None


def test_actualizar_sin_api_key_es_401(api: Api) -> None:
    _, inv_id = iniciada(api)

    response = actualizar(api, inv_id, {"hallazgos": "anónimo"}, role=None)

    assert response.status_code == 401, response.text
    assert ver(api, inv_id)["hallazgos"] is None


@pytest.mark.parametrize("role", ["calidad", "colaborador", "lectura"])
def test_todos_los_roles_leen_la_investigacion(api: Api, role: str) -> None:
    _, inv_id = iniciada(api)

    response = api.get(f"/api/investigaciones/{inv_id}", role=role)

    assert response.status_code == 200, response.text
    assert response.json()["investigacion"]["id"] == inv_id
    assert api.get(f"/api/investigaciones/{inv_id}", role=None).status_code == 401
