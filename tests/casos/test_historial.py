"""The hash-chained, append-only case history and `vetanco audit verify`."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.conftest import Api
from tests.factories import clasificar, crear_caso, crear_colaborador
from vetanco.casos.historial import GENESIS, verificar
from vetanco.db import Database


def _lifecycle(api: Api) -> str:
    numero = crear_caso(api)
    clasificar(api, numero, "reclamo", "critico")
    investigador = crear_colaborador(api)
    inv = api.post(
        f"/api/casos/{numero}/investigacion", json={"investigador_id": investigador}
    ).json()
    api.put(
        f"/api/investigaciones/{inv['investigacion']['id']}",
        json={"causa_raiz": "Falla en limpieza de tanque", "estado": "completada"},
    )
    resolved = api.put(
        f"/api/casos/{numero}/estado", json={"estado": "resuelto", "resolucion": "Lote reemplazado"}
    )
    assert resolved.status_code == 200, resolved.text
    return numero


def test_every_change_is_recorded_with_who_what_and_chain(api: Api) -> None:
    numero = _lifecycle(api)
    body = api.get(f"/api/casos/{numero}/historial", role="lectura").json()
    entries = body["data"]
    assert [e["accion"] for e in entries] == [
        "creado",
        "clasificado",
        "investigacion_iniciada",
        "investigacion_actualizada",
        "estado_actualizado",
    ]
    assert [e["secuencia"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["hash_anterior"] == GENESIS
    for previous, entry in itertools.pairwise(entries):
        assert entry["hash_anterior"] == previous["hash"]
    assert all(e["actor"] == "apikey:test-admin" for e in entries)
    assert entries[1]["cambios"]["tipo_caso"] == {
        "antes": "pendiente_clasificacion",
        "despues": "reclamo",
    }
    assert entries[4]["cambios"]["estado"] == {"antes": "en_investigacion", "despues": "resuelto"}
    assert (
        entries[3]["cambios"]["investigacion.causa_raiz"]["despues"]
        == "Falla en limpieza de tanque"
    )


def test_history_of_unknown_case_is_404(api: Api) -> None:
    assert api.get("/api/casos/VET-2020-00001/historial").status_code == 404


def test_database_refuses_to_edit_or_delete_history(api: Api, db: Database) -> None:
    _lifecycle(api)
    for statement in ("UPDATE historial_casos SET actor = 'otro'", "DELETE FROM historial_casos"):
        with pytest.raises(DBAPIError, match="solo agregado"), db.transaction() as session:
            session.execute(text(statement))


def _drop_guard(db: Database) -> None:
    """Simulates an attacker with DDL rights, the case the hash chain exists for."""
    suffix = " ON historial_casos" if not db.is_sqlite else ""
    with db.transaction() as session:
        for verb in ("update", "delete"):
            session.execute(text(f"DROP TRIGGER historial_casos_no_{verb}{suffix}"))


def test_verify_detects_edited_and_removed_entries(api: Api, db: Database) -> None:
    numero = _lifecycle(api)
    otro = _lifecycle(api)
    with db.transaction(write=False) as session:
        checked, problems = verificar(session)
    assert (checked, problems) == (10, [])
    _drop_guard(db)
    with db.transaction() as session:
        session.execute(
            text(
                "UPDATE historial_casos SET motivo = 'nada que ver' WHERE secuencia = 2 AND caso_id = "
                "(SELECT id FROM casos WHERE numero_caso = :n)"
            ),
            {"n": numero},
        )
        session.execute(
            text(
                "DELETE FROM historial_casos WHERE secuencia = 3 AND caso_id = "
                "(SELECT id FROM casos WHERE numero_caso = :n)"
            ),
            {"n": otro},
        )
    with db.transaction(write=False) as session:
        _, problems = verificar(session)
    found = {(p.numero_caso, p.detalle) for p in problems}
    assert (numero, "el contenido no coincide con su hash") in found
    assert (otro, "falta la entrada 3") in found
    assert (otro, "no encadena con la entrada anterior") in found
