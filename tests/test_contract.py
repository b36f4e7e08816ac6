"""The published contract: OpenAPI with the spec's examples, JSON errors, size limits."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Api
from tests.factories import caso_payload
from vetanco.app import create_app
from vetanco.config import Settings


def test_openapi_lists_every_endpoint_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, method in [
        ("/api/casos", "get"),
        ("/api/casos", "post"),
        ("/api/casos/{numero_caso}", "get"),
        ("/api/casos/{numero_caso}/clasificar", "put"),
        ("/api/casos/{numero_caso}/estado", "put"),
        ("/api/casos/{numero_caso}/investigacion", "post"),
        ("/api/investigaciones/{investigacion_id}", "put"),
        ("/api/clientes", "get"),
        ("/api/estadisticas", "get"),
        ("/api/colaboradores", "post"),
    ]:
        assert method in paths[path], (path, method)
    schemas = spec["components"]["schemas"]
    assert schemas["ProductoIn"]["properties"]["nombre_producto"]["examples"] == [
        "Vetancilina 100ml"
    ]
    assert schemas["CasoClasificar"]["properties"]["motivo"]["examples"]
    assert "bearer" in str(spec["components"]["securitySchemes"]).lower()
    assert client.get("/docs").status_code == 200


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    missing = client.get("/api/nada")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    wrong = client.delete("/healthz")
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "method_not_allowed"


def test_body_over_one_mebibyte_is_413(api: Api) -> None:
    payload = caso_payload(descripcion={"descripcion_libre": "x" * (1024 * 1024 + 10)})
    response = api.post("/api/casos", json=payload)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_streamed_body_over_limit_is_413(api: Api) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"x" * 65536

    response = api.post(
        "/api/casos", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_validation_errors_are_400_with_one_entry_per_field(api: Api) -> None:
    payload = caso_payload(
        cliente={"cuit": "30-12345678-9", "email": "no-es-mail"},
        canal="paloma",
    )
    response = api.post("/api/casos", json=payload)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "validation_error"
    locs = {tuple(d["loc"]) for d in body["details"]}
    assert ("body", "cliente", "cuit") in locs
    assert ("body", "cliente", "email") in locs
    assert ("body", "canal") in locs
    assert all(d["msg"] for d in body["details"])


def test_non_json_body_is_explained(api: Api) -> None:
    response = api.post(
        "/api/casos", content=b"tipo_caso=reclamo", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["loc"] == ["header", "content-type"]


def test_unexpected_failure_is_json_500_without_internals(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secreto interno")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {
        "error": "error_interno",
        "message": "Error interno del servidor.",
        "details": [],
    }
    assert "secreto" not in response.text
    app.state.db.dispose()
