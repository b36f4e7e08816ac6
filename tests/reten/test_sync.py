"""Reconciling polls against the Reten stand-in: faults, expiring tokens, resumption, vanished tasks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.conftest import Api
from tests.factories import crear_caso
from tests.reten.conftest import fast_sleep, reten_settings
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.reten.client import RetenClient
from vetanco.reten.metrics import Metrics
from vetanco.reten.models import RetenEstado, TareaReten
from vetanco.reten.sync import aplicar, sincronizar
from vetanco.sim.reten import RetenSim


def _mirror(db: Database) -> dict[str, tuple[str | None, str | None]]:
    with db.transaction(write=False) as session:
        return {
            t.id: (t.status, t.remote_updated_at.isoformat() if t.remote_updated_at else None)
            for t in session.scalars(select(TareaReten).where(TareaReten.vanished_at.is_(None)))
        }


def _source(sim: RetenSim) -> dict[str, tuple[str | None, str | None]]:
    from datetime import datetime

    return {
        t["id"]: (
            t["status"],
            datetime.fromisoformat(t["updated_at"].replace("Z", "+00:00")).isoformat(),
        )
        for t in sim.snapshot().values()
    }


def test_full_sync_with_faults_and_an_expiring_token_matches_the_source(
    db: Database, settings: Settings
) -> None:
    sim = RetenSim(tasks=2500, seed=3, fail_rate=0.05).start()
    client = RetenClient(reten_settings(settings, sim), metrics=Metrics(), sleep=fast_sleep)
    try:

        def chaos(page: int, _pages: int) -> None:
            if page == 5:
                sim.expire_tokens()
            if page == 9:
                sim.fail_next(429, times=2)
            if page == 14:
                sim.fail_next(503, times=3)

        resumen = sincronizar(db, client, full=True, progress=chaos)
        assert resumen.completed_walk, resumen
        assert resumen.errors == 0
        assert resumen.pages == 25
        assert resumen.created == 2500
        assert _mirror(db) == _source(sim)
        statuses = [s for _, _, s in sim.requests]
        assert 401 in statuses
        assert 429 in statuses
        assert 500 in statuses
        again = sincronizar(db, client)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2500)
    finally:
        client.close()
        sim.stop()


def test_interrupted_walk_resumes_from_its_checkpoint_and_only_then_marks_vanished(
    db: Database, settings: Settings
) -> None:
    sim = RetenSim(tasks=450, seed=5).start()
    limited = reten_settings(settings, sim).model_copy(update={"reten_max_retries": 1})
    client = RetenClient(limited, metrics=Metrics(), sleep=fast_sleep)
    try:
        sincronizar(db, client, full=True)
        gone = sorted(sim.snapshot())[:3]
        for task_id in gone:
            sim.delete_task(task_id)
        changed = sorted(sim.snapshot())[-1]
        sim.update_task(changed, status="completed")

        request = client.request

        def break_at_page_3(method: str, path: str, **kwargs: Any) -> httpx.Response:
            if kwargs.get("params", {}).get("page") == 3:  # whenever it is fetched (read-ahead)
                sim.fail_next(500, times=2)
            return request(method, path, **kwargs)

        client.request = break_at_page_3  # type: ignore[method-assign]
        first = sincronizar(db, client, full=True)
        client.request = request  # type: ignore[method-assign]
        assert not first.completed_walk
        assert first.errors == 1
        with db.transaction(write=False) as session:
            assert session.get(RetenEstado, 1).checkpoint_page == 3  # type: ignore[union-attr]
        assert set(gone) <= set(_mirror(db))  # nothing marked vanished by an interrupted walk
        resumed = sincronizar(db, client)
        assert resumed.completed_walk
        assert resumed.pages == 3  # pages 3, 4 and 5 of 5
        assert resumed.vanished == 3
        assert _mirror(db) == _source(sim)
    finally:
        client.close()
        sim.stop()


def test_older_or_equal_copies_never_move_a_task_back(db: Database) -> None:
    newer = {
        "id": "task_1",
        "title": "Visita",
        "status": "completed",
        "updated_at": "2025-01-02T10:00:00Z",
    }
    older = {**newer, "status": "pending", "updated_at": "2025-01-01T10:00:00Z"}
    with db.transaction() as session:
        assert aplicar(session, newer) == "created"
        assert aplicar(session, older) == "unchanged"
        assert aplicar(session, newer) == "unchanged"
        assert session.get(TareaReten, "task_1").status == "completed"  # type: ignore[union-attr]


def test_task_mentioning_a_case_is_linked_and_its_changes_go_to_the_history(
    api: Api, db: Database, reten: RetenSim, reten_client: RetenClient
) -> None:
    numero = crear_caso(api)
    task = reten.add_task(title=f"Seguimiento reclamo {numero}", status="pending")
    reten.add_task(title="Visita a Cliente ABC", status="pending")
    sincronizar(db, reten_client, full=True)
    listed = api.get("/api/reten/tareas", params={"numero_caso": numero}).json()
    assert [t["id"] for t in listed["data"]] == [task["id"]]
    assert listed["data"][0]["numero_caso"] == numero
    reten.update_task(task["id"], status="completed")
    sincronizar(db, reten_client)
    acciones = [e["accion"] for e in api.get(f"/api/casos/{numero}/historial").json()["data"]]
    assert acciones[-2:] == ["tarea_reten_vinculada", "tarea_reten_actualizada"]
    one = api.get(f"/api/reten/tareas/{task['id']}").json()
    assert one["status"] == "completed"
    assert api.get("/api/reten/tareas/nada").status_code == 404


def test_status_endpoint_reports_off_and_the_mirror(api: Api) -> None:
    body = api.get("/api/reten/estado", role="lectura").json()
    assert body["modo"] == "apagado"
    assert "VETANCO_RETEN_BASE_URL" in body["mensaje"]
    assert body["tareas_en_espejo"] == 0


@pytest.mark.parametrize(
    "params", [{"status": "done"}, {"priority": "x"}, {"numero_caso": "123"}, {"limit": 101}]
)
def test_task_filters_are_validated(api: Api, params: dict[str, object]) -> None:
    assert api.get("/api/reten/tareas", params=params).status_code == 400


def test_manual_link_shows_in_case_detail(
    api: Api, db: Database, reten: RetenSim, reten_client: RetenClient
) -> None:
    numero = crear_caso(api)
    task = reten.add_task(title="Visita a Cliente Los Pinos", status="in_progress")
    sincronizar(db, reten_client, full=True)
    linked = api.post(
        f"/api/casos/{numero}/tareas-reten", json={"task_id": task["id"]}, role="calidad"
    )
    assert linked.status_code == 201
    assert linked.json()["numero_caso"] == numero
    detalle = api.get(f"/api/casos/{numero}").json()["caso"]
    assert [t["id"] for t in detalle["tareas_reten"]] == [task["id"]]
    assert api.get(f"/api/casos/{numero}/tareas-reten").json()["data"][0]["id"] == task["id"]
    otro = crear_caso(api)
    assert (
        api.post(f"/api/casos/{otro}/tareas-reten", json={"task_id": task["id"]}).status_code == 409
    )
    assert (
        api.post(f"/api/casos/{numero}/tareas-reten", json={"task_id": "task_nada"}).status_code
        == 404
    )
    assert (
        api.post(
            f"/api/casos/{numero}/tareas-reten", json={"task_id": task["id"]}, role="lectura"
        ).status_code
        == 403
    )


def _columnas(tarea: TareaReten) -> dict[str, Any]:
    fuera = {"synced_at"}
    return {
        c.key: getattr(tarea, c.key) for c in TareaReten.__table__.columns if c.key not in fuera
    }


def test_a_page_inserts_new_tasks_as_one_batch_equal_to_one_by_one(db: Database) -> None:
    """New tasks of a walk page go out as rows of one INSERT; each row equals the task applied on
    its own, and a task repeated in the page keeps its newest version."""
    from vetanco.reten.sync import Pagina

    def tarea(n: int, updated: str, title: str = "Visita") -> dict[str, Any]:
        return {
            "id": f"task_{n}",
            "title": f"{title} {n}",
            "description": "Revisión del plan sanitario",
            "status": "pending",
            "priority": "high",
            "assigned_to": "user_101",
            "due_date": "2026-12-01T10:00:00Z",
            "created_at": "2026-11-01T10:00:00Z",
            "updated_at": updated,
        }

    pagina_datos = [
        tarea(1, "2026-11-02T10:00:00Z"),
        tarea(2, "2026-11-02T10:00:00Z"),
        tarea(1, "2026-11-03T10:00:00Z", title="Visita reprogramada"),
        tarea(2, "2026-11-01T12:00:00Z", title="Vieja"),
    ]
    with db.transaction() as session:
        pagina = Pagina({}, {})
        salidas = [aplicar(session, d, walk_id="w1", pagina=pagina) for d in pagina_datos]
        assert set(pagina.nuevas) == {"task_1", "task_2"}
        pagina.escribir(session)
    assert salidas == ["created", "created", "updated", "unchanged"]
    with db.transaction() as session:
        for d in (pagina_datos[2] | {"id": "solo_1"}, pagina_datos[1] | {"id": "solo_2"}):
            aplicar(session, d, walk_id="w1")
    with db.session(write=False) as session:
        filas = {t.id: _columnas(t) for t in session.scalars(select(TareaReten))}
    assert filas["task_1"]["title"] == "Visita reprogramada 1"
    for lote, solo in (("task_1", "solo_1"), ("task_2", "solo_2")):
        esperado = filas[solo] | {"id": lote, "raw": filas[solo]["raw"] | {"id": lote}}
        assert filas[lote] == esperado
