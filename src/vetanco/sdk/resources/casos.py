"""/api/casos and what hangs off one case: history, adverse event, SLA pause, files, messages."""

from __future__ import annotations

import uuid
from typing import Literal, Unpack

from vetanco.sdk._call import Call, Descarga, download, get, model, optional, segment, send
from vetanco.sdk.models.admin import MensajeCasoList, TareaList, TareaRead
from vetanco.sdk.models.casos import (
    CasoCreado,
    CasoDetalle,
    CasoList,
    ClasificacionResponse,
    EstadoResponse,
    EventoAdversoResponse,
    FusionResponse,
    HistorialList,
    SlaRead,
)
from vetanco.sdk.resources._base import R, Resource, endpoint, paginated
from vetanco.sdk.tipos import (
    CasoClasificar,
    CasoCreate,
    CasoEstadoUpdate,
    CasoFiltros,
    EventoAdversoUpdate,
    Id,
    ReporteRegulatorioIn,
)


def _caso(numero_caso: str, *rest: str) -> str:
    return "/".join(["/api/casos", segment(numero_caso), *rest])


class Casos(Resource[R]):
    @endpoint
    def list(
        self, *, page: int = 1, limit: int = 20, **filtros: Unpack[CasoFiltros]
    ) -> Call[CasoList]:
        """One page of cases; `limit` is at most 100."""
        return get("/api/casos", CasoList, {**filtros, "page": page, "limit": limit})

    @paginated
    def iter_all(self, *, limit: int = 100, **filtros: Unpack[CasoFiltros]) -> Call[CasoList]:
        """Every matching case; oldest first by default, so new cases cannot shift the pages."""
        return get("/api/casos", CasoList, {"orden": "created_at", **filtros, "limit": limit})

    @endpoint
    def export(
        self, *, formato: Literal["csv", "xlsx"] = "csv", **filtros: Unpack[CasoFiltros]
    ) -> Call[Descarga]:
        """The filtered cases as one CSV or XLSX file (same filters as `list`)."""
        return Call("GET", "/api/casos/export", download, params={**filtros, "formato": formato})

    @endpoint
    def get(self, numero_caso: str) -> Call[CasoDetalle]:
        return get(_caso(numero_caso), CasoDetalle)

    @endpoint
    def create(
        self, *, idempotency_key: str | None = None, **datos: Unpack[CasoCreate]
    ) -> Call[CasoCreado]:
        """Always sent with an Idempotency-Key (made up if not given), so retrying is safe."""
        key = idempotency_key or str(uuid.uuid4())
        return Call("POST", "/api/casos", model(CasoCreado), body=datos, idempotency_key=key)

    @endpoint
    def clasificar(
        self, numero_caso: str, **datos: Unpack[CasoClasificar]
    ) -> Call[ClasificacionResponse]:
        return send("PUT", _caso(numero_caso, "clasificar"), ClasificacionResponse, datos)

    @endpoint
    def estado(self, numero_caso: str, **datos: Unpack[CasoEstadoUpdate]) -> Call[EstadoResponse]:
        return send("PUT", _caso(numero_caso, "estado"), EstadoResponse, datos)

    @endpoint
    def historial(self, numero_caso: str) -> Call[HistorialList]:
        """The case's hash-chained audit trail."""
        return get(_caso(numero_caso, "historial"), HistorialList)

    @endpoint
    def fusionar(
        self, numero_caso: str, *, en: str, motivo: str | None = None
    ) -> Call[FusionResponse]:
        """Merges this (duplicate) case into `en`; both histories are kept."""
        return send(
            "POST", _caso(numero_caso, "fusionar"), FusionResponse, {"en": en, "motivo": motivo}
        )

    @endpoint
    def evento_adverso(
        self, numero_caso: str, **datos: Unpack[EventoAdversoUpdate]
    ) -> Call[EventoAdversoResponse]:
        """Marks, completes (VICH GL42 data) or discards (`es_evento_adverso=False`) the event."""
        return send("PUT", _caso(numero_caso, "evento-adverso"), EventoAdversoResponse, datos)

    @endpoint
    def reporte_regulatorio(
        self, numero_caso: str, **datos: Unpack[ReporteRegulatorioIn]
    ) -> Call[EventoAdversoResponse]:
        """Records that the adverse-event report was filed with the authority."""
        return send("PUT", _caso(numero_caso, "reporte-regulatorio"), EventoAdversoResponse, datos)

    @endpoint
    def espera(
        self, numero_caso: str, *, esperando_cliente: bool, motivo: str | None = None
    ) -> Call[SlaRead | None]:
        """Pauses (or resumes) the SLA clocks while waiting on the customer."""
        body = {"esperando_cliente": esperando_cliente, "motivo": motivo}
        return Call("PUT", _caso(numero_caso, "espera"), optional(SlaRead), body=body)

    @endpoint
    def adjunto(self, numero_caso: str, adjunto_id: Id) -> Call[Descarga]:
        """Downloads a stored attachment (409 while it is still being fetched)."""
        return Call("GET", _caso(numero_caso, "adjuntos", segment(adjunto_id)), download)

    @endpoint
    def mensajes(self, numero_caso: str) -> Call[MensajeCasoList]:
        """The case's WhatsApp messages."""
        return get(_caso(numero_caso, "mensajes"), MensajeCasoList)

    @endpoint
    def tareas_reten(self, numero_caso: str) -> Call[TareaList]:
        return get(_caso(numero_caso, "tareas-reten"), TareaList)

    @endpoint
    def vincular_tarea_reten(self, numero_caso: str, *, task_id: str) -> Call[TareaRead]:
        return send("POST", _caso(numero_caso, "tareas-reten"), TareaRead, {"task_id": task_id})
