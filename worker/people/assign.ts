// Incremental assignment, in the request that posts analysis results: the photo's faces get stable ids, and
// each new face with an embedding joins the nearest person of its model at or above the model's threshold,
// or waits until it and two more waiting faces agree (then they found a person). Returns the feed events.
import type { AnalysisSubmission } from '../contract/analysis';
import { eventRows, photoEventStatement, type EventRow } from '../db/events';
import type { Bindings } from '../env';
import { Clusterer, centroid } from './cluster';
import { newFaceId, newPersonId } from './ids';
import {
  centroidStatement, dropEmptyStatement, loadCentroids, markDirtyStatement, peopleChangedStatement, refreshCentroids,
} from './store';
import { faceModel } from './thresholds';
import { dequantize, floatBytes, quantize, unit } from './vectors';

/** Waiting faces compared per new face: the newest ones; the periodic re-clustering sees them all. */
export const POOL_LIMIT = 2000;

type Box = [number, number, number, number];

interface ExistingFace {
  id: string;
  box: string;
  person_id: string | null;
}

export async function assignFaces(
  env: Bindings, libraryId: string, photoId: string, submission: Pick<AnalysisSubmission, 'faces' | 'models'>, now = Date.now(),
): Promise<EventRow[]> {
  const db = env.DB;
  const posted = submission.faces ?? [];
  const { results: before } = await db
    .prepare(`SELECT id, box, person_id FROM faces WHERE library_id = ?1 AND photo_id = ?2`)
    .bind(libraryId, photoId)
    .all<ExistingFace>();
  if (!posted.length && !before.length) return [];

  // Stable ids: a re-analysed face that overlaps a stored one keeps its id, person and decisions.
  const kept = matchByOverlap(posted.map((f) => f.box), before.map((f) => JSON.parse(f.box) as Box));
  const faces = posted.map((f, idx) => {
    const old = kept[idx] === undefined ? null : before[kept[idx]];
    const vec = f.embedding?.length ? unit(f.embedding) : null;
    return { idx, f, vec, model: vec ? faceModel(submission.models, vec.length) : null, id: old?.id ?? newFaceId(), old };
  });
  const gone = before.filter((_, i) => !kept.includes(i));

  // New faces with embeddings meet the people and the waiting faces of their model.
  const personOf = new Map<string, string>(faces.flatMap((x) => (x.old?.person_id ? [[x.id, x.old.person_id] as const] : [])));
  const changedPeople = new Set<string>();
  const createdPeople: Array<{ id: string; model: string }> = [];
  const poolPhotos = new Map<string, string>();
  const createdSums = new Map<string, Float32Array>();
  const centroidWrites: Array<{ id: string; statement: D1PreparedStatement }> = [];
  for (const [key, group] of Map.groupBy(faces.filter((x) => x.vec && !x.old), (x) => x.model!.key)) {
    const { threshold } = group[0].model!;
    const clusterer = new Clusterer(threshold, newPersonId);
    const versions = new Map<string, number>();
    for (const c of await loadCentroids(db, libraryId, key)) {
      clusterer.people.set(c.id, centroid(c.id, c.sum, 0));
      versions.set(c.id, c.version);
    }
    const { results: pool } = await db
      .prepare(
        `SELECT id, photo_id, embedding, scale FROM faces WHERE library_id = ?1 AND model = ?2 AND person_id IS NULL AND embedding IS NOT NULL
           AND photo_id != ?3 ORDER BY created_at DESC LIMIT ${POOL_LIMIT}`,
      )
      .bind(libraryId, key, photoId)
      .all<{ id: string; photo_id: string; embedding: ArrayBuffer; scale: number }>();
    for (const p of pool) {
      clusterer.pool.set(p.id, dequantize(p.embedding, p.scale));
      poolPhotos.set(p.id, p.photo_id);
    }
    for (const x of group) {
      const out = clusterer.add(x.id, x.vec!);
      if (out.created) createdPeople.push({ id: out.created, model: key });
      if (out.personId) personOf.set(x.id, out.personId);
      for (const j of out.joined) personOf.set(j.faceId, j.personId);
    }
    for (const id of new Set(group.map((x) => personOf.get(x.id)).filter((p): p is string => !!p))) changedPeople.add(id);
    for (const c of createdPeople) changedPeople.add(c.id);
    for (const [id, c] of clusterer.people) {
      if (!changedPeople.has(id)) continue;
      if (versions.has(id)) centroidWrites.push({ id, statement: centroidStatement(db, libraryId, id, c.sum, now, versions.get(id)) });
      else createdSums.set(id, c.sum);
    }
  }

  const goneFrom = [...new Set(gone.map((g) => g.person_id).filter((p): p is string => !!p))];
  const joinedPool = [...personOf].filter(([faceId]) => poolPhotos.has(faceId));
  const statements: D1PreparedStatement[] = [
    // Free the idx slots first: kept faces may change position.
    db.prepare(`UPDATE faces SET idx = -1 - idx WHERE library_id = ?1 AND photo_id = ?2`).bind(libraryId, photoId),
    db.prepare(`DELETE FROM faces WHERE library_id = ?1 AND id IN (SELECT value FROM json_each(?2))`).bind(libraryId, JSON.stringify(gone.map((g) => g.id))),
    ...createdPeople.map((p) =>
      db
        .prepare(`INSERT INTO people (id, library_id, model, centroid, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)`)
        .bind(p.id, libraryId, p.model, floatBytes(createdSums.get(p.id)!), now),
    ),
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
      db.prepare(`UPDATE faces SET person_id = ?3 WHERE library_id = ?1 AND id = ?2 AND person_id IS NULL`).bind(libraryId, faceId, personId),
    ),
    ...[...new Set(faces.filter((x) => x.model).map((x) => x.model!.key))].map((key) => markDirtyStatement(db, libraryId, key, now)),
  ];
  const firstCentroid = statements.length;
  statements.push(...centroidWrites.map((w) => w.statement), dropEmptyStatement(db, libraryId, goneFrom));
  const results = await db.batch(statements);
  const removed = (results[results.length - 1].results as Array<{ id: string }>).map((r) => r.id);

  // A concurrent request moved a centroid under us: recompute those people from their faces.
  const lost = centroidWrites.filter((_, i) => results[firstCentroid + i].meta.changes === 0).map((w) => w.id);
  await refreshCentroids(db, libraryId, [...lost, ...goneFrom.filter((p) => !removed.includes(p))], now);

  const events: D1PreparedStatement[] = [photoEventStatement(db, libraryId, 'photo.updated', photoId, now)];
  if (changedPeople.size || removed.length || goneFrom.length) {
    const photoIds = [photoId, ...joinedPool.map(([faceId]) => poolPhotos.get(faceId)!)];
    events.push(peopleChangedStatement(db, libraryId, { people: [...changedPeople, ...goneFrom.filter((p) => !removed.includes(p))], removed, photoIds }, now));
  }
  return eventRows(await db.batch(events));
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
