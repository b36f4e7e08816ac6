"""Deliveries to a real receiver: signatures, retries, ordering, redelivery, disabling."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

from standardwebhooks.webhooks import Webhook

from tests.conftest import Api
from tests.factories import clasificar, crear_caso, crear_colaborador
from tests.webhooks.conftest import entregas, pump, subscribe
from vetanco.config import Settings
from vetanco.db import Database, utcnow
from vetanco.sim.receiver import Behaviour, Receiver
from vetanco.webhooks.tasks import Dispatcher


def _events(receiver: Receiver) -> list[dict[str, object]]:
    return [json.loads(r.body) for r in receiver.snapshot() if 200 <= r.status < 300]


def test_every_event_type_arrives_signed(
    api: Api, receiver: Receiver, dispatcher: Dispatcher
) -> None:
    hook = subscribe(api, receiver.url + "/hook")
    numero = crear_caso(api)
    clasificar(api, numero, "reclamo", "critico", justificacion="justificado")
    investigador = crear_colaborador(api)
    inv = api.post(
        f"/api/casos/{numero}/investigacion", json={"investigador_id": investigador}
    ).json()
    api.put(
        f"/api/investigaciones/{inv['investigacion']['id']}", json={"causa_raiz": "Tanque sucio"}
    )
    api.put(
        f"/api/casos/{numero}/estado", json={"estado": "resuelto", "resolucion": "Lote reemplazado"}
    )
    api.put(f"/api/casos/{numero}/estado", json={"estado": "cerrado"})
    expected = [
        "caso.creado",
        "caso.clasificado",
        "lote.senal_detectada",  # a reclamo crítico opens its lot's signal
        "investigacion.iniciada",
        "caso.estado_actualizado",
        "investigacion.actualizada",
        "caso.estado_actualizado",
        "caso.resuelto",
        "caso.estado_actualizado",
        "caso.cerrado",
    ]
    pump(dispatcher, lambda: len(receiver.ok_ids()) >= len(expected))
    verifier = Webhook(hook["secret"])
    for request in receiver.snapshot():
        verifier.verify(request.body, request.headers)
        simple = hmac.new(hook["secret"].encode(), request.body, hashlib.sha256).hexdigest()
        assert request.headers["x-vetanco-signature"] == f"sha256={simple}"
    bodies = _events(receiver)
    assert [b["event"] for b in bodies] == expected
    assert all(set(b) == {"event", "timestamp", "data"} for b in bodies)
    creado, clasificado = bodies[0]["data"], bodies[1]["data"]
    assert creado["numero_caso"] == numero  # type: ignore[index]
    assert clasificado == {  # the spec's caso.clasificado
        "numero_caso": numero,
        "tipo_caso_anterior": "pendiente_clasificacion",
        "tipo_caso_nuevo": "reclamo",
        "criticidad": "critico",
        "justificacion": "justificado",
    }
    assert bodies[7]["data"]["resolucion"] == "Lote reemplazado"  # type: ignore[index]
    assert all(e["estado"] == "entregada" for e in entregas(api, hook["id"]))


def test_500_three_times_then_200_is_delivered_once(
    api: Api, dispatcher: Dispatcher, db: Database
) -> None:
    receiver = Receiver(Behaviour(script=[500, 500, 500])).start()
    try:
        hook = subscribe(api, receiver.url + "/hook", ["caso.creado"])
        crear_caso(api)
        pump(dispatcher, lambda: len(receiver.ok_ids()) == 1)
        requests = receiver.snapshot()
    finally:
        receiver.stop()
    assert [r.status for r in requests] == [500, 500, 500, 200]
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    [entrega] = entregas(api, hook["id"])
    assert entrega["estado"] == "entregada"
    assert entrega["intentos_totales"] == 4
    assert [i["status_code"] for i in entrega["intentos"]] == [500, 500, 500, 200]
    assert all(i["latency_ms"] >= 0 for i in entrega["intentos"])
    assert '"ok":false' in entrega["intentos"][0]["response_excerpt"]


def test_schedule_exhausted_marks_fallida_and_redelivery_works(
    api: Api, dispatcher: Dispatcher
) -> None:
    receiver = Receiver(Behaviour(default=503)).start()
    try:
        hook = subscribe(api, receiver.url + "/hook", ["caso.creado"])
        crear_caso(api)
        pump(dispatcher, lambda: entregas(api, hook["id"])[0]["estado"] == "fallida")
        assert len(receiver.snapshot()) == 4  # first try + the 3 retries of the test schedule
        assert len(entregas(api, hook["id"], estado="fallida")) == 1
        assert entregas(api, hook["id"], estado="pendiente") == []
        receiver.behaviour.default = 200
        entrega_id = entregas(api, hook["id"])[0]["id"]
        resent = api.post(f"/api/webhooks/{hook['id']}/entregas/{entrega_id}/reenviar")
        assert resent.status_code == 202
        pump(dispatcher, lambda: len(receiver.ok_ids()) == 1)
        assert receiver.ok_ids() == [entrega_id]
    finally:
        receiver.stop()


def test_retry_after_is_honoured(api: Api, dispatcher: Dispatcher) -> None:
    receiver = Receiver(Behaviour(script=[429], retry_after="1")).start()
    try:
        subscribe(api, receiver.url + "/hook", ["caso.creado"])
        crear_caso(api)
        pump(dispatcher, lambda: len(receiver.ok_ids()) == 1)
        first, second = receiver.snapshot()
    finally:
        receiver.stop()
    assert second.at - first.at >= 0.95


def test_same_case_events_go_out_in_order_across_retries(api: Api, dispatcher: Dispatcher) -> None:
    """caso.clasificado may not overtake a caso.creado that is still being retried."""
    receiver = Receiver(Behaviour(script=[500, 500])).start()
    try:
        subscribe(api, receiver.url + "/hook")
        numero = crear_caso(api)
        clasificar(api, numero, "queja", None)
        pump(dispatcher, lambda: len(receiver.ok_ids()) == 2)
        arrivals = [json.loads(r.body)["event"] for r in receiver.snapshot()]
    finally:
        receiver.stop()
    assert arrivals == ["caso.creado", "caso.creado", "caso.creado", "caso.clasificado"]


def test_receiver_down_during_200_changes_gets_all_once_back(
    api: Api, db: Database, settings: Settings
) -> None:
    receiver = Receiver().start()
    port_url = receiver.url
    receiver.stop()
    patient = settings.model_copy(update={"webhook_retry_schedule": "0.2,0.5,1,1,1,1,1,1,1,1"})
    dispatcher = Dispatcher(db, patient)
    try:
        subscribe(api, port_url + "/hook", ["caso.creado", "caso.clasificado"])
        numeros = [crear_caso(api) for _ in range(100)]
        for numero in numeros:
            clasificar(api, numero, "comentario", None)
        for _ in range(3):
            dispatcher.run_once()
        back = Receiver(port=int(port_url.rsplit(":", 1)[1])).start()
        try:
            back.wait_for(0)
            pump(dispatcher, lambda: len(back.ok_ids()) >= 200, timeout=60)
            time.sleep(0.3)
            dispatcher.run_once()
            ids = back.ok_ids()
        finally:
            back.stop()
    finally:
        dispatcher.close()
    assert len(ids) == 200
    assert len(set(ids)) == 200


def test_ping_and_replay_since(api: Api, receiver: Receiver, dispatcher: Dispatcher) -> None:
    numero = crear_caso(api)
    since = (utcnow() - timedelta(minutes=1)).isoformat()
    hook = subscribe(api, receiver.url + "/hook", ["caso.creado"])
    ping = api.post(f"/api/webhooks/{hook['id']}/test")
    assert ping.status_code == 202
    pump(dispatcher, lambda: len(receiver.ok_ids()) == 1)
    assert json.loads(receiver.snapshot()[0].body)["event"] == "ping"
    replay = api.post(f"/api/webhooks/{hook['id']}/reenviar", params={"desde": since})
    assert replay.status_code == 202
    assert replay.json()["reenviadas"] == 1
    pump(dispatcher, lambda: len(receiver.ok_ids()) == 2)
    assert json.loads(receiver.snapshot()[1].body)["data"]["numero_caso"] == numero


def test_rotation_signs_with_old_and_new_secret(
    api: Api, receiver: Receiver, dispatcher: Dispatcher
) -> None:
    hook = subscribe(api, receiver.url + "/hook", ["caso.creado"])
    new_secret = api.post(f"/api/webhooks/{hook['id']}/rotar-secreto").json()["secret"]
    crear_caso(api)
    pump(dispatcher, lambda: len(receiver.ok_ids()) == 1)
    request = receiver.snapshot()[0]
    Webhook(hook["secret"]).verify(request.body, request.headers)
    Webhook(new_secret).verify(request.body, request.headers)
    assert len(request.headers["webhook-signature"].split(" ")) == 2


def test_endpoint_failing_continuously_is_disabled(
    api: Api, db: Database, settings: Settings
) -> None:
    receiver = Receiver(Behaviour(default=500)).start()
    impatient = settings.model_copy(
        update={"webhook_disable_after": 0.2, "webhook_retry_schedule": "0.1,0.1,0.1,0.1,0.1"}
    )
    dispatcher = Dispatcher(db, impatient)
    try:
        hook = subscribe(api, receiver.url + "/hook", ["caso.creado"])
        crear_caso(api)
        pump(dispatcher, lambda: api.get(f"/api/webhooks/{hook['id']}").json()["enabled"] is False)
    finally:
        dispatcher.close()
        receiver.stop()
    detail = api.get(f"/api/webhooks/{hook['id']}").json()
    assert "falla continua" in detail["disabled_reason"]
    reenabled = api.request("PATCH", f"/api/webhooks/{hook['id']}", json={"enabled": True}).json()
    assert reenabled["enabled"] is True
    assert reenabled["failing_since"] is None


def test_rolled_back_change_emits_nothing(
    api: Api, receiver: Receiver, dispatcher: Dispatcher
) -> None:
    hook = subscribe(api, receiver.url + "/hook")
    numero = crear_caso(api)
    refused = api.put(f"/api/casos/{numero}/estado", json={"estado": "cerrado"})
    assert refused.status_code == 409
    pump(dispatcher, lambda: len(receiver.ok_ids()) == 1)
    dispatcher.run_once()
    assert [e["evento"] for e in entregas(api, hook["id"])] == ["caso.creado"]
