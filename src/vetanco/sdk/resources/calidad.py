"""Investigaciones, clientes, estadísticas and lot señales."""

from __future__ import annotations

from typing import Any, Unpack

from vetanco.sdk._call import Call, get, segment, send
from vetanco.sdk.models.calidad import (
    ClienteList,
    Estadisticas,
    InvestigacionActualizada,
    InvestigacionCreada,
    InvestigacionDetalle,
    SenalActualizada,
    SenalDetalle,
    SenalList,
)
from vetanco.sdk.resources._base import R, Resource, endpoint, paginated
from vetanco.sdk.tipos import (
    AvanceInvestigacion,
    ClienteFiltros,
    EstadoSenal,
    Fecha,
    Id,
    InvestigacionUpdate,
    SenalFiltros,
)


def _investigacion(investigacion_id: Id) -> str:
    return f"/api/investigaciones/{segment(investigacion_id)}"


class Investigaciones(Resource[R]):
    @endpoint
    def iniciar(self, numero_caso: str, *, investigador_id: Id) -> Call[InvestigacionCreada]:
        """Opens the case's investigation; a new case moves to en_investigacion."""
        path = f"/api/casos/{segment(numero_caso)}/investigacion"
        return send("POST", path, InvestigacionCreada, {"investigador_id": investigador_id})

    @endpoint
    def get(self, investigacion_id: Id) -> Call[InvestigacionDetalle]:
        return get(_investigacion(investigacion_id), InvestigacionDetalle)

    @endpoint
    def actualizar(
        self, investigacion_id: Id, **datos: Unpack[InvestigacionUpdate]
    ) -> Call[InvestigacionActualizada]:
        """Records progress; `estado="en_proceso"` reopens a completed one."""
        return send("PUT", _investigacion(investigacion_id), InvestigacionActualizada, datos)

    @endpoint
    def completar(
        self, investigacion_id: Id, **datos: Unpack[AvanceInvestigacion]
    ) -> Call[InvestigacionActualizada]:
        """Closes the investigation; the server requires a causa_raiz (given now or before)."""
        body: dict[str, Any] = {**datos, "estado": "completada"}
        return send("PUT", _investigacion(investigacion_id), InvestigacionActualizada, body)


class Clientes(Resource[R]):
    @endpoint
    def search(
        self, *, page: int = 1, limit: int = 20, **filtros: Unpack[ClienteFiltros]
    ) -> Call[ClienteList]:
        """Customers by CUIT, phone, or `search` (name or razón social), with their case counts."""
        return get("/api/clientes", ClienteList, {**filtros, "page": page, "limit": limit})

    list = search

    @paginated
    def iter_all(self, *, limit: int = 100, **filtros: Unpack[ClienteFiltros]) -> Call[ClienteList]:
        return get("/api/clientes", ClienteList, {**filtros, "limit": limit})


class EstadisticasResource(Resource[R]):
    @endpoint
    def get(
        self, *, fecha_desde: Fecha | None = None, fecha_hasta: Fecha | None = None
    ) -> Call[Estadisticas]:
        """Totals, breakdowns, resolution times, top products and lots, SLA compliance."""
        params = {"fecha_desde": fecha_desde, "fecha_hasta": fecha_hasta}
        return get("/api/estadisticas", Estadisticas, params)


class Senales(Resource[R]):
    @endpoint
    def list(
        self, *, page: int = 1, limit: int = 20, **filtros: Unpack[SenalFiltros]
    ) -> Call[SenalList]:
        return get("/api/senales", SenalList, {**filtros, "page": page, "limit": limit})

    @paginated
    def iter_all(self, *, limit: int = 100, **filtros: Unpack[SenalFiltros]) -> Call[SenalList]:
        return get("/api/senales", SenalList, {**filtros, "limit": limit})

    @endpoint
    def get(self, senal_id: Id) -> Call[SenalDetalle]:
        """A signal with its cases, customers, provinces and the product's other lots."""
        return get(f"/api/senales/{segment(senal_id)}", SenalDetalle)

    @endpoint
    def actualizar(
        self, senal_id: Id, *, estado: EstadoSenal, motivo: str
    ) -> Call[SenalActualizada]:
        """Quality's decision on the signal; the reason is mandatory."""
        body = {"estado": estado, "motivo": motivo}
        return send("PUT", f"/api/senales/{segment(senal_id)}", SenalActualizada, body)
