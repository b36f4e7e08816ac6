"""GET /api/clientes: filters by CUIT, phone and text, the upsert by CUIT, and the case counts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Api
from tests.factories import clasificar, crear_caso, cuit_valido


def cliente(
    *,
    nombre: str,
    razon: str | None,
    cuit: str | None,
    telefono: str = "11-4000-0000",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "nombre_apellido": nombre,
        "razon_social": razon,
        "cuit": cuit,
        "telefono": telefono,
        "email": extra.pop("email", "contacto@ejemplo.com"),
        **extra,
    }


def buscar(api: Api, role: str | None = "admin", **params: Any) -> httpx.Response:
    return api.get("/api/clientes", params=params, role=role)


def datos(api: Api, **params: Any) -> list[dict[str, Any]]:
    response = buscar(api, **params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def cuits(api: Api, **params: Any) -> set[str]:
    return {c["cuit"] for c in datos(api, **params)}


def estado(api: Api, numero: str, nuevo: str, **extra: Any) -> None:
    response = api.put(f"/api/casos/{numero}/estado", json={"estado": nuevo, **extra})
    assert response.status_code == 200, response.text


@pytest.fixture
def tres_clientes(api: Api) -> dict[str, str]:
    """Three clients with distinct names, CUITs and phones; returns name -> CUIT."""
    out = {
        "jose": cuit_valido(101),
        "maria": cuit_valido(102, prefijo="27"),
        "descuento": cuit_valido(103),
    }
    crear_caso(
        api,
        cliente=cliente(
            nombre="José Gómez",
            razon="Agropecuaria Ñandú SA",
            cuit=out["jose"],
            telefono="(011) 4123-4567",
        ),
    )
    crear_caso(
        api,
        cliente=cliente(
            nombre="María Fernández", razon=None, cuit=out["maria"], telefono="351 555 7788"
        ),
    )
    crear_caso(
        api,
        cliente=cliente(
            nombre="Pedro Ruiz",
            razon="Descuento 100% Veterinaria",
            cuit=out["descuento"],
            telefono="+54 9 221 600-1122",
        ),
    )
    return out


def test_forma_de_la_respuesta(api: Api) -> None:
    cuit = cuit_valido(1)
    numero = crear_caso(
        api,
        cliente=cliente(
            nombre="Juan Pérez", razon="Los Pinos SA", cuit=cuit, telefono="11-5555-1234"
        ),
    )

    response = buscar(api, cuit=cuit)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["pagination"] == {"total": 1, "page": 1, "limit": 20, "total_pages": 1}
    [item] = body["data"]
    keys = {
        "id",
        "nombre_apellido",
        "razon_social",
        "cuit",
        "telefono",
        "total_casos",
        "casos_abiertos",
    }
    assert keys <= set(item)
    assert item["nombre_apellido"] == "Juan Pérez"
    assert item["razon_social"] == "Los Pinos SA"
    assert item["cuit"] == cuit
    assert item["telefono"] == "11-5555-1234"
    assert item["total_casos"] == 1
    assert item["casos_abiertos"] == 1
    assert api.get(f"/api/casos/{numero}").json()["caso"]["cliente"]["id"] == item["id"]


def test_cuit_con_o_sin_guiones(api: Api, tres_clientes: dict[str, str]) -> None:
    cuit = tres_clientes["jose"]

    assert cuits(api, cuit=cuit) == {cuit}
    assert cuits(api, cuit=cuit.replace("-", "")) == {cuit}
    assert cuits(api, cuit=f" {cuit.replace('-', ' ')} ") == {cuit}


def test_cuit_valido_sin_cliente_devuelve_vacio(api: Api, tres_clientes: dict[str, str]) -> None:
    response = buscar(api, cuit=cuit_valido(999))

    assert response.status_code == 200, response.text
    assert response.json()["data"] == []
    assert response.json()["pagination"]["total"] == 0


@pytest.mark.parametrize("cuit", ["30-12345678-0", "123", "30-1234567A-1"])
def test_cuit_invalido_es_400(api: Api, cuit: str) -> None:
    response = buscar(api, cuit=cuit)

    assert response.status_code == 400, response.text
    assert ["query", "cuit"] in [d["loc"] for d in response.json()["details"]]


@pytest.mark.parametrize(
    ("telefono", "clave"),
    [
        ("01141234567", "jose"),
        ("011 4123 4567", "jose"),
        ("(011)4123-4567", "jose"),
        ("3515557788", "maria"),
        ("351-555-7788", "maria"),
        ("+5492216001122", "descuento"),
    ],
)
def test_telefono_compara_solo_digitos(
    api: Api, tres_clientes: dict[str, str], telefono: str, clave: str
) -> None:
    assert cuits(api, telefono=telefono) == {tres_clientes[clave]}


def test_telefono_sin_coincidencias(api: Api, tres_clientes: dict[str, str]) -> None:
    assert datos(api, telefono="11-9999-0000") == []


@pytest.mark.parametrize(
    ("texto", "claves"),
    [
        ("jose", {"jose"}),
        ("GÓMEZ", {"jose"}),
        ("Jose Gomez", {"jose"}),
        ("nandu", {"jose"}),
        ("ÑANDÚ sa", {"jose"}),
        ("maria fernandez", {"maria"}),
        ("fernández", {"maria"}),
        ("veterinaria", {"descuento"}),
        ("agropecuaria", {"jose"}),
        ("z", {"jose", "maria", "descuento"}),
    ],
)
def test_search_ignora_acentos_y_mayusculas(
    api: Api, tres_clientes: dict[str, str], texto: str, claves: set[str]
) -> None:
    assert cuits(api, search=texto) == {tres_clientes[c] for c in claves}


@pytest.mark.parametrize(
    ("texto", "claves"),
    [("%", {"descuento"}), ("100%", {"descuento"}), ("0%V", set()), ("_", set()), ("\\", set())],
)
def test_search_trata_comodines_como_literales(
    api: Api, tres_clientes: dict[str, str], texto: str, claves: set[str]
) -> None:
    assert cuits(api, search=texto) == {tres_clientes[c] for c in claves}


def test_search_sin_coincidencias(api: Api, tres_clientes: dict[str, str]) -> None:
    response = buscar(api, search="inexistente")

    assert response.json() == {
        "data": [],
        "pagination": {"total": 0, "page": 1, "limit": 20, "total_pages": 0},
    }


def test_filtros_combinados(api: Api, tres_clientes: dict[str, str]) -> None:
    assert cuits(api, search="jose", cuit=tres_clientes["jose"]) == {tres_clientes["jose"]}
    assert datos(api, search="maria", cuit=tres_clientes["jose"]) == []
    assert datos(api, search="jose", telefono="3515557788") == []


def test_paginacion(api: Api, tres_clientes: dict[str, str]) -> None:
    primera = buscar(api, limit=2, page=1).json()
    segunda = buscar(api, limit=2, page=2).json()

    assert primera["pagination"] == {"total": 3, "page": 1, "limit": 2, "total_pages": 2}
    assert segunda["pagination"] == {"total": 3, "page": 2, "limit": 2, "total_pages": 2}
    assert len(primera["data"]) == 2
    assert len(segunda["data"]) == 1
    todos = {c["cuit"] for c in primera["data"] + segunda["data"]}
    assert todos == set(tres_clientes.values())


def test_mismo_cuit_es_un_solo_cliente_actualizado(api: Api) -> None:
    cuit = cuit_valido(7)
    crear_caso(
        api,
        cliente=cliente(
            nombre="Juan Pérez",
            razon="Los Pinos SA",
            cuit=cuit,
            telefono="11-5555-1234",
            email="juan@ejemplo.com",
            direccion="Ruta 5 km 100",
        ),
    )
    crear_caso(
        api,
        cliente=cliente(
            nombre="Juan A. Pérez",
            razon=None,
            cuit=cuit.replace("-", ""),
            telefono="11-6666-9999",
            email=None,
            direccion=None,
        ),
    )

    [item] = datos(api, cuit=cuit)

    assert item["total_casos"] == 2
    assert item["nombre_apellido"] == "Juan A. Pérez"
    assert item["telefono"] == "11-6666-9999"
    assert item["razon_social"] == "Los Pinos SA"
    assert item["email"] == "juan@ejemplo.com"
    assert item["direccion"] == "Ruta 5 km 100"
    assert len(datos(api)) == 1
    assert cuits(api, search="juan a. perez") == {cuit}
    assert cuits(api, telefono="1166669999") == {cuit}
    assert datos(api, telefono="1155551234") == []
    casos = api.get("/api/casos").json()["data"]
    assert {c["cliente"]["nombre"] for c in casos} == {"Juan A. Pérez"}


def test_casos_abiertos_cuenta_nuevo_y_en_investigacion(api: Api) -> None:
    cuit = cuit_valido(11)
    otro = cuit_valido(12)
    datos_cliente = cliente(nombre="Ana Díaz", razon="Tambo Díaz", cuit=cuit)
    crear_caso(api, cliente=datos_cliente)
    en_inv = crear_caso(api, cliente=datos_cliente)
    estado(api, en_inv, "en_investigacion")
    resuelto = crear_caso(api, cliente=datos_cliente)
    clasificar(api, resuelto, "queja", None)
    estado(api, resuelto, "resuelto", resolucion="Respondido")
    cerrado = crear_caso(api, cliente=datos_cliente)
    clasificar(api, cerrado, "comentario", None)
    estado(api, cerrado, "resuelto", resolucion="Gracias")
    estado(api, cerrado, "cerrado")
    crear_caso(
        api, cliente=cliente(nombre="Otro", razon="Otra SA", cuit=otro, telefono="221-400-0001")
    )

    [item] = datos(api, cuit=cuit)
    [item_otro] = datos(api, cuit=otro)

    assert (item["total_casos"], item["casos_abiertos"]) == (4, 2)
    assert (item_otro["total_casos"], item_otro["casos_abiertos"]) == (1, 1)


def test_reabrir_un_caso_lo_vuelve_a_contar_abierto(api: Api) -> None:
    cuit = cuit_valido(21)
    numero = crear_caso(api, cliente=cliente(nombre="Luis", razon="Granja Luis", cuit=cuit))
    clasificar(api, numero, "queja", None)
    estado(api, numero, "resuelto", resolucion="Respondido")
    assert datos(api, cuit=cuit)[0]["casos_abiertos"] == 0

    estado(api, numero, "en_investigacion")

    assert datos(api, cuit=cuit)[0]["casos_abiertos"] == 1


@pytest.mark.parametrize("role", ["admin", "calidad", "colaborador", "lectura"])
def test_todos_los_roles_pueden_buscar(api: Api, role: str, tres_clientes: dict[str, str]) -> None:
    response = buscar(api, role=role, search="jose")

    assert response.status_code == 200, response.text
    assert [c["cuit"] for c in response.json()["data"]] == [tres_clientes["jose"]]


def test_sin_api_key_es_401(api: Api) -> None:
    response = buscar(api, role=None)

    assert response.status_code == 401, response.text
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize("params", [{"page": 0}, {"limit": 0}, {"limit": 101}, {"page": "x"}])
def test_paginacion_invalida_es_400(api: Api, params: dict[str, Any]) -> None:
    response = buscar(api, **params)

    assert response.status_code == 400, response.text
    assert [["query", next(iter(params))]] == [d["loc"] for d in response.json()["details"]]


@pytest.mark.parametrize("telefono", ["abc", "---", "( )"])
def test_telefono_sin_digitos_no_devuelve_a_todos(
    api: Api, tres_clientes: dict[str, str], telefono: str
) -> None:
    """A phone filter with no digits can match nobody; it must not be silently dropped."""
    response = buscar(api, telefono=telefono)

    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert response.json()["data"] == []
    else:
        assert ["query", "telefono"] in [d["loc"] for d in response.json()["details"]]
