"""Webhook deliveries by outcome and their commit→receipt delay reach the Prometheus metrics."""

from __future__ import annotations

from tests.conftest import Api
from tests.factories import crear_caso
from tests.webhooks.conftest import pump, subscribe
from vetanco import metricas
from vetanco.sim.receiver import Behaviour, Receiver
from vetanco.webhooks.tasks import Dispatcher


def _entregas(resultado: str) -> float:
    return float(metricas.WEBHOOK_ENTREGAS.labels(resultado=resultado)._value.get())  # type: ignore[attr-defined]


def _retrasos() -> float:
    muestras = metricas.WEBHOOK_RETRASO.collect()[0].samples
    return next(s.value for s in muestras if s.name.endswith("_count"))


def test_reintento_y_entrega_se_cuentan(api: Api, dispatcher: Dispatcher) -> None:
    antes = (_entregas("reintento"), _entregas("entregada"), _retrasos())
    receiver = Receiver(Behaviour(script=[500])).start()
    try:
        subscribe(api, receiver.url + "/hook", ["caso.creado"])
        crear_caso(api)
        pump(dispatcher, lambda: len(receiver.ok_ids()) == 1)
    finally:
        receiver.stop()
    assert _entregas("reintento") == antes[0] + 1
    assert _entregas("entregada") == antes[1] + 1
    assert _retrasos() == antes[2] + 1
