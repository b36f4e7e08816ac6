"""GET /api/casos/{numero_caso}: the spec's full detail shape, 404 and malformed numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.casos.helpers import (
    assert_error,
    detalle,
    iniciar_investigacion,
    is_uuid,
    parse_ts,
)
from tests.conftest import Api
from tests.factories import caso_payload, crear_caso, crear_colaborador

SPEC_CASO_KEYS = {
    "id",
    "numero_caso",
    "tipo_caso",
    "criticidad",
    "justificacion",
    "estado",
    "canal",
    "cliente",
    "colaborador_registro",
    "productos_afectados",
    "descripcion",
    "adjuntos",
    "investigacion",
    "created_at",
    "updated_at",
}
SPEC_CLIENTE_KEYS = {"id", "nombre_apellido", "razon_social", "cuit", "telefono", "email"}
SPEC_PRODUCTO_KEYS = {
    "nombre_producto",
    "presentacion",
    "numero_lote",
    "fecha_vencimiento",
    "estado_producto",
    "cantidad_afectada",
    "unidad_medida",
}
SPEC_DESCRIPCION_KEYS = {"que_sucedio", "donde_ocurrio", "cuando_ocurrio", "descripcion_libre"}


def _crear_completo(api: Api) -> tuple[str, str]:
    colaborador = crear_colaborador(api, nombre="María González", cargo="Asesora de Ventas")
    payload = caso_payload(
        tipo_usuario_registro="colaborador_vetanco",
        colaborador_id=colaborador,
        tipo_caso="reclamo",
        criticidad="critico",
        producto={"presentacion": "Frasco 100ml", "numero_lote": "ABC123"},
        descripcion={
            "que_sucedio": "Al aplicar el producto, 3 bovinos murieron",
            "donde_ocurrio": "Establecimiento Las Rosas, Tandil",
            "cuando_ocurrio": "2025-10-17T14:00:00Z",
            "descripcion_libre": "Tengo informe veterinario",
        },
        adjuntos=[
            {
                "tipo": "foto",
                "url": "https://storage.ejemplo.com/producto_defecto.jpg",
                "nombre": "producto_defecto.jpg",
            }
        ],
        canal="whatsapp",
    )
    response = api.post("/api/casos", json=payload)
    assert response.status_code == 201, response.text
    return response.json()["caso"]["numero_caso"], response.json()["caso"]["id"]


def test_detalle_completo_con_la_forma_del_spec(api: Api) -> None:
    numero, caso_id = _crear_completo(api)
    response = api.get(f"/api/casos/{numero}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"caso"}
    caso = body["caso"]
    assert set(caso) >= SPEC_CASO_KEYS, SPEC_CASO_KEYS - set(caso)
    assert caso["id"] == caso_id
    assert caso["numero_caso"] == numero
    assert caso["tipo_caso"] == "reclamo"
    assert caso["criticidad"] == "critico"
    assert caso["justificacion"] == "pendiente_investigacion"
    assert caso["estado"] == "nuevo"
    assert caso["canal"] == "whatsapp"

    cliente = caso["cliente"]
    assert set(cliente) >= SPEC_CLIENTE_KEYS
    assert is_uuid(cliente["id"])
    assert cliente["nombre_apellido"] == "Juan Pérez"
    assert cliente["razon_social"] == "Agropecuaria Los Pinos SA"
    assert cliente["cuit"] == "30-12345678-1"
    assert cliente["telefono"] == "11-5555-1234"
    assert cliente["email"] == "juan@ejemplo.com"

    assert caso["colaborador_registro"]["nombre"] == "María González"
    assert caso["colaborador_registro"]["cargo"] == "Asesora de Ventas"

    [producto] = caso["productos_afectados"]
    assert set(producto) >= SPEC_PRODUCTO_KEYS
    assert producto["nombre_producto"] == "Vetancilina 100ml"
    assert producto["presentacion"] == "Frasco 100ml"
    assert producto["numero_lote"] == "ABC123"
    assert producto["fecha_vencimiento"] == "2026-12-31"
    assert producto["estado_producto"] == "usado"
    assert producto["cantidad_afectada"] == 10
    assert producto["unidad_medida"] == "frascos"

    descripcion = caso["descripcion"]
    assert set(descripcion) == SPEC_DESCRIPCION_KEYS
    assert descripcion["que_sucedio"] == "Al aplicar el producto, 3 bovinos murieron"
    assert descripcion["donde_ocurrio"] == "Establecimiento Las Rosas, Tandil"
    assert parse_ts(descripcion["cuando_ocurrio"]) == datetime(2025, 10, 17, 14, tzinfo=UTC)
    assert descripcion["descripcion_libre"] == "Tengo informe veterinario"

    [adjunto] = caso["adjuntos"]
    assert {k: adjunto[k] for k in ("tipo", "url", "nombre")} == {
        "tipo": "foto",
        "url": "https://storage.ejemplo.com/producto_defecto.jpg",
        "nombre": "producto_defecto.jpg",
    }
    assert adjunto["estado"] == "externo"  # given by URL, not downloaded by us
    assert caso["investigacion"] is None
    assert parse_ts(caso["created_at"]) <= parse_ts(caso["updated_at"])


def test_detalle_con_investigacion(api: Api) -> None:
    numero, _ = _crear_completo(api)
    inv_id = iniciar_investigacion(api, numero)
    caso = detalle(api, numero)
    inv = caso["investigacion"]
    assert {"estado", "investigador", "fecha_inicio"} <= set(inv)
    assert inv["id"] == inv_id
    assert inv["estado"] == "en_proceso"
    assert inv["investigador"] == "Dr. Carlos López"
    parse_ts(inv["fecha_inicio"])
    assert caso["estado"] == "en_investigacion"


def test_detalle_minimo_campos_opcionales_en_null(api: Api) -> None:
    payload = {
        "cliente": {"nombre_apellido": "Ana"},
        "descripcion": {"que_sucedio": "Demora en la entrega"},
    }
    response = api.post("/api/casos", json=payload)
    assert response.status_code == 201, response.text
    caso = detalle(api, response.json()["caso"]["numero_caso"])
    assert caso["cliente"]["cuit"] is None
    assert caso["cliente"]["razon_social"] is None
    assert caso["colaborador_registro"] is None
    assert caso["productos_afectados"] == []
    assert caso["adjuntos"] == []
    assert caso["descripcion"]["donde_ocurrio"] is None
    assert caso["descripcion"]["cuando_ocurrio"] is None
    assert caso["canal"] == "api"
    assert caso["tipo_usuario_registro"] == "cliente"


def test_caso_inexistente_es_404_json(api: Api) -> None:
    crear_caso(api)
    body = assert_error(api.get("/api/casos/VET-2025-99999"), 404, "not_found")
    assert "VET-2025-99999" in body["message"]


@pytest.mark.parametrize(
    "numero",
    ["VET-2025-1", "vet-2025-00001", "VET-25-00001", "CASO-2025-00001", "VET-2025-ABCDE", "12345"],
)
def test_numero_mal_formado_es_400(api: Api, numero: str) -> None:
    body = assert_error(api.get(f"/api/casos/{numero}"), 400)
    assert any(loc[:2] == ["path", "numero_caso"] for loc in (e["loc"] for e in body["details"]))


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("DELETE", "/api/casos/VET-2025-00001", 405),
        ("PATCH", "/api/casos", 405),
        ("GET", "/api/casos/VET-2025-00001/inexistente", 404),
    ],
)
def test_rutas_y_metodos_desconocidos_responden_json(
    api: Api, method: str, path: str, status: int
) -> None:
    assert_error(api.request(method, path), status)


def test_detalle_sin_api_key_es_401(api: Api) -> None:
    numero = crear_caso(api)
    assert_error(api.get(f"/api/casos/{numero}", role=None), 401)


@pytest.mark.parametrize("role", ["admin", "calidad", "colaborador", "lectura"])
def test_todos_los_roles_leen_el_detalle(api: Api, role: str) -> None:
    numero = crear_caso(api)
    response = api.get(f"/api/casos/{numero}", role=role)
    assert response.status_code == 200
    assert response.json()["caso"]["numero_caso"] == numero


def test_datos_del_cliente_se_actualizan_por_cuit(api: Api) -> None:
    """The client is upserted by CUIT: the newest contact data wins, nothing is blanked."""
    primero = crear_caso(api, cliente={"email": "viejo@ejemplo.com", "telefono": "11-1111-1111"})
    segundo = crear_caso(api, cliente={"email": "nuevo@ejemplo.com", "telefono": None})
    a, b = detalle(api, primero)["cliente"], detalle(api, segundo)["cliente"]
    assert a["id"] == b["id"]
    assert b["email"] == "nuevo@ejemplo.com"
    assert b["telefono"] == "11-1111-1111"
