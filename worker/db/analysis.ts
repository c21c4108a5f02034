// SQL for analysis leases and results (the lifecycle and its limits: analysis/lease.ts). A claim is one
// UPDATE … RETURNING, so concurrent tabs can never lease the same photo: SQLite serialises the writes and
// each re-checks that the job is still free.
import type { AnalysisSubmission, DeviceInfo } from '../contract/analysis';
import { eventRows, photoEventStatement, stageEventStatement, type EventRow } from './events';

/** Statements that open the analysis stage once a photo has display variants (idempotent). */
export function openAnalysisStatements(db: D1Database, libraryId: string, photoId: string, now: number) {
  // A video's variants are its poster's (PUT /api/photos/:id/poster): analysis runs on them like a photo's.
  // A video without a poster opens too: the tab that leases it makes the poster first (AnalysisJob.makePoster).
  const ready = `EXISTS (SELECT 1 FROM photos WHERE id = ?1 AND (variants IS NOT NULL OR (kind = 'video' AND poster IS NULL)))`;
  return [
    db.prepare(`INSERT INTO photo_stages (photo_id, stage, status, updated_at) SELECT ?1, 'analysis', 'pending', ?2 WHERE ${ready} ON CONFLICT DO NOTHING`).bind(photoId, now),
    db.prepare(`INSERT INTO photo_analysis (photo_id, library_id, updated_at) SELECT ?1, ?2, ?3 WHERE ${ready} ON CONFLICT DO NOTHING`).bind(photoId, libraryId, now),
  ];
}


export interface Claim {
  max: number;
  device: DeviceInfo;
  lease: string;
  expiresAt: number;
  /** Who claims (analysis/clients.ts), and how many unexpired leases one client may hold. */
  client: string;
  perClient: number;
  /** Jobs leased this many times already are left for the sweep to fail. */
  maxAttempts: number;
}

/** Leases up to `max` jobs; each comes with its photo's variant sizes (null if the photo just went). */
export async function claimJobs(db: D1Database, libraryId: string, c: Claim, now: number) {
  const results = await db.batch([
    db
      .prepare(
        // The LIMIT leaves the client its remaining allowance, counted in the same statement so two
        // concurrent claims of one client cannot both take a full share. Never-analysed photos come
        // first; re-analysis after a model change (an old embedding still there) is backfill.
        `UPDATE photo_analysis SET lease = ?3, lease_expires_at = ?4, device = ?5, updated_at = ?6, lease_client = ?8, leased_at = ?6
          WHERE photo_id IN (
            SELECT a.photo_id FROM photo_analysis a JOIN photo_stages s ON s.photo_id = a.photo_id AND s.stage = 'analysis'
             WHERE a.library_id = ?1 AND s.attempts < ?7
               AND (s.status = 'pending' OR (s.status = 'running' AND a.lease_expires_at < ?6))
             ORDER BY a.embedding_model IS NOT NULL, a.photo_id DESC
             LIMIT MAX(0, MIN(?2, ?9 - (SELECT COUNT(*) FROM photo_analysis h JOIN photo_stages hs ON hs.photo_id = h.photo_id AND hs.stage = 'analysis'
                                         WHERE h.library_id = ?1 AND h.lease_client = ?8 AND h.lease IS NOT NULL
                                           AND h.lease_expires_at >= ?6 AND hs.status = 'running'))))
          RETURNING photo_id, (SELECT variants FROM photos WHERE id = photo_analysis.photo_id) AS variants,
                    (SELECT kind FROM photos WHERE id = photo_analysis.photo_id) AS kind`,
      )
      .bind(libraryId, c.max, c.lease, c.expiresAt, JSON.stringify(c.device), now, c.maxAttempts, c.client, c.perClient),
    db
      .prepare(
        `UPDATE photo_stages SET status = 'running', attempts = attempts + 1, started_at = ?2, error = NULL, updated_at = ?2
          WHERE stage = 'analysis' AND photo_id IN (SELECT photo_id FROM photo_analysis WHERE lease = ?1)`,
      )
      .bind(c.lease, now),
  ]);
  return (results[0].results as Array<{ photo_id: string; variants: string | null; kind: string | null }>).map((r) => ({
    photoId: r.photo_id,
    kind: r.kind,
    variants: r.variants === null ? null : (JSON.parse(r.variants) as Record<string, { width: number; height: number }>),
  }));
}

/** Extends a held lease to `expiresAt`, but never past `lifetimeMs` after its claim; answers the new expiry. */
export async function extendLease(db: D1Database, libraryId: string, photoId: string, lease: string, expiresAt: number, lifetimeMs: number, now: number) {
  const row = await db
    .prepare(
      `UPDATE photo_analysis SET lease_expires_at = MIN(?4, COALESCE(leased_at, ?5) + ?6)
        WHERE photo_id = ?1 AND library_id = ?2 AND lease = ?3 AND lease_expires_at >= ?5 AND COALESCE(leased_at, ?5) + ?6 > ?5
         AND EXISTS (SELECT 1 FROM photo_stages WHERE photo_id = ?1 AND stage = 'analysis' AND status = 'running')
        RETURNING lease_expires_at`,
    )
    .bind(photoId, libraryId, lease, expiresAt, now, lifetimeMs)
    .first<{ lease_expires_at: number }>();
  return row?.lease_expires_at ?? null;
}

/** An int8 vector and its scale: a quarter of float32, about 1% error on cosine similarity. */
export function quantize(values: number[]): { bytes: Uint8Array; scale: number } {
  const max = Math.max(...values.map(Math.abs)) || 1;
  const scale = max / 127;
  const bytes = new Uint8Array(new Int8Array(values.map((v) => Math.round(v / scale))).buffer);
  return { bytes, scale };
}

/** Reopens the analysis stage of photos whose embedding is of another model; answers how many. */
export async function reopenOtherModels(db: D1Database, libraryId: string, model: string, now: number): Promise<number> {
  const res = await db
    .prepare(
      `UPDATE photo_stages SET status = 'pending', attempts = 0, error = NULL, updated_at = ?3
        WHERE stage = 'analysis' AND status IN ('completed', 'failed', 'running')
          AND photo_id IN (SELECT photo_id FROM photo_analysis WHERE library_id = ?1 AND embedding_model IS NOT NULL AND embedding_model <> ?2)
        RETURNING 1`,
    )
    .bind(libraryId, model, now)
    .run();
  // Rows, not meta.changes: D1 counts the stage_counts trigger's writes there too.
  return res.results.length;
}

// Two ranges of the (library_id, embedding_model) index, either side of the library's model: `<>` is not
// a range, and SQLite read every analysed photo of the library for it (migration 0022).
const OTHER_MODELS = (op: '<' | '>') =>
  `(SELECT COUNT(*) FROM photo_analysis WHERE library_id = ?1 AND embedding_model IS NOT NULL AND embedding_model ${op} ?2)`;
export const countOtherModelsStatement = (db: D1Database, libraryId: string, model: string) =>
  db.prepare(`SELECT ${OTHER_MODELS('<')} + ${OTHER_MODELS('>')} AS n`).bind(libraryId, model);

export async function countOtherModels(db: D1Database, libraryId: string, model: string): Promise<number> {
  const row = await countOtherModelsStatement(db, libraryId, model).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Stores results if the lease is still this caller's; returns null when it is not. */
export async function completeAnalysis(
  db: D1Database, libraryId: string, photoId: string, s: AnalysisSubmission, embeddingModel: string, now: number,
): Promise<EventRow[] | null> {
  const embedding = quantize(s.embedding.values);
  const faceVectors = (s.faces ?? []).map((f) => (f.embedding ? quantize(f.embedding) : null));
  const faceBytes = new Uint8Array(faceVectors.reduce((n, v) => n + (v?.bytes.length ?? 0), 0));
  faceVectors.reduce((at, v) => (v ? (faceBytes.set(v.bytes, at), at + v.bytes.length) : at), 0);
  const faces = (s.faces ?? []).map(({ embedding: e, ...f }) => ({ ...f, ...(e && { embedding: { dims: e.length } }) }));
  const totalMs = s.timings?.totalMs ?? null;

  // Results and stage first, both guarded by the lease (which stays held), then events and the lease
  // release: a stale or foreign lease changes nothing and writes no event.
  const held = `EXISTS (SELECT 1 FROM photo_analysis WHERE photo_id = ?1 AND library_id = ?2 AND lease = ?3 AND lease_expires_at >= ?4)`;
  const [results] = await db.batch([
    db
      .prepare(
        `UPDATE photo_analysis SET device = ?5, models = ?6, caption = ?7, tags = ?8, faces = ?9, face_embeddings = ?10,
                face_embedding_scales = ?11, embedding = ?12, embedding_scale = ?13, embedding_model = ?14, embedding_dims = ?15,
                timings = ?16, detailed_description = ?17, ocr_text = ?18, updated_at = ?4
          WHERE photo_id = ?1 AND library_id = ?2 AND lease = ?3 AND lease_expires_at >= ?4`,
      )
      .bind(photoId, libraryId, s.lease, now, JSON.stringify(s.device), JSON.stringify(s.models), s.caption ?? null,
        JSON.stringify(s.tags ?? []), JSON.stringify(faces), faceBytes.length ? faceBytes : null,
        JSON.stringify(faceVectors.map((v) => v?.scale ?? null)), embedding.bytes, embedding.scale, embeddingModel,
        s.embedding.dims, JSON.stringify(s.timings ?? {}), s.detailedDescription ?? null, s.ocrText ?? null),
    db
      .prepare(
        `UPDATE photo_stages SET status = 'completed', ms = ?5, error = NULL, finished_at = ?4, updated_at = ?4
          WHERE photo_id = ?1 AND stage = 'analysis' AND ${held}`,
      )
      .bind(photoId, libraryId, s.lease, now, totalMs === null ? null : Math.round(totalMs)),
  ]);
  if (results.meta.changes !== 1) return null;
  return releaseWithEvents(db, libraryId, photoId, now, true);
}

async function releaseWithEvents(db: D1Database, libraryId: string, photoId: string, now: number, completed: boolean) {
  return eventRows(await db.batch([
    db.prepare(`UPDATE photo_analysis SET lease = NULL, lease_expires_at = NULL, lease_client = NULL, leased_at = NULL WHERE photo_id = ?1`).bind(photoId),
    stageEventStatement(db, libraryId, photoId, 'analysis', now),
    ...(completed ? [photoEventStatement(db, libraryId, 'analysis.completed', photoId, now)] : []),
  ]));
}

/** The analysing tab reports a failure (the image would not decode, a model threw). */
export async function failAnalysis(db: D1Database, libraryId: string, photoId: string, lease: string, error: string, now: number) {
  const res = await db
    .prepare(
      `UPDATE photo_stages SET status = 'failed', error = ?5, finished_at = ?4, updated_at = ?4
        WHERE photo_id = ?1 AND stage = 'analysis' AND status = 'running'
          AND EXISTS (SELECT 1 FROM photo_analysis WHERE photo_id = ?1 AND library_id = ?2 AND lease = ?3 AND lease_expires_at >= ?4)
        RETURNING 1`,
    )
    .bind(photoId, libraryId, lease, now, error)
    .run();
  if (res.results.length !== 1) return null;
  return releaseWithEvents(db, libraryId, photoId, now, false);
}

/** Jobs whose leases kept expiring (a tab crashing on them, say): fail them with the reason. */
export async function failAbandonedAnalyses(db: D1Database, reason: string, maxAttempts: number, now: number) {
  await db
    .prepare(
      `UPDATE photo_stages SET status = 'failed', error = ?2, finished_at = ?1, updated_at = ?1
        WHERE stage = 'analysis' AND status = 'running' AND attempts >= ?3
          AND photo_id IN (SELECT photo_id FROM photo_analysis WHERE lease_expires_at < ?1)`,
    )
    .bind(now, reason, maxAttempts)
    .run();
}

export async function retryAnalysis(db: D1Database, libraryId: string, photoId: string, now: number) {
  return eventRows(await db.batch([
    db.prepare(`UPDATE photo_stages SET status = 'pending', attempts = 0, error = NULL, updated_at = ?2 WHERE photo_id = ?1 AND stage = 'analysis'`).bind(photoId, now),
    stageEventStatement(db, libraryId, photoId, 'analysis', now),
  ]));
}

/** `photo.stage` events for the analysis stage of these photos, as they are now. */
export async function stageEvents(db: D1Database, libraryId: string, photoIds: string[], now: number) {
  return eventRows(await db.batch(photoIds.map((id) => stageEventStatement(db, libraryId, id, 'analysis', now))));
}
