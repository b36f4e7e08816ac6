/** @vetanco/sdk: typed client for the Vetanco Reclamos API, plus webhook verification. */

export { VetancoClient, Salud, type PeticionLibre } from "./client.js";
export type {
  Descarga,
  FetchLike,
  Metodo,
  Query,
  QueryValue,
  RequestOptions,
  VetancoClientOptions,
} from "./http.js";
export {
  Conflicto,
  ErrorDeConexion,
  ErrorDelServidor,
  ErrorDeValidacion,
  FirmaInvalida,
  LimiteExcedido,
  NoAutorizado,
  NoEncontrado,
  Prohibido,
  VetancoError,
  type CuerpoDeError,
  type DetalleDeError,
} from "./errors.js";
export {
  verificarFirmaSimple,
  verificarWebhook,
  type CabecerasWebhook,
  type OpcionesVerificacion,
} from "./webhooks.js";
export type { CrearOpciones } from "./resources/casos.js";
export type * from "./types.js";
