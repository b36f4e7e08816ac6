/** The smaller resources: investigaciones, clientes, estadísticas, señales, staff and keys. */

import type { RequestOptions } from "../http.js";
import type {
  ApiKeyCreate,
  ApiKeyCreated,
  ApiKeyList,
  ApiKeyRead,
  ClienteFiltros,
  ClienteList,
  ClienteListItem,
  ColaboradorCreado,
  ColaboradorCreate,
  ColaboradorList,
  Estadisticas,
  EstadisticasFiltros,
  InvestigacionActualizada,
  InvestigacionCreada,
  InvestigacionCreate,
  InvestigacionDetalle,
  InvestigacionUpdate,
  SenalActualizada,
  SenalDetalle,
  SenalFiltros,
  SenalList,
  SenalRead,
  SenalUpdate,
} from "../types.js";
import { Recurso, paginar, seg } from "./base.js";

export class Investigaciones extends Recurso {
  /** Opens the investigation of a case (POST /api/casos/{numero}/investigacion). */
  iniciar(
    numeroCaso: string,
    body: InvestigacionCreate,
    opciones?: RequestOptions,
  ): Promise<InvestigacionCreada> {
    return this.http.json({
      method: "POST",
      path: `/api/casos/${seg(numeroCaso)}/investigacion`,
      body,
      opciones,
    });
  }

  get(investigacionId: string, opciones?: RequestOptions): Promise<InvestigacionDetalle> {
    return this.http.json({
      method: "GET",
      path: `/api/investigaciones/${seg(investigacionId)}`,
      opciones,
    });
  }

  actualizar(
    investigacionId: string,
    body: InvestigacionUpdate,
    opciones?: RequestOptions,
  ): Promise<InvestigacionActualizada> {
    return this.http.json({
      method: "PUT",
      path: `/api/investigaciones/${seg(investigacionId)}`,
      body,
      opciones,
    });
  }
}

export class Clientes extends Recurso {
  /** Customers by CUIT, phone or free text (name or razón social). */
  search(filtros: ClienteFiltros = {}, opciones?: RequestOptions): Promise<ClienteList> {
    return this.http.json({ method: "GET", path: "/api/clientes", query: filtros, opciones });
  }

  /** Same as `search`, under the name the other resources use. */
  list(filtros: ClienteFiltros = {}, opciones?: RequestOptions): Promise<ClienteList> {
    return this.search(filtros, opciones);
  }

  iterAll(
    filtros: Omit<ClienteFiltros, "page"> = {},
    opciones?: RequestOptions,
  ): AsyncGenerator<ClienteListItem, void, undefined> {
    const limit = filtros.limit ?? 100;
    return paginar((page) => this.search({ ...filtros, limit, page }, opciones));
  }
}

export class EstadisticasRecurso extends Recurso {
  get(filtros: EstadisticasFiltros = {}, opciones?: RequestOptions): Promise<Estadisticas> {
    return this.http.json({ method: "GET", path: "/api/estadisticas", query: filtros, opciones });
  }
}

export class Senales extends Recurso {
  list(filtros: SenalFiltros = {}, opciones?: RequestOptions): Promise<SenalList> {
    return this.http.json({ method: "GET", path: "/api/senales", query: filtros, opciones });
  }

  iterAll(
    filtros: Omit<SenalFiltros, "page"> = {},
    opciones?: RequestOptions,
  ): AsyncGenerator<SenalRead, void, undefined> {
    const limit = filtros.limit ?? 100;
    return paginar((page) => this.list({ ...filtros, limit, page }, opciones));
  }

  get(senalId: string, opciones?: RequestOptions): Promise<SenalDetalle> {
    return this.http.json({ method: "GET", path: `/api/senales/${seg(senalId)}`, opciones });
  }

  actualizar(
    senalId: string,
    body: SenalUpdate,
    opciones?: RequestOptions,
  ): Promise<SenalActualizada> {
    return this.http.json({
      method: "PUT",
      path: `/api/senales/${seg(senalId)}`,
      body,
      opciones,
    });
  }
}

export class Colaboradores extends Recurso {
  list(opciones?: RequestOptions): Promise<ColaboradorList> {
    return this.http.json({ method: "GET", path: "/api/colaboradores", opciones });
  }

  create(body: ColaboradorCreate, opciones?: RequestOptions): Promise<ColaboradorCreado> {
    return this.http.json({ method: "POST", path: "/api/colaboradores", body, opciones });
  }
}

export class ApiKeys extends Recurso {
  list(opciones?: RequestOptions): Promise<ApiKeyList> {
    return this.http.json({ method: "GET", path: "/api/api-keys", opciones });
  }

  /** The raw key is in the response only this once. */
  create(body: ApiKeyCreate, opciones?: RequestOptions): Promise<ApiKeyCreated> {
    return this.http.json({ method: "POST", path: "/api/api-keys", body, opciones });
  }

  revocar(name: string, opciones?: RequestOptions): Promise<ApiKeyRead> {
    return this.http.json({ method: "DELETE", path: `/api/api-keys/${seg(name)}`, opciones });
  }
}
