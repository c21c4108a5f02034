// The in-memory half of a query: turns a search plan into hits from the library's index (query vector
// checks, similar-to, person and cursor validation, then the ranking in library-index.ts). No I/O.
import { decodeCursor, encodeCursor } from './cursor';
import type { Filters } from './filters';
import type { Hit, LibraryIndex } from './library-index';
import { queryVector, type IndexError } from './query-vector';

export interface SearchPlan {
  vector?: { model: string; values: unknown[] };
  similarTo?: string;
  filters: Filters;
  limit: number;
  cursor?: string;
}

export type Answer = { ok: true; hits: Hit[]; nextCursor: string | null } | ({ ok: false } & IndexError);

export function answerQuery(index: LibraryIndex, plan: SearchPlan): Answer {
  const library = index.activeModel && index.dims ? { model: index.activeModel, dims: index.dims } : null;
  let query: Int8Array | null = null;
  if (plan.vector) {
    const q = queryVector(plan.vector.values, plan.vector.model, library);
    if (!(q instanceof Int8Array)) return { ok: false, ...q };
    if (!library) return { ok: true, hits: [], nextCursor: null };
    query = q;
  } else if (plan.similarTo) {
    if (!index.has(plan.similarTo)) return { ok: false, code: 'not_found', message: 'No such photo.' };
    query = index.vectorOf(plan.similarTo);
    if (!query) return { ok: false, code: 'conflict', message: 'This photo has not been analysed with the library’s embedding model yet.' };
  }
  // Every face of the library is on a photo the index holds: a person it has not seen does not exist here.
  if (plan.filters.person && !index.knowsPerson(plan.filters.person)) return { ok: false, code: 'not_found', message: 'No such person.' };
  const cursor = plan.cursor ? decodeCursor(plan.cursor, query !== null) : null;
  if (plan.cursor && !cursor) return { ok: false, code: 'invalid_request', message: 'The cursor is not one this search returned.' };
  const { hits, next } = index.search({ query, exclude: plan.similarTo, filters: plan.filters, limit: plan.limit, cursor });
  return { ok: true, hits, nextCursor: next ? encodeCursor(next) : null };
}
