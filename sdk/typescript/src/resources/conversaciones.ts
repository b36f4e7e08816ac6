/** WhatsApp conversations handed to a person, and the Retén task integration. */

import type { RequestOptions } from "../http.js";
import type {
  ConversacionFiltros,
  ConversacionList,
  ConversacionRead,
  MensajeHumano,
  MensajeList,
  MensajeRead,
  RetenEstadoRead,
  TareaFiltros,
  TareaList,
  TareaRead,
  Vinculo,
} from "../types.js";
import { Recurso, seg } from "./base.js";

export class Conversaciones extends Recurso {
  list(filtros: ConversacionFiltros = {}, opciones?: RequestOptions): Promise<ConversacionList> {
    return this.http.json({
      method: "GET",
      path: "/api/conversaciones",
      query: filtros,
      opciones,
    });
  }

  mensajes(conversacionId: string, opciones?: RequestOptions): Promise<MensajeList> {
    return this.http.json({
      method: "GET",
      path: `/api/conversaciones/${seg(conversacionId)}/mensajes`,
      opciones,
    });
  }

  /** A message from a person, sent through WhatsApp (queued: 202). */
  responder(
    conversacionId: string,
    body: MensajeHumano,
    opciones?: RequestOptions,
  ): Promise<MensajeRead> {
    return this.http.json({
      method: "POST",
      path: `/api/conversaciones/${seg(conversacionId)}/mensajes`,
      body,
      opciones,
    });
  }

  devolverAlBot(conversacionId: string, opciones?: RequestOptions): Promise<ConversacionRead> {
    return this.http.json({
      method: "POST",
      path: `/api/conversaciones/${seg(conversacionId)}/devolver-al-bot`,
      opciones,
    });
  }
}

export class Reten extends Recurso {
  tareas(filtros: TareaFiltros = {}, opciones?: RequestOptions): Promise<TareaList> {
    return this.http.json({ method: "GET", path: "/api/reten/tareas", query: filtros, opciones });
  }

  tarea(taskId: string, opciones?: RequestOptions): Promise<TareaRead> {
    return this.http.json({ method: "GET", path: `/api/reten/tareas/${seg(taskId)}`, opciones });
  }

  estado(opciones?: RequestOptions): Promise<RetenEstadoRead> {
    return this.http.json({ method: "GET", path: "/api/reten/estado", opciones });
  }

  tareasDelCaso(numeroCaso: string, opciones?: RequestOptions): Promise<TareaList> {
    return this.http.json({
      method: "GET",
      path: `/api/casos/${seg(numeroCaso)}/tareas-reten`,
      opciones,
    });
  }

  /** Links an existing Retén task to a case, or creates one for it. */
  vincular(numeroCaso: string, body: Vinculo, opciones?: RequestOptions): Promise<TareaRead> {
    return this.http.json({
      method: "POST",
      path: `/api/casos/${seg(numeroCaso)}/tareas-reten`,
      body,
      opciones,
    });
  }
}
