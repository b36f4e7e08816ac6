/** What every resource shares: the transport, path encoding and page-by-page iteration. */

import type { Transporte } from "../http.js";
import type { Pagination } from "../types.js";

export abstract class Recurso {
  constructor(protected readonly http: Transporte) {}
}

/** A path segment, escaped so an id can never change which route is called. */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}

export interface Pagina<T> {
  data: T[];
  pagination: Pagination;
}

/** Every item of every page, fetching the next page only when the caller gets there. */
export async function* paginar<T>(
  pagina: (page: number) => Promise<Pagina<T>>,
): AsyncGenerator<T, void, undefined> {
  for (let page = 1; ; page++) {
    const { data, pagination } = await pagina(page);
    yield* data;
    if (data.length === 0 || page >= pagination.total_pages) {
      return;
    }
  }
}
