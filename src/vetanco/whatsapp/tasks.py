"""Background work for WhatsApp: run the bot over stored events, send the outbound queue to Kapso."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import structlog
from sqlalchemy.engine import Connection

from vetanco.config import Settings
from vetanco.db import Database, utcnow
from vetanco.whatsapp import repository, service
from vetanco.whatsapp.models import Conversacion, MensajeWhatsapp
from vetanco.whatsapp.service import VENTANA

log = structlog.get_logger(__name__)
LEASE_SECONDS = 60.0
IN_FLIGHT_RETRY = 1.0


@dataclass(slots=True)
class _Ronda:
    """One run_once: the events still allowed, the claimers running and what they did."""

    restantes: int
    activos: int = 1
    hechos: int = 0
    reclamadores: list[Future[None]] = field(default_factory=list)


class InboundProcessor:
    """One stored event per transaction: the bot's state, the case and the replies commit together."""

    def __init__(self, db: Database, settings: Settings, *, batch: int = 50) -> None:
        self.db = db
        self.settings = settings
        self.batch = batch
        # The claim skips locked events and a phone's later ones, so threads can share the inbox
        # with each phone kept in order; SQLite has a single writer: more threads only wait.
        self.hilos = 1 if db.is_sqlite else settings.whatsapp_concurrency
        self.pool = (
            ThreadPoolExecutor(max_workers=self.hilos - 1, thread_name_prefix="bot")
            if self.hilos > 1
            else None
        )
        self._lock = threading.Lock()
        self._fallando: set[int] = set()

    def run_once(self) -> int:
        """Claims in this thread and, while there is work, in up to `hilos - 1` more."""
        ronda = _Ronda(restantes=self.batch)
        self._reclamar(ronda)
        index = 0
        while index < len(ronda.reclamadores):  # a claimer may start another before it ends
            ronda.reclamadores[index].result()
            index += 1
        return ronda.hechos

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)

    def _reclamar(self, ronda: _Ronda) -> None:
        """Claim, process, commit, until the inbox is empty, the run's quota is spent or one fails."""
        try:
            with self.db.held_connection() as conexion:
                seguidos = 0
                while self._turno(ronda) and self._uno(ronda, conexion, cola=seguidos > 0):
                    seguidos += 1
        except Exception:
            log.exception("kapso_claim_failed")
        finally:
            with self._lock:
                ronda.activos -= 1

    def _turno(self, ronda: _Ronda) -> bool:
        with self._lock:
            if ronda.restantes <= 0:
                return False
            ronda.restantes -= 1
            return True

    def _uno(self, ronda: _Ronda, conexion: Connection | None, *, cola: bool) -> bool:
        """One event; False when there was none or it failed (its connection may be the cause)."""
        with self._lock:
            excluidos = tuple(self._fallando)
        evento_id: int | None = None
        try:
            with self.db.transaction(bind=conexion) as session:
                evento = repository.claim_evento(session, now=utcnow(), excluidos=excluidos)
                if evento is None:
                    return False
                evento_id = evento.id
                # Events queue up (this claimer found one right after another): one more thread.
                # Not for a lone event: the helper's empty claim would only delay its reply.
                if cola:
                    self._sumar_reclamador(ronda)
                try:
                    service.procesar(session, evento=evento, settings=self.settings)
                    session.flush()
                except Exception:
                    with self._lock:  # before the rollback unlocks it: no other thread retries it
                        self._fallando.add(evento_id)
                    raise
        except Exception as exc:
            if evento_id is None:
                raise
            log.exception("kapso_event_failed", evento=evento_id)
            self._registrar_fallo(evento_id, exc)
            self._contar(ronda)
            return False
        self._contar(ronda)
        return True

    def _registrar_fallo(self, evento_id: int, exc: Exception) -> None:
        try:
            with self.db.transaction() as session:
                service.registrar_fallo(session, evento_id=evento_id, error=repr(exc))
        finally:
            with self._lock:
                self._fallando.discard(evento_id)

    def _contar(self, ronda: _Ronda) -> None:
        with self._lock:
            ronda.hechos += 1

    def _sumar_reclamador(self, ronda: _Ronda) -> None:
        """Work found: one more thread claims beside this one, if the pool and the quota allow."""
        if self.pool is None:
            return
        with self._lock:
            if ronda.activos >= self.hilos or ronda.restantes <= 0:
                return
            try:
                ronda.reclamadores.append(self.pool.submit(self._reclamar, ronda))
            except RuntimeError:  # closing: the pool takes no more work
                return
            ronda.activos += 1


@dataclass(frozen=True, slots=True)
class Envio:
    mensaje_id: int
    phone_number_id: str | None
    body: dict[str, object]


class Sender:
    """Posts queued messages to Kapso's Meta-compatible API, retrying 409/429/5xx and timeouts."""

    def __init__(
        self, db: Database, settings: Settings, *, client: httpx.Client | None = None
    ) -> None:
        self.db = db
        self.settings = settings
        self.client = client or httpx.Client(timeout=10.0, follow_redirects=False)
        self.pool = ThreadPoolExecutor(
            max_workers=settings.worker_concurrency, thread_name_prefix="whatsapp"
        )

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.client.close()

    def run_once(self) -> int:
        now = utcnow()
        with self.db.transaction() as session:
            claimed = repository.claim_salientes(
                session, now=now, lease_until=now + timedelta(seconds=LEASE_SECONDS), limit=20
            )
            convs = repository.conversaciones_por_id(session, {m.conversacion_id for m in claimed})
            envios = []
            for m in claimed:
                conv = convs.get(m.conversacion_id)
                body = self._cuerpo(m, conv, now)
                if body is None:
                    continue
                pnid = (
                    conv.phone_number_id if conv else None
                ) or self.settings.kapso_phone_number_id
                envios.append(Envio(m.id, pnid, body))
        if not envios:
            return 0
        results = list(self.pool.map(self._post, envios))
        with self.db.transaction() as session:
            mensajes = repository.mensajes_por_id(session, [e.mensaje_id for e in envios])
            for envio, (status, wamid, error) in zip(envios, results, strict=True):
                mensaje = mensajes.get(envio.mensaje_id)
                if mensaje is not None:
                    self._record(mensaje, status, wamid, error)
        return len(envios)

    def _cuerpo(
        self, m: MensajeWhatsapp, conv: Conversacion | None, now: datetime
    ) -> dict[str, object] | None:
        """A status notice goes as text inside the 24 h window, as the approved template outside it, or not at all."""
        aviso = m.contenido.get("aviso_estado")
        if not aviso:
            return dict(m.contenido)
        to = str(m.contenido.get("to"))
        base = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        window_open = (
            conv is not None
            and conv.ultimo_entrante_at is not None
            and now - conv.ultimo_entrante_at <= VENTANA
        )
        template = self.settings.kapso_template_estado
        if window_open:
            body: dict[str, object] = {
                **base,
                "type": "text",
                "text": {"body": aviso["texto"], "preview_url": False},
            }
        elif template:
            parameters = [
                {"type": "text", "text": aviso["numero_caso"]},
                {"type": "text", "text": aviso["estado"]},
            ]
            body = {
                **base,
                "type": "template",
                "template": {
                    "name": template,
                    "language": {"code": "es_AR"},
                    "components": [{"type": "body", "parameters": parameters}],
                },
            }
        else:
            m.estado = "omitido"
            m.lease_until = None
            m.ultimo_error = (
                "fuera de la ventana de 24 h y sin VETANCO_KAPSO_TEMPLATE_ESTADO configurada"
            )
            return None
        m.tipo = str(body["type"])
        m.contenido = {**m.contenido, "cuerpo": body}
        return body

    def _post(self, envio: Envio) -> tuple[int | None, str | None, str | None]:
        key = self.settings.kapso_api_key
        if key is None:
            return -1, None, "VETANCO_KAPSO_API_KEY no configurada: mensaje no enviado"
        if not envio.phone_number_id:
            return -1, None, "falta phone_number_id (VETANCO_KAPSO_PHONE_NUMBER_ID)"
        url = f"{self.settings.kapso_api_url.rstrip('/')}/{envio.phone_number_id}/messages"
        started = time.perf_counter()
        try:
            response = self.client.post(
                url, json=envio.body, headers={"X-API-Key": key.get_secret_value()}
            )
        except httpx.HTTPError as exc:
            return None, None, f"{type(exc).__name__} tras {time.perf_counter() - started:.1f}s"
        if 200 <= response.status_code < 300:
            try:
                wamid = str(response.json()["messages"][0]["id"])
            except (ValueError, KeyError, IndexError, TypeError):
                wamid = None
            return response.status_code, wamid, None
        return response.status_code, None, response.text[:300]

    def _record(
        self, mensaje: MensajeWhatsapp, status: int | None, wamid: str | None, error: str | None
    ) -> None:
        mensaje.lease_until = None
        mensaje.intentos += 1
        if status is not None and 200 <= status < 300:
            mensaje.estado = "enviado"
            mensaje.wamid = wamid
            mensaje.enviado_at = utcnow()
            mensaje.ultimo_error = None
            return
        mensaje.ultimo_error = error
        if status == -1:
            mensaje.estado = "omitido"
            return
        retryable = status is None or status in (409, 429) or status >= 500
        delays = self.settings.whatsapp_retry_delays
        if not retryable or mensaje.intentos > len(delays):
            mensaje.estado = "fallido"
            log.warning("whatsapp_send_failed", mensaje=mensaje.id, status=status)
            return
        delay = IN_FLIGHT_RETRY if status == 409 else delays[mensaje.intentos - 1]
        mensaje.proximo_intento_at = utcnow() + timedelta(seconds=delay)
