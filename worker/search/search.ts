// POST /api/search and the near-duplicates page, behind the route: the library's index ranks and filters
// in memory and returns ids; D1 is read for those photos only. Both report D1 rows read (the billed unit).
import type { NearDuplicatesQuery, NearDuplicatesResponse, SearchRequest, SearchResponse } from '../contract/search';
import type { Bindings } from '../env';
import { AppError } from '../errors';
import { PHOTO_ID_PATTERN } from '../contract/photo';
import { present } from '../media/present';
import { toFilters } from './filters';
import { photosById } from './photos-by-id';
import { modelKey } from './query-vector';
import type { SearchPlan } from './search-answer';
import type { IndexCost } from './search-index';

export interface Costed<T> {
  body: T;
  cost: IndexCost & { photosRowsRead: number; photosMs: number };
}

export const indexOf = (env: Bindings, libraryId: string) => env.SEARCH_INDEX.getByName(libraryId);

export async function search(env: Bindings, libraryId: string, req: SearchRequest): Promise<Costed<SearchResponse>> {
  if (req.vector && req.similarTo) throw new AppError('invalid_request', 'Send either vector or similarTo, not both.');
  if (req.from && req.to && req.from > req.to) throw new AppError('invalid_request', '"from" is after "to".');
  if (req.similarTo !== undefined && !PHOTO_ID_PATTERN.test(req.similarTo)) throw new AppError('not_found', 'No such photo.');
  const index = indexOf(env, libraryId);
  const plan: SearchPlan = {
    ...(req.vector && { vector: { model: modelKey(req.vector.model), values: req.vector.values } }),
    ...(req.similarTo && { similarTo: req.similarTo }),
    filters: toFilters(req),
    limit: req.limit,
    ...(req.cursor && { cursor: req.cursor }),
  };
  // Optimistic: the index answers from memory and the photos are read with the log's latest seq. Only
  // when something was written since the index last caught up (or it refused: a photo or person it has
  // not seen yet) does it catch up and answer again — so a search still sees every committed write.
  const started = performance.now();
  let answer = await index.search(libraryId, plan, { sync: false });
  let page = answer.ok ? await photosById(env.DB, libraryId, answer.hits.map((h) => h.id)) : null;
  let rowsRead = page?.rowsRead ?? 0;
  if (!answer.ok || !page || page.seq !== answer.seq) {
    answer = await index.search(libraryId, plan);
    if (!answer.ok) throw new AppError(answer.code, answer.message);
    page = await photosById(env.DB, libraryId, answer.hits.map((h) => h.id));
    rowsRead += page.rowsRead;
  }
  const { photos } = page;
  // A photo deleted between the index's answer and this read is simply left out.
  const results = await Promise.all(
    answer.hits.filter((h) => photos.has(h.id)).map(async (h) => ({ photo: await present(env, libraryId, photos.get(h.id)!), score: h.score })),
  );
  const photosMs = performance.now() - started - answer.cost.syncMs - answer.cost.searchMs;
  return { body: { results, nextCursor: answer.nextCursor }, cost: { ...answer.cost, photosRowsRead: rowsRead, photosMs } };
}

export async function nearDuplicates(env: Bindings, libraryId: string, q: NearDuplicatesQuery): Promise<Costed<NearDuplicatesResponse>> {
  const { groups: all, cost } = await indexOf(env, libraryId).nearDuplicates(libraryId, q.threshold);
  const from = q.cursor ? all.findIndex((g) => g.ids[0] < q.cursor!) : 0;
  const page = from < 0 ? [] : all.slice(from, from + q.limit);
  const started = performance.now();
  const { photos, rowsRead } = await photosById(env.DB, libraryId, page.flatMap((g) => g.ids));
  const groups = await Promise.all(
    page.map(async (g) => ({
      photos: await Promise.all(g.ids.filter((id) => photos.has(id)).map((id) => present(env, libraryId, photos.get(id)!))),
      similarity: g.similarity,
    })),
  );
  const more = from >= 0 && from + q.limit < all.length;
  return {
    body: { threshold: q.threshold, groups: groups.filter((g) => g.photos.length > 1), nextCursor: more ? page[page.length - 1].ids[0] : null },
    cost: { ...cost, photosRowsRead: rowsRead, photosMs: performance.now() - started },
  };
}

/** Server-Timing and the D1 rows a search read: for benchmarks and for anyone watching the bill. */
export function costHeaders(cost: Costed<unknown>['cost']): Record<string, string> {
  return {
    'Server-Timing': `index-sync;dur=${cost.syncMs.toFixed(2)}, index;dur=${cost.searchMs.toFixed(2)}, photos;dur=${cost.photosMs.toFixed(2)}`,
    'X-D1-Rows-Read': String(cost.rowsRead + cost.photosRowsRead),
  };
}
