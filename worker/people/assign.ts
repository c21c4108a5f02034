// Incremental assignment, in the request that posts analysis results: the photo's faces get stable ids, and
// each new face with an embedding joins the nearest person of its model at or above the model's threshold,
// or waits until it and two more waiting faces agree (then they found a person). Returns the feed events.
// Round trips are the cost here, so there are two: read (stored faces + centroids), then write (faces,
// people, events); the waiting faces are read in between only when a face has no person near it.
import type { AnalysisSubmission } from '../contract/analysis';
import { eventRows, photoEventStatement, type EventRow } from '../db/events';
import type { Bindings } from '../env';
import { Clusterer, centroid } from './cluster';
import { newFaceId, newPersonId } from './ids';
import {
  centroidStatement, centroidsStatement, dropEmptyStatement, markDirtyStatement, peopleChangedStatement, refreshCentroids, returnedIds,
  toCentroids,
} from './store';
import { faceModel } from './thresholds';
import { dequantize, floatBytes, quantize, unit } from './vectors';

/** Waiting faces compared per new face: the newest ones; the periodic re-clustering sees them all. */
export const POOL_LIMIT = 2000;

type Box = [number, number, number, number];

export async function assignFaces(
  env: Bindings, libraryId: string, photoId: string, submission: Pick<AnalysisSubmission, 'faces' | 'models'>, now = Date.now(),
): Promise<EventRow[]> {
  const db = env.DB;
  const posted = (submission.faces ?? []).map((f, idx) => {
    const vec = f.embedding?.length ? unit(f.embedding) : null;
    return { idx, f, vec, model: vec ? faceModel(submission.models, vec.length) : null };
  });
  const keys = [...new Set(posted.flatMap((x) => (x.model ? [x.model.key] : [])))];
  const [stored, ...centroidResults] = await db.batch([
    db.prepare(`SELECT id, box, person_id FROM faces WHERE library_id = ?1 AND photo_id = ?2`).bind(libraryId, photoId),
    ...keys.map((key) => centroidsStatement(db, libraryId, key)),
  ]);
  const before = stored.results as Array<{ id: string; box: string; person_id: string | null }>;
  if (!posted.length && !before.length) return [];

  // Stable ids: a re-analysed face that overlaps a stored one keeps its id, person and decisions.
  const kept = matchByOverlap(posted.map((x) => x.f.box), before.map((f) => JSON.parse(f.box) as Box));
  const faces = posted.map((x) => {
    const old = kept[x.idx] === undefined ? null : before[kept[x.idx]!];
    return { ...x, id: old?.id ?? newFaceId(), old };
  });
  const gone = before.filter((_, i) => !kept.includes(i));

  const personOf = new Map<string, string>(faces.flatMap((x) => (x.old?.person_id ? [[x.id, x.old.person_id] as const] : [])));
  const changed = new Set<string>();
  const created: Array<{ id: string; model: string; sum: Float32Array }> = [];
  const centroidWrites: Array<{ id: string; statement: D1PreparedStatement }> = [];
  const poolPhotos = new Map<string, string>();
  for (const [i, key] of keys.entries()) {
    const group = faces.filter((x) => x.model?.key === key && !x.old);
    if (!group.length) continue;
    const clusterer = new Clusterer(group[0].model!.threshold, newPersonId);
    const versions = new Map<string, number>();
    for (const c of toCentroids(centroidResults[i])) {
      clusterer.people.set(c.id, centroid(c.id, c.sum, 0));
      versions.set(c.id, c.version);
    }
    let poolLoaded = false;
    for (const x of group) {
      if (!poolLoaded && !clusterer.nearest(x.vec!)) {
        poolLoaded = true;
        for (const p of await waitingFaces(db, libraryId, key, photoId)) {
          clusterer.pool.set(p.id, dequantize(p.embedding, p.scale));
          poolPhotos.set(p.id, p.photo_id);
        }
      }
      const out = clusterer.add(x.id, x.vec!);
      if (out.personId) {
        personOf.set(x.id, out.personId);
        changed.add(out.personId);
      }
      for (const j of out.joined) personOf.set(j.faceId, j.personId);
    }
    for (const id of changed) {
      const c = clusterer.people.get(id);
      if (!c) continue;
      if (versions.has(id)) centroidWrites.push({ id, statement: centroidStatement(db, libraryId, id, c.sum, now, versions.get(id)) });
      else created.push({ id, model: key, sum: c.sum });
    }
  }

  const goneFrom = [...new Set(gone.flatMap((g) => (g.person_id ? [g.person_id] : [])))];
  const joinedPool = [...personOf].filter(([faceId]) => poolPhotos.has(faceId));
  const photoIds = [photoId, ...joinedPool.map(([faceId]) => poolPhotos.get(faceId)!)];
  const statements: D1PreparedStatement[] = [
    // Free the idx slots first: kept faces may change position.
    db.prepare(`UPDATE faces SET idx = -1 - idx WHERE library_id = ?1 AND photo_id = ?2`).bind(libraryId, photoId),
    db.prepare(`DELETE FROM faces WHERE library_id = ?1 AND id IN (SELECT value FROM json_each(?2))`).bind(libraryId, JSON.stringify(gone.map((g) => g.id))),
    ...created.map((p) =>
      db.prepare(`INSERT INTO people (id, library_id, model, centroid, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)`)
        .bind(p.id, libraryId, p.model, floatBytes(p.sum), now)),
    ...faces.map((x) => {
      const q = x.vec ? quantize(x.vec) : null;
      return db
        .prepare(
          `INSERT INTO faces (id, library_id, photo_id, idx, box, score, model, embedding, scale, person_id, created_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
           ON CONFLICT (id) DO UPDATE SET idx = excluded.idx, box = excluded.box, score = excluded.score, model = excluded.model,
             embedding = excluded.embedding, scale = excluded.scale`,
        )
        .bind(x.id, libraryId, photoId, x.idx, JSON.stringify(x.f.box), x.f.score, x.model?.key ?? null, q?.bytes ?? null, q?.scale ?? null,
          personOf.get(x.id) ?? null, now);
    }),
    ...joinedPool.map(([faceId, personId]) =>
      db.prepare(`UPDATE faces SET person_id = ?3 WHERE library_id = ?1 AND id = ?2 AND person_id IS NULL`).bind(libraryId, faceId, personId)),
    ...keys.map((key) => markDirtyStatement(db, libraryId, key, now)),
    ...centroidWrites.map((w) => w.statement),
    dropEmptyStatement(db, libraryId, goneFrom),
    photoEventStatement(db, libraryId, 'photo.updated', photoId, now),
    // With no person losing a face, nothing can disappear: the event goes in the same transaction.
    ...(changed.size && !goneFrom.length ? [peopleChangedStatement(db, libraryId, { people: [...changed], removed: [], photoIds }, now)] : []),
  ];
  const results = await db.batch(statements);
  const firstCentroid = statements.length - centroidWrites.length - (changed.size && !goneFrom.length ? 3 : 2);
  const removed = returnedIds(results[firstCentroid + centroidWrites.length]);
  const events = eventRows(results.slice(firstCentroid + centroidWrites.length + 1));

  // A concurrent request moved a centroid under us, or a re-analysis took faces away: recompute from faces.
  const lost = centroidWrites.filter((_, i) => results[firstCentroid + i].meta.changes === 0).map((w) => w.id);
  const left = goneFrom.filter((p) => !removed.includes(p));
  if (lost.length || left.length) await refreshCentroids(db, libraryId, [...lost, ...left], now);
  if (!goneFrom.length) return events;
  const change = { people: [...changed, ...left], removed, photoIds };
  return [...events, ...eventRows(await db.batch([peopleChangedStatement(db, libraryId, change, now)]))];
}

function waitingFaces(db: D1Database, libraryId: string, model: string, photoId: string) {
  return db
    .prepare(
      `SELECT id, photo_id, embedding, scale FROM faces WHERE library_id = ?1 AND model = ?2 AND person_id IS NULL AND embedding IS NOT NULL
         AND photo_id != ?3 ORDER BY created_at DESC LIMIT ${POOL_LIMIT}`,
    )
    .bind(libraryId, model, photoId)
    .all<{ id: string; photo_id: string; embedding: ArrayBuffer; scale: number }>()
    .then((r) => r.results);
}

/** For each new box, the index of the stored box it overlaps best (IoU ≥ 0.5), each stored box used once. */
export function matchByOverlap(next: Box[], prev: Box[]): Array<number | undefined> {
  const pairs = next.flatMap((a, i) => prev.map((b, j) => ({ i, j, iou: iou(a, b) }))).filter((p) => p.iou >= 0.5).sort((x, y) => y.iou - x.iou);
  const out: Array<number | undefined> = new Array(next.length).fill(undefined);
  const used = new Set<number>();
  for (const p of pairs) {
    if (out[p.i] !== undefined || used.has(p.j)) continue;
    out[p.i] = p.j;
    used.add(p.j);
  }
  return out;
}

function iou([ax, ay, aw, ah]: Box, [bx, by, bw, bh]: Box) {
  const w = Math.max(0, Math.min(ax + aw, bx + bw) - Math.max(ax, bx));
  const h = Math.max(0, Math.min(ay + ah, by + bh) - Math.max(ay, by));
  const inter = w * h;
  return inter / (aw * ah + bw * bh - inter || 1);
}
