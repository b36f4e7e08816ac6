/** /api/casos and the actions nested under a case. */

import { randomUUID } from "node:crypto";

import type { Descarga, RequestOptions } from "../http.js";
import type {
  CasoClasificar,
  CasoCreado,
  CasoCreate,
  CasoDetalle,
  CasoEstadoUpdate,
  CasoExportFiltros,
  CasoFiltros,
  CasoList,
  CasoListItem,
  ClasificacionResponse,
  EsperaIn,
  EstadoResponse,
  EventoAdversoResponse,
  EventoAdversoUpdate,
  FusionarIn,
  FusionResponse,
  HistorialList,
  MensajeCasoList,
  ReporteRegulatorioIn,
  SlaRead,
} from "../types.js";
import { Recurso, paginar, seg } from "./base.js";

export interface CrearOpciones extends RequestOptions {
  /**
   * Retries with the same key return the first response instead of a second case. When absent
   * the SDK makes one per call, so its own retries are safe.
   */
  idempotencyKey?: string;
}

export class Casos extends Recurso {
  /** One page of cases; `page` and `limit` (max 100) are filters too. */
  list(filtros: CasoFiltros = {}, opciones?: RequestOptions): Promise<CasoList> {
    return this.http.json({ method: "GET", path: "/api/casos", query: filtros, opciones });
  }

  /** Every case matching the filters, page after page (`limit` sets the page size). */
  iterAll(
    filtros: Omit<CasoFiltros, "page"> = {},
    opciones?: RequestOptions,
  ): AsyncGenerator<CasoListItem, void, undefined> {
    const limit = filtros.limit ?? 100;
    return paginar((page) => this.list({ ...filtros, limit, page }, opciones));
  }

  /** The filtered cases as one CSV or XLSX file (`formato`), with the same filters as `list`. */
  export(filtros: CasoExportFiltros = {}, opciones?: RequestOptions): Promise<Descarga> {
    return this.http.bytes({ method: "GET", path: "/api/casos/export", query: filtros, opciones });
  }

  get(numeroCaso: string, opciones?: RequestOptions): Promise<CasoDetalle> {
    return this.http.json({ method: "GET", path: `/api/casos/${seg(numeroCaso)}`, opciones });
  }

  create(body: CasoCreate, opciones: CrearOpciones = {}): Promise<CasoCreado> {
    const { idempotencyKey = randomUUID(), ...resto } = opciones;
    return this.http.json({
      method: "POST",
      path: "/api/casos",
      body,
      idempotencyKey,
      opciones: resto,
    });
  }

  clasificar(
    numeroCaso: string,
    body: CasoClasificar,
    opciones?: RequestOptions,
  ): Promise<ClasificacionResponse> {
    return this.put(numeroCaso, "clasificar", body, opciones);
  }

  estado(
    numeroCaso: string,
    body: CasoEstadoUpdate,
    opciones?: RequestOptions,
  ): Promise<EstadoResponse> {
    return this.put(numeroCaso, "estado", body, opciones);
  }

  historial(numeroCaso: string, opciones?: RequestOptions): Promise<HistorialList> {
    return this.http.json({
      method: "GET",
      path: `/api/casos/${seg(numeroCaso)}/historial`,
      opciones,
    });
  }

  /** Merges this (duplicate) case into `body.en`; both histories are kept. */
  fusionar(
    numeroCaso: string,
    body: FusionarIn,
    opciones?: RequestOptions,
  ): Promise<FusionResponse> {
    return this.http.json({
      method: "POST",
      path: `/api/casos/${seg(numeroCaso)}/fusionar`,
      body,
      opciones,
    });
  }

  eventoAdverso(
    numeroCaso: string,
    body: EventoAdversoUpdate,
    opciones?: RequestOptions,
  ): Promise<EventoAdversoResponse> {
    return this.put(numeroCaso, "evento-adverso", body, opciones);
  }

  reporteRegulatorio(
    numeroCaso: string,
    body: ReporteRegulatorioIn,
    opciones?: RequestOptions,
  ): Promise<EventoAdversoResponse> {
    return this.put(numeroCaso, "reporte-regulatorio", body, opciones);
  }

  /** Pauses or resumes the SLA clock while waiting on the customer. */
  espera(numeroCaso: string, body: EsperaIn, opciones?: RequestOptions): Promise<SlaRead> {
    return this.put(numeroCaso, "espera", body, opciones);
  }

  /** The WhatsApp messages exchanged about this case. */
  mensajes(numeroCaso: string, opciones?: RequestOptions): Promise<MensajeCasoList> {
    return this.http.json({
      method: "GET",
      path: `/api/casos/${seg(numeroCaso)}/mensajes`,
      opciones,
    });
  }

  /** Downloads a stored attachment (throws Conflicto while it is still being fetched). */
  adjunto(numeroCaso: string, adjuntoId: string, opciones?: RequestOptions): Promise<Descarga> {
    return this.http.bytes({
      method: "GET",
      path: `/api/casos/${seg(numeroCaso)}/adjuntos/${seg(adjuntoId)}`,
      opciones,
    });
  }

  private put<T>(
    numeroCaso: string,
    accion: string,
    body: unknown,
    opciones: RequestOptions | undefined,
  ): Promise<T> {
    return this.http.json({
      method: "PUT",
      path: `/api/casos/${seg(numeroCaso)}/${accion}`,
      body,
      opciones,
    });
  }
}
