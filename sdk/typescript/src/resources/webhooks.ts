/** /api/webhooks: outgoing subscriptions, their delivery log and redelivery. */

import type { RequestOptions } from "../http.js";
import type {
  EntregaFiltros,
  EntregaList,
  EntregaRead,
  PingEnviado,
  Reenvio,
  SecretoRotado,
  WebhookCreate,
  WebhookCreated,
  WebhookList,
  WebhookRead,
  WebhookUpdate,
} from "../types.js";
import { Recurso, seg } from "./base.js";

export class Webhooks extends Recurso {
  list(opciones?: RequestOptions): Promise<WebhookList> {
    return this.http.json({ method: "GET", path: "/api/webhooks", opciones });
  }

  /** The signing secret (`whsec_…`) is in the response only this once. */
  create(body: WebhookCreate, opciones?: RequestOptions): Promise<WebhookCreated> {
    return this.http.json({ method: "POST", path: "/api/webhooks", body, opciones });
  }

  get(endpointId: string, opciones?: RequestOptions): Promise<WebhookRead> {
    return this.http.json({ method: "GET", path: `/api/webhooks/${seg(endpointId)}`, opciones });
  }

  update(endpointId: string, body: WebhookUpdate, opciones?: RequestOptions): Promise<WebhookRead> {
    return this.http.json({
      method: "PATCH",
      path: `/api/webhooks/${seg(endpointId)}`,
      body,
      opciones,
    });
  }

  async delete(endpointId: string, opciones?: RequestOptions): Promise<void> {
    await this.http.json({ method: "DELETE", path: `/api/webhooks/${seg(endpointId)}`, opciones });
  }

  /** A new secret; the previous one keeps verifying until `previous_secret_expires_at`. */
  rotarSecreto(endpointId: string, opciones?: RequestOptions): Promise<SecretoRotado> {
    return this.post(`/api/webhooks/${seg(endpointId)}/rotar-secreto`, undefined, opciones);
  }

  /** Queues a `ping` event to the subscription. */
  probar(endpointId: string, opciones?: RequestOptions): Promise<PingEnviado> {
    return this.post(`/api/webhooks/${seg(endpointId)}/test`, undefined, opciones);
  }

  entregas(
    endpointId: string,
    filtros: EntregaFiltros = {},
    opciones?: RequestOptions,
  ): Promise<EntregaList> {
    return this.http.json({
      method: "GET",
      path: `/api/webhooks/${seg(endpointId)}/entregas`,
      query: filtros,
      opciones,
    });
  }

  reenviarEntrega(
    endpointId: string,
    entregaId: string,
    opciones?: RequestOptions,
  ): Promise<EntregaRead> {
    const path = `/api/webhooks/${seg(endpointId)}/entregas/${seg(entregaId)}/reenviar`;
    return this.post(path, undefined, opciones);
  }

  /** Redelivers every event since `desde` (ISO date or date-time, or a Date). */
  reenviarDesde(
    endpointId: string,
    desde: string | Date,
    opciones?: RequestOptions,
  ): Promise<Reenvio> {
    return this.post(`/api/webhooks/${seg(endpointId)}/reenviar`, { desde }, opciones);
  }

  private post<T>(
    path: string,
    query: { desde: string | Date } | undefined,
    opciones: RequestOptions | undefined,
  ): Promise<T> {
    return this.http.json({ method: "POST", path, query, opciones });
  }
}
