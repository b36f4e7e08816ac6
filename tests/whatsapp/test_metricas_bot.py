"""Bot conversations and WhatsApp cases show up in the Prometheus counters once committed."""

from __future__ import annotations

import pytest

from tests.whatsapp.conftest import Chat
from tests.whatsapp.test_conversacion import _file_reclamo
from vetanco import metricas
from vetanco.sim.kapso import KapsoSim
from vetanco.worker import BackgroundWorker


@pytest.fixture
def chat(kapso: KapsoSim, worker: BackgroundWorker, webhook_url: str) -> Chat:
    return Chat(kapso, worker, webhook_url, fmt="kapso")


def _valor(contador: metricas.Counter, **etiquetas: str) -> float:
    return float(contador.labels(**etiquetas)._value.get())  # type: ignore[attr-defined]


def test_resultados_de_conversacion_y_casos_por_canal(chat: Chat) -> None:
    antes = {
        "registrado": _valor(metricas.CONVERSACIONES, resultado="caso_registrado"),
        "cancelada": _valor(metricas.CONVERSACIONES, resultado="cancelada"),
        "whatsapp": _valor(metricas.CASOS_CREADOS, canal="whatsapp"),
    }
    _file_reclamo(chat)
    chat.send("registrar")
    chat.tap("queja", "Queja (servicio)")
    chat.send("cancelar")
    assert _valor(metricas.CONVERSACIONES, resultado="caso_registrado") == antes["registrado"] + 1
    assert _valor(metricas.CONVERSACIONES, resultado="cancelada") == antes["cancelada"] + 1
    assert _valor(metricas.CASOS_CREADOS, canal="whatsapp") == antes["whatsapp"] + 1
