/**
 * Readable names for the generated OpenAPI types, so a schema change in the API breaks the
 * SDK's build instead of its users at run time.
 */

import type { components, operations } from "./generated/api.js";

export type { components, operations, paths } from "./generated/api.js";

type S = components["schemas"];

/** The query parameters of an operation, by its OpenAPI operationId. */
export type QueryDe<K extends keyof operations> = NonNullable<operations[K]["parameters"]["query"]>;

// Casos
export type CasoList = S["CasoList"];
export type CasoListItem = S["CasoListItem"];
export type CasoDetalle = S["CasoDetalle"];
export type CasoRead = S["CasoRead"];
export type CasoCreate = S["CasoCreate"];
export type CasoCreado = S["CasoCreado"];
export type CasoClasificar = S["CasoClasificar"];
export type ClasificacionResponse = S["ClasificacionResponse"];
export type CasoEstadoUpdate = S["CasoEstadoUpdate"];
export type EstadoResponse = S["EstadoResponse"];
export type HistorialList = S["HistorialList"];
export type HistorialEntry = S["HistorialEntry"];
export type FusionarIn = S["FusionarIn"];
export type FusionResponse = S["FusionResponse"];
export type EsperaIn = S["EsperaIn"];
export type SlaRead = S["SlaRead"];
export type CasoFiltros = QueryDe<"listar_api_casos_get">;
export type CasoExportFiltros = QueryDe<"exportar_casos_api_casos_export_get">;
export type TipoCaso = S["TipoCaso"];
export type Criticidad = S["Criticidad"];
export type Estado = S["Estado"];
export type Justificacion = S["Justificacion"];
export type Canal = S["Canal"];
export type Pagination = S["Pagination"];

// Farmacovigilancia
export type EventoAdversoUpdate = S["EventoAdversoUpdate"];
export type EventoAdversoResponse = S["EventoAdversoResponse"];
export type ReporteRegulatorioIn = S["ReporteRegulatorioIn"];

// Señales
export type SenalList = S["SenalList"];
export type SenalRead = S["SenalRead"];
export type SenalDetalle = S["SenalDetalle"];
export type SenalUpdate = S["SenalUpdate"];
export type SenalActualizada = S["SenalActualizada"];
export type SenalFiltros = QueryDe<"listar_api_senales_get">;

// Investigaciones
export type InvestigacionCreate = S["InvestigacionCreate"];
export type InvestigacionCreada = S["InvestigacionCreada"];
export type InvestigacionDetalle = S["InvestigacionDetalle"];
export type InvestigacionUpdate = S["InvestigacionUpdate"];
export type InvestigacionActualizada = S["InvestigacionActualizada"];

// Clientes, estadísticas, colaboradores, API keys
export type ClienteList = S["ClienteList"];
export type ClienteListItem = S["ClienteListItem"];
export type ClienteFiltros = QueryDe<"buscar_api_clientes_get">;
export type Estadisticas = S["Estadisticas"];
export type EstadisticasFiltros = QueryDe<"estadisticas_api_estadisticas_get">;
export type ColaboradorList = S["ColaboradorList"];
export type ColaboradorCreate = S["ColaboradorCreate"];
export type ColaboradorCreado = S["ColaboradorCreado"];
export type ApiKeyList = S["ApiKeyList"];
export type ApiKeyCreate = S["ApiKeyCreate"];
export type ApiKeyCreated = S["ApiKeyCreated"];
export type ApiKeyRead = S["ApiKeyRead"];

// Webhooks salientes
export type WebhookList = S["WebhookList"];
export type WebhookRead = S["WebhookRead"];
export type WebhookCreate = S["WebhookCreate"];
export type WebhookCreated = S["WebhookCreated"];
export type WebhookUpdate = S["WebhookUpdate"];
export type SecretoRotado = S["SecretoRotado"];
export type PingEnviado = S["PingEnviado"];
export type EntregaList = S["EntregaList"];
export type EntregaRead = S["EntregaRead"];
export type EntregaFiltros = QueryDe<"entregas_api_webhooks__endpoint_id__entregas_get">;
export type Reenvio = S["Reenvio"];

// Conversaciones de WhatsApp
export type ConversacionList = S["ConversacionList"];
export type ConversacionRead = S["ConversacionRead"];
export type ConversacionFiltros = QueryDe<"conversaciones_api_conversaciones_get">;
export type MensajeList = S["MensajeList"];
export type MensajeRead = S["MensajeRead"];
export type MensajeHumano = S["MensajeHumano"];
export type MensajeCasoList = S["MensajeCasoList"];

// Retén
export type TareaList = S["TareaList"];
export type TareaRead = S["TareaRead"];
export type TareaFiltros = QueryDe<"tareas_api_reten_tareas_get">;
export type Vinculo = S["Vinculo"];
export type RetenEstadoRead = S["RetenEstadoRead"];
