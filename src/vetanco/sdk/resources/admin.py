"""Colaboradores, API keys, webhook subscriptions, WhatsApp conversations, Reten and health."""

from __future__ import annotations

from typing import Unpack

from vetanco.sdk._call import Call, get, nothing, segment, send
from vetanco.sdk.models.admin import (
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyRead,
    ColaboradorCreado,
    ColaboradorList,
    ConversacionList,
    ConversacionRead,
    EntregaList,
    EntregaRead,
    MensajeList,
    MensajeRead,
    PingEnviado,
    Reenvio,
    RetenEstadoRead,
    Salud,
    SecretoRotado,
    TareaList,
    TareaRead,
    WebhookCreated,
    WebhookList,
    WebhookRead,
)
from vetanco.sdk.resources._base import R, Resource, endpoint, paginated
from vetanco.sdk.tipos import (
    ColaboradorCreate,
    EstadoEntrega,
    Fecha,
    Id,
    Rol,
    TareaFiltros,
    WebhookCreate,
    WebhookUpdate,
)


class Colaboradores(Resource[R]):
    @endpoint
    def list(self) -> Call[ColaboradorList]:
        """Active staff: who can register cases and investigate them."""
        return get("/api/colaboradores", ColaboradorList)

    @endpoint
    def create(self, **datos: Unpack[ColaboradorCreate]) -> Call[ColaboradorCreado]:
        return send("POST", "/api/colaboradores", ColaboradorCreado, datos)


class ApiKeys(Resource[R]):
    @endpoint
    def list(self) -> Call[ApiKeyList]:
        """Every key, without its secret (admin only)."""
        return get("/api/api-keys", ApiKeyList)

    @endpoint
    def create(self, *, name: str, role: Rol) -> Call[ApiKeyCreated]:
        """Issues a key; its `key` is in this response only."""
        return send("POST", "/api/api-keys", ApiKeyCreated, {"name": name, "role": role})

    @endpoint
    def revocar(self, name: str) -> Call[ApiKeyRead]:
        return send("DELETE", f"/api/api-keys/{segment(name)}", ApiKeyRead)


def _webhook(endpoint_id: Id, *rest: str) -> str:
    return "/".join(["/api/webhooks", segment(endpoint_id), *rest])


class Webhooks(Resource[R]):
    """Outgoing webhook subscriptions and their delivery log (admin only)."""

    @endpoint
    def list(self) -> Call[WebhookList]:
        return get("/api/webhooks", WebhookList)

    @endpoint
    def create(self, **datos: Unpack[WebhookCreate]) -> Call[WebhookCreated]:
        """Subscribes a URL; the signing `secret` is in this response only."""
        return send("POST", "/api/webhooks", WebhookCreated, datos)

    @endpoint
    def get(self, endpoint_id: Id) -> Call[WebhookRead]:
        return get(_webhook(endpoint_id), WebhookRead)

    @endpoint
    def update(self, endpoint_id: Id, **datos: Unpack[WebhookUpdate]) -> Call[WebhookRead]:
        """Changes url, events, description or `enabled` (re-enabling clears the failure)."""
        return send("PATCH", _webhook(endpoint_id), WebhookRead, datos)

    @endpoint
    def delete(self, endpoint_id: Id) -> Call[None]:
        return Call("DELETE", _webhook(endpoint_id), nothing)

    @endpoint
    def rotar_secreto(self, endpoint_id: Id) -> Call[SecretoRotado]:
        """A new secret; the old one keeps signing too until `previous_secret_expires_at`."""
        return send("POST", _webhook(endpoint_id, "rotar-secreto"), SecretoRotado)

    @endpoint
    def probar(self, endpoint_id: Id) -> Call[PingEnviado]:
        """Queues a `ping` event to the endpoint."""
        return send("POST", _webhook(endpoint_id, "test"), PingEnviado)

    @endpoint
    def entregas(
        self,
        endpoint_id: Id,
        *,
        estado: EstadoEntrega | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> Call[EntregaList]:
        """The delivery log, newest first, with every attempt."""
        params = {"estado": estado, "page": page, "limit": limit}
        return get(_webhook(endpoint_id, "entregas"), EntregaList, params)

    @paginated
    def iter_entregas(
        self, endpoint_id: Id, *, estado: EstadoEntrega | None = None, limit: int = 100
    ) -> Call[EntregaList]:
        params = {"estado": estado, "limit": limit}
        return get(_webhook(endpoint_id, "entregas"), EntregaList, params)

    @endpoint
    def reenviar_entrega(self, endpoint_id: Id, entrega_id: str) -> Call[EntregaRead]:
        path = _webhook(endpoint_id, "entregas", segment(entrega_id), "reenviar")
        return send("POST", path, EntregaRead)

    @endpoint
    def reenviar_desde(self, endpoint_id: Id, *, desde: Fecha) -> Call[Reenvio]:
        """Queues again every event since `desde` (ISO date or date-time)."""
        path = _webhook(endpoint_id, "reenviar")
        return send("POST", path, Reenvio, params={"desde": desde})


def _conversacion(conversacion_id: Id, *rest: str) -> str:
    return "/".join(["/api/conversaciones", segment(conversacion_id), *rest])


class Conversaciones(Resource[R]):
    """WhatsApp conversations, and handing one to a person and back to the bot."""

    @endpoint
    def list(self, *, requiere_humano: bool | None = None) -> Call[ConversacionList]:
        return get("/api/conversaciones", ConversacionList, {"requiere_humano": requiere_humano})

    @endpoint
    def mensajes(self, conversacion_id: Id) -> Call[MensajeList]:
        return get(_conversacion(conversacion_id, "mensajes"), MensajeList)

    @endpoint
    def responder(self, conversacion_id: Id, *, texto: str) -> Call[MensajeRead]:
        """A message from a person, queued for WhatsApp (the bot stays quiet)."""
        path = _conversacion(conversacion_id, "mensajes")
        return send("POST", path, MensajeRead, {"texto": texto})

    @endpoint
    def devolver_al_bot(self, conversacion_id: Id) -> Call[ConversacionRead]:
        return send("POST", _conversacion(conversacion_id, "devolver-al-bot"), ConversacionRead)


class Reten(Resource[R]):
    """The local mirror of Reten tasks and the connector's status."""

    @endpoint
    def tareas(
        self, *, page: int = 1, limit: int = 20, **filtros: Unpack[TareaFiltros]
    ) -> Call[TareaList]:
        return get("/api/reten/tareas", TareaList, {**filtros, "page": page, "limit": limit})

    @paginated
    def iter_tareas(self, *, limit: int = 100, **filtros: Unpack[TareaFiltros]) -> Call[TareaList]:
        return get("/api/reten/tareas", TareaList, {**filtros, "limit": limit})

    @endpoint
    def tarea(self, task_id: str) -> Call[TareaRead]:
        return get(f"/api/reten/tareas/{segment(task_id)}", TareaRead)

    @endpoint
    def estado(self) -> Call[RetenEstadoRead]:
        """Connector mode (webhooks, polling…), KPIs and alerts."""
        return get("/api/reten/estado", RetenEstadoRead)


class SaludResource(Resource[R]):
    @endpoint
    def healthz(self) -> Call[Salud]:
        """The process is alive."""
        return get("/healthz", Salud)

    @endpoint
    def readyz(self) -> Call[Salud]:
        """The database answers and is migrated (503, raised as ErrorDelServidor, otherwise)."""
        return get("/readyz", Salud)
