// Raw SQL shared by the people modules: centroids, clean-up of people left without faces, the re-clustering
// flag, and the people.changed event. Every query is scoped by library.
import type { PeopleChanged } from '../contract/people';
import { eventStatement } from '../db/events';
import { bytesFloat, dequantize, floatBytes } from './vectors';

export interface CentroidRow {
  id: string;
  centroid: ArrayBuffer | number[] | null;
  version: number;
}

export function centroidsStatement(db: D1Database, libraryId: string, model: string) {
  return db.prepare(`SELECT id, centroid, version FROM people WHERE library_id = ?1 AND model = ?2 AND centroid IS NOT NULL`).bind(libraryId, model);
}

export const toCentroids = (result: D1Result) =>
  (result.results as CentroidRow[]).map((r) => ({ id: r.id, sum: bytesFloat(r.centroid!), version: r.version }));

/** Recomputes the centroids of these people from their faces (after moves, merges, deletions, or a lost race). */
export async function refreshCentroids(db: D1Database, libraryId: string, personIds: string[], now: number) {
  if (!personIds.length) return;
  const { results } = await db
    .prepare(`SELECT person_id, embedding, scale FROM faces WHERE library_id = ?1 AND person_id IN (SELECT value FROM json_each(?2)) AND embedding IS NOT NULL`)
    .bind(libraryId, JSON.stringify(personIds))
    .all<{ person_id: string; embedding: ArrayBuffer; scale: number }>();
  const sums = new Map<string, Float32Array>();
  for (const r of results) {
    const v = dequantize(r.embedding, r.scale);
    const sum = sums.get(r.person_id) ?? sums.set(r.person_id, new Float32Array(v.length)).get(r.person_id)!;
    for (let i = 0; i < v.length; i++) sum[i] += v[i];
  }
  const writes = [...sums].map(([id, sum]) => centroidStatement(db, libraryId, id, sum, now));
  if (writes.length) await db.batch(writes);
}

/** Unconditional centroid write; `version` lets a concurrent incremental update notice it lost. */
export function centroidStatement(db: D1Database, libraryId: string, personId: string, sum: Float32Array, now: number, expectVersion?: number) {
  return db
    .prepare(`UPDATE people SET centroid = ?3, version = version + 1, updated_at = ?4 WHERE library_id = ?1 AND id = ?2 AND (?5 IS NULL OR version = ?5)`)
    .bind(libraryId, personId, floatBytes(sum), now, expectVersion ?? null);
}

/** A person with no faces disappears. */
export function dropEmptyStatement(db: D1Database, libraryId: string, personIds: string[]) {
  return db
    .prepare(
      `DELETE FROM people WHERE library_id = ?1 AND id IN (SELECT value FROM json_each(?2))
          AND NOT EXISTS (SELECT 1 FROM faces WHERE faces.person_id = people.id) RETURNING id`,
    )
    .bind(libraryId, JSON.stringify(personIds));
}

/** Faces arrived or decisions changed: the next cron sweep re-clusters this library and model. */
export function markDirtyStatement(db: D1Database, libraryId: string, model: string, now: number) {
  return db
    .prepare(`INSERT INTO people_clustering (library_id, model, dirty_at) VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET dirty_at = excluded.dirty_at`)
    .bind(libraryId, model, now);
}

export function peopleChangedStatement(db: D1Database, libraryId: string, change: PeopleChanged, now: number) {
  const unique = (xs: string[]) => [...new Set(xs)];
  const payload: PeopleChanged = { people: unique(change.people), removed: unique(change.removed), photoIds: unique(change.photoIds) };
  return eventStatement(db, libraryId, 'people.changed', null, payload, now);
}

/** Ids returned by the `RETURNING id` statements of a batch. */
export const returnedIds = (result: D1Result) => (result.results as Array<{ id: string }>).map((r) => r.id);
