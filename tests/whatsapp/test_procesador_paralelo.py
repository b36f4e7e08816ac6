"""The bot's inbox on several threads (PostgreSQL): each phone in order, each event once."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from vetanco.config import Settings
from vetanco.db import Database, utcnow
from vetanco.whatsapp import repository, service
from vetanco.whatsapp.entrantes import Entrante
from vetanco.whatsapp.models import Conversacion, KapsoEvento, MensajeWhatsapp
from vetanco.whatsapp.tasks import InboundProcessor

TELEFONOS = [f"54911000000{i:02d}" for i in range(8)]
MENSAJES = 4
ESPERA = 10.0  # a rendezvous that never happens fails the test instead of hanging it


def _guardar(db: Database, filas: list[tuple[str, str]]) -> None:
    """Stores inbound texts in this order, as the webhook would have."""
    with db.transaction() as session:
        for n, (telefono, texto) in enumerate(filas):
            entrante = Entrante(
                tipo="mensaje",
                formato="kapso",
                evento="whatsapp.message.received",
                message_id=f"wamid.{n}",
                telefono=telefono,
                texto=texto,
            )
            session.add(
                KapsoEvento(
                    dedup_key=f"prueba:{n}",
                    tipo="mensaje",
                    formato="kapso",
                    telefono=telefono,
                    payload=entrante.as_dict(),
                    received_at=utcnow(),
                    attempts=0,
                )
            )


def _vaciar(processor: InboundProcessor) -> None:
    for _ in range(50):
        if processor.run_once() == 0:
            return
    raise AssertionError("the inbox never emptied")


@pytest.fixture
def processor(db: Database, settings: Settings) -> Iterator[InboundProcessor]:
    p = InboundProcessor(db, settings.model_copy(update={"whatsapp_concurrency": 4}))
    yield p
    p.close()


class Registro:
    """Wraps service.procesar: what ran, in which order per phone, and how much at once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, encuentro: bool) -> None:
        self.real = service.procesar
        self.lock = threading.Lock()
        self.llamadas: Counter[int] = Counter()
        self.orden: dict[str, list[str]] = defaultdict(list)
        self.en_curso: set[str] = set()
        self.solapados: list[str] = []
        self.simultaneos = 0
        self.maximo = 0
        self.total = 0
        # The second event waits until another one is in progress beside it: with one thread,
        # it never is. (The first may run alone: a helper thread starts once events queue up.)
        self.encuentro = encuentro
        self.acompanado = threading.Event()
        monkeypatch.setattr(service, "procesar", self)

    def __call__(self, session: Any, *, evento: KapsoEvento, settings: Settings) -> KapsoEvento:
        telefono = evento.telefono or ""
        with self.lock:
            self.llamadas[evento.id] += 1
            self.orden[telefono].append(evento.payload["texto"])
            if telefono in self.en_curso:
                self.solapados.append(telefono)
            self.en_curso.add(telefono)
            self.simultaneos += 1
            self.maximo = max(self.maximo, self.simultaneos)
            if self.simultaneos >= 2:
                self.acompanado.set()
            self.total += 1
            esperar = self.encuentro and self.total == 2
        try:
            if esperar:
                self.acompanado.wait(ESPERA)
            return self.real(session, evento=evento, settings=settings)
        finally:
            with self.lock:
                self.simultaneos -= 1
                self.en_curso.discard(telefono)


def test_phones_are_answered_in_parallel_each_in_order_each_event_once(
    db: Database, processor: InboundProcessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    registro = Registro(monkeypatch, encuentro=not db.is_sqlite)
    _guardar(db, [(t, f"mensaje {m}") for m in range(MENSAJES) for t in TELEFONOS])

    _vaciar(processor)

    if db.is_sqlite:
        assert registro.maximo == 1  # one writer: the bot runs one event at a time
    else:
        assert registro.maximo >= 2  # the second event had company
    assert registro.solapados == []  # never two events of one phone at once
    esperado = [f"mensaje {m}" for m in range(MENSAJES)]
    assert {t: registro.orden[t] for t in TELEFONOS} == dict.fromkeys(TELEFONOS, esperado)
    with db.transaction(write=False) as session:
        eventos = session.scalars(select(KapsoEvento)).all()
        assert len(eventos) == len(TELEFONOS) * MENSAJES
        assert all(e.processed_at is not None and e.attempts == 1 for e in eventos)
        assert registro.llamadas == Counter({e.id: 1 for e in eventos})
        for telefono in TELEFONOS:
            conv = session.scalars(
                select(Conversacion).where(Conversacion.telefono == telefono)
            ).one()
            mensajes = session.scalars(
                select(MensajeWhatsapp)
                .where(MensajeWhatsapp.conversacion_id == conv.id)
                .order_by(MensajeWhatsapp.id)
            ).all()
            entrantes = [m.texto for m in mensajes if m.direccion == "entrante"]
            assert entrantes == esperado
            assert mensajes[-1].direccion == "saliente"  # the last message got its reply


def test_a_failing_event_is_set_aside_once_while_other_phones_go_on(
    db: Database, processor: InboundProcessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the rollback that frees a failed event and the transaction that records the
    failure, other threads keep claiming: none may take the failed event again at once."""
    veneno = TELEFONOS[0]
    real_procesar, real_claim, real_fallo = (
        service.procesar,
        repository.claim_evento,
        service.registrar_fallo,
    )
    intentos: Counter[str] = Counter()
    en_el_hueco = threading.Event()
    reclamo_en_el_hueco = threading.Event()

    def procesar(session: Any, *, evento: KapsoEvento, settings: Settings) -> KapsoEvento:
        intentos[evento.payload["texto"]] += 1
        if evento.payload["texto"] == "veneno":
            raise RuntimeError("un evento que siempre falla")
        return real_procesar(session, evento=evento, settings=settings)

    def claim_evento(session: Any, **kw: Any) -> KapsoEvento | None:
        durante = en_el_hueco.is_set()
        evento = real_claim(session, **kw)
        if durante:
            reclamo_en_el_hueco.set()
        return evento

    def registrar_fallo(session: Any, *, evento_id: int, error: str) -> None:
        en_el_hueco.set()  # the failed event's transaction has rolled back: its row is free
        if not db.is_sqlite:  # PostgreSQL: wait until another thread has claimed meanwhile
            assert reclamo_en_el_hueco.wait(ESPERA)
        real_fallo(session, evento_id=evento_id, error=error)

    monkeypatch.setattr(service, "procesar", procesar)
    monkeypatch.setattr(repository, "claim_evento", claim_evento)
    monkeypatch.setattr(service, "registrar_fallo", registrar_fallo)
    otros = [(t, f"mensaje {m}") for m in range(MENSAJES) for t in TELEFONOS[1:]]
    # third in line: by then events are queueing and a second thread claims beside the first
    _guardar(db, [*otros[:2], (veneno, "veneno"), (veneno, "después del veneno"), *otros[2:]])

    _vaciar(processor)

    assert intentos["veneno"] == 1  # not retried before its retry_at
    assert intentos["después del veneno"] == 0  # its phone waits behind it, in order
    assert all(intentos[f"mensaje {m}"] == len(TELEFONOS) - 1 for m in range(MENSAJES))
    with db.transaction(write=False) as session:
        eventos = {e.payload["texto"]: e for e in session.scalars(select(KapsoEvento))}
        fallido = eventos["veneno"]
        assert fallido.processed_at is None
        assert fallido.attempts == 1
        assert fallido.retry_at is not None
        assert fallido.retry_at > utcnow()
        assert "un evento que siempre falla" in (fallido.last_error or "")
        assert eventos["después del veneno"].processed_at is None
        otros = [e for texto, e in eventos.items() if texto.startswith("mensaje")]
        assert all(e.processed_at is not None and e.attempts == 1 for e in otros)
