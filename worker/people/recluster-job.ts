// The periodic full re-clustering, run from the cron sweep. Bounded per run: a few (library, model) pairs
// that changed since their last run, the O(n²) density pass capped (recluster.ts), the rest next time.
// Writes are guarded so a decision made while the plan was computed wins over the plan.
import { eventRows, type EventRow } from '../db/events';
import type { Bindings } from '../env';
import { publish } from '../feed/publish';
import { newPersonId } from './ids';
import { recluster, type ClusterFace } from './recluster';
import { centroidStatement, dropEmptyStatement, peopleChangedStatement, returnedIds } from './store';
import { thresholdFor } from './thresholds';
import { dequantize, floatBytes } from './vectors';

/** Pairs re-clustered per sweep, and the most faces one pair loads. */
export const PAIRS_PER_RUN = 2;
export const MAX_FACES = 60_000;
const CHUNK = 50; // statements per D1 batch

export async function reclusterDue(env: Bindings, now = Date.now()): Promise<number> {
  const { results: due } = await env.DB
    .prepare(
      `SELECT library_id, model FROM people_clustering WHERE dirty_at IS NOT NULL AND (clustered_at IS NULL OR dirty_at >= clustered_at)
        ORDER BY COALESCE(clustered_at, 0) LIMIT ${PAIRS_PER_RUN}`,
    )
    .all<{ library_id: string; model: string }>();
  for (const { library_id, model } of due) {
    // Best effort per pair: one library's failure must not stop the sweep; its flag stays, so it is retried.
    try {
      await publish(env, library_id, await reclusterLibrary(env.DB, library_id, model, now));
    } catch (err) {
      console.error('re-clustering failed; retried next sweep', library_id, model, err);
    }
  }
  return due.length;
}

export async function reclusterLibrary(db: D1Database, libraryId: string, model: string, now: number): Promise<EventRow[]> {
  const [faces, rejections, people] = await db.batch([
    db.prepare(`SELECT id, photo_id, person_id, embedding, scale FROM faces WHERE library_id = ?1 AND model = ?2 AND embedding IS NOT NULL LIMIT ${MAX_FACES}`).bind(libraryId, model),
    db.prepare(`SELECT face_id, person_id FROM face_rejections WHERE library_id = ?1`).bind(libraryId),
    // Locked: a person's decision is on it (a name, hidden, merged into, or a face placed by hand).
    db.prepare(
      `SELECT p.id, (p.name IS NOT NULL OR p.hidden = 1 OR EXISTS (SELECT 1 FROM person_merges m WHERE m.into_id = p.id)
                     OR EXISTS (SELECT 1 FROM faces f WHERE f.person_id = p.id AND f.pinned = 1)) AS locked
         FROM people p WHERE p.library_id = ?1 AND p.model = ?2`,
    ).bind(libraryId, model),
  ]);
  const rejects = new Map<string, Set<string>>();
  for (const r of rejections.results as Array<{ face_id: string; person_id: string }>) rejects.set(r.face_id, (rejects.get(r.face_id) ?? new Set()).add(r.person_id));
  const rows = faces.results as Array<{ id: string; photo_id: string; person_id: string | null; embedding: ArrayBuffer; scale: number }>;
  const input: ClusterFace[] = rows.map((r) => ({ id: r.id, vec: dequantize(r.embedding, r.scale), personId: r.person_id, rejects: rejects.get(r.id) }));
  const plan = recluster(input, (people.results as Array<{ id: string; locked: number }>).map((p) => ({ id: p.id, locked: p.locked === 1 })), {
    threshold: thresholdFor(model), newId: newPersonId,
  });

  const before = new Map(rows.map((r) => [r.id, r]));
  const folded = plan.folded.map((f) => f.from);
  const statements: D1PreparedStatement[] = [
    ...plan.created.map((id) =>
      db.prepare(`INSERT INTO people (id, library_id, model, centroid, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)`)
        .bind(id, libraryId, model, floatBytes(plan.centroids.get(id)!.sum), now)),
    // Only if nothing changed meanwhile: still unpinned, still with the person the plan saw, and that
    // person still unlocked (a name given a second ago keeps its faces).
    ...[...plan.assign].map(([faceId, personId]) =>
      db.prepare(
        `UPDATE faces SET person_id = ?3 WHERE library_id = ?1 AND id = ?2 AND pinned = 0 AND person_id IS ?4
            AND (?4 IS NULL OR EXISTS (SELECT 1 FROM people WHERE id = ?4 AND name IS NULL AND hidden = 0))
            AND NOT EXISTS (SELECT 1 FROM face_rejections WHERE face_id = ?2 AND person_id = ?3)`,
      ).bind(libraryId, faceId, personId, before.get(faceId)!.person_id)),
    ...[...plan.centroids].filter(([id]) => !plan.created.includes(id)).map(([id, c]) => centroidStatement(db, libraryId, id, c.sum, now)),
  ];
  for (let i = 0; i < statements.length; i += CHUNK) await db.batch(statements.slice(i, i + CHUNK));
  // A person that lost its last face (or a new one that lost a race for all of its faces) disappears.
  const [dropped] = await db.batch([dropEmptyStatement(db, libraryId, [...folded, ...plan.created])]);
  const removed = returnedIds(dropped);
  const deferred = plan.deferred > 0;
  const [, ...events] = await db.batch([
    db.prepare(`UPDATE people_clustering SET clustered_at = ?3, dirty_at = CASE WHEN ?4 THEN ?3 ELSE dirty_at END WHERE library_id = ?1 AND model = ?2`)
      .bind(libraryId, model, now, deferred ? 1 : 0),
    ...(plan.assign.size || removed.length
      ? [peopleChangedStatement(db, libraryId, {
          people: [...new Set(plan.assign.values())].filter((id) => !removed.includes(id)),
          removed,
          photoIds: [...plan.assign.keys()].map((id) => before.get(id)!.photo_id),
        }, now)]
      : []),
  ]);
  return eventRows(events);
}
