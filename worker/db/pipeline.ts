// SQL for the pipeline: a photo's state for one run, stage transitions, retries and sweeps.
import type { Exif, Photo, PhotoKind, StageName, StageStatus, VideoInfo } from '../contract/photo';
import { openAnalysisStatements } from './analysis';
import { eventRows, photoEventStatement, stageEventStatement, statsEventStatement } from './events';

/** What one pipeline run needs of a photo. */
export interface PipelinePhoto extends Pick<Photo, 'id' | 'mime' | 'kind' | 'bytes' | 'width' | 'height' | 'status'> {
  libraryId: string;
  stages: Partial<Record<StageName, { status: StageStatus; attempts: number }>>;
}

/** Pixel dimensions of a stored rendition. */
export interface Size {
  width: number;
  height: number;
}

/** Columns of the photo row a stage sets when it completes. */
export interface StageResult {
  exif?: Exif;
  placeholder?: string;
  thumbnails?: Record<string, Size>;
  variants?: Record<string, Size>;
  /** Displayed size, set only when the upload did not record one. */
  size?: Size;
  /** The video stage's reading of the container. */
  video?: VideoInfo;
}

export async function loadPipelinePhoto(db: D1Database, libraryId: string, id: string): Promise<PipelinePhoto | null> {
  const row = await db
    .prepare(
      `SELECT p.id, p.library_id, p.mime, p.kind, p.bytes, p.width, p.height, p.status,
              (SELECT json_group_object(s.stage, json_object('status', s.status, 'attempts', s.attempts))
                 FROM photo_stages s WHERE s.photo_id = p.id) AS stages
         FROM photos p WHERE p.library_id = ?1 AND p.id = ?2`,
    )
    .bind(libraryId, id)
    .first<Omit<PipelinePhoto, 'libraryId' | 'stages'> & { library_id: string; stages: string | null }>();
  if (!row) return null;
  const { library_id, stages, ...rest } = row;
  return { ...rest, libraryId: library_id, stages: JSON.parse(stages ?? '{}') };
}

/** The run's write was refused: its photo was deleted, cancelled or claimed by a newer run. */
export class LostClaim extends Error {}

/**
 * Claims the photo for one run: only a pending photo, or a processing one whose run has gone quiet
 * for `staleBefore` (its consumer died), can be claimed. Every later write of the run checks `token`.
 */
export async function claimRun(db: D1Database, libraryId: string, id: string, token: string, staleBefore: number, now: number) {
  const [claim, ...events] = await db.batch([
    db
      .prepare(
        `UPDATE photos SET status = 'processing', run_token = ?3, updated_at = ?4
          WHERE library_id = ?1 AND id = ?2 AND status IN ('pending', 'processing')
            AND (run_token IS NULL OR updated_at < ?5)`,
      )
      .bind(libraryId, id, token, now, staleBefore),
    statsEventStatement(db, libraryId, now),
  ]);
  return { claimed: claim.meta.changes === 1, events: eventRows(events) };
}

/** SQL condition: the run holding `?T` still owns photo `?1` (T is the parameter number). */
const OWNS = (t: number) => `EXISTS (SELECT 1 FROM photos WHERE id = ?1 AND run_token = ?${t})`;

function owned(result: D1Result) {
  if (result.meta.changes !== 1) throw new LostClaim('the photo was deleted, cancelled or taken over by another run');
}

/** Marks the stage running and counts the attempt. */
export async function startStage(db: D1Database, libraryId: string, id: string, stage: StageName, now: number, token: string) {
  const results = await db.batch([
    db
      .prepare(
        `UPDATE photo_stages SET status = 'running', attempts = attempts + 1, started_at = ?3, error = NULL, updated_at = ?3
          WHERE photo_id = ?1 AND stage = ?2 AND ${OWNS(4)} RETURNING attempts`,
      )
      .bind(id, stage, now, token),
    db.prepare(`UPDATE photos SET updated_at = ?2 WHERE id = ?1 AND run_token = ?3`).bind(id, now, token),
    stageEventStatement(db, libraryId, id, stage, now),
  ]);
  owned(results[1]);
  results[1] = results[0]; // keep the RETURNING row where the line below reads it
  return { attempt: (results[1].results[0] as { attempts: number } | undefined)?.attempts ?? 1, events: eventRows(results.slice(2)) };
}

export async function completeStage(db: D1Database, libraryId: string, id: string, stage: StageName, ms: number, result: StageResult, now: number, token: string) {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  const results = await db.batch([
    db
      .prepare(
        `UPDATE photo_stages SET status = 'completed', ms = ?3, error = NULL, finished_at = ?4, updated_at = ?4
          WHERE photo_id = ?1 AND stage = ?2 AND ${OWNS(5)}`,
      )
      .bind(id, stage, ms, now, token),
    db
      .prepare(
        `UPDATE photos SET exif = COALESCE(?2, exif), placeholder = COALESCE(?3, placeholder),
                thumbnails = COALESCE(?4, thumbnails), variants = COALESCE(?5, variants), updated_at = ?6,
                width = COALESCE(width, ?7), height = COALESCE(height, ?8), video = COALESCE(?10, video)
          WHERE id = ?1 AND run_token = ?9`,
      )
      .bind(id, json(result.exif), result.placeholder ?? null, json(result.thumbnails), json(result.variants), now,
        result.size?.width ?? null, result.size?.height ?? null, token, json(result.video)),
    stageEventStatement(db, libraryId, id, stage, now),
  ]);
  owned(results[1]);
  return eventRows(results);
}

/** A transient failure with attempts left: back to pending, keeping the reason for the dashboard. */
export async function stageWillRetry(db: D1Database, libraryId: string, id: string, stage: StageName, error: string, now: number, token: string) {
  const results = await db.batch([
    db
      .prepare(`UPDATE photo_stages SET status = 'pending', error = ?3, updated_at = ?4 WHERE photo_id = ?1 AND stage = ?2 AND ${OWNS(5)}`)
      .bind(id, stage, error, now, token),
    // The retried message claims the photo afresh.
    db.prepare(`UPDATE photos SET run_token = NULL, updated_at = ?2 WHERE id = ?1 AND run_token = ?3`).bind(id, now, token),
    stageEventStatement(db, libraryId, id, stage, now),
  ]);
  owned(results[1]);
  return eventRows(results);
}

export async function failStage(db: D1Database, libraryId: string, id: string, stage: StageName, error: string, now: number, token: string) {
  const results = await db.batch([
    db
      .prepare(`UPDATE photo_stages SET status = 'failed', error = ?3, finished_at = ?4, updated_at = ?4 WHERE photo_id = ?1 AND stage = ?2 AND ${OWNS(5)}`)
      .bind(id, stage, error, now, token),
    db.prepare(`UPDATE photos SET status = 'failed', error = ?2, run_token = NULL, updated_at = ?3 WHERE id = ?1 AND run_token = ?4`).bind(id, error, now, token),
    stageEventStatement(db, libraryId, id, stage, now),
    photoEventStatement(db, libraryId, 'photo.failed', id, now),
    statsEventStatement(db, libraryId, now),
  ]);
  owned(results[1]);
  return eventRows(results);
}

/** Fails the photo and whichever stage was not finished (dead-lettered message, crashed consumer). */
export async function failPhoto(db: D1Database, libraryId: string, id: string, error: string, now: number) {
  return eventRows(await db.batch([
    db
      .prepare(
        `UPDATE photo_stages SET status = 'failed', error = ?2, finished_at = ?3, updated_at = ?3
          WHERE photo_id = ?1 AND status IN ('pending', 'running')`,
      )
      .bind(id, error, now),
    db.prepare(`UPDATE photos SET status = 'failed', error = ?2, run_token = NULL, updated_at = ?3 WHERE id = ?1 AND status != 'completed'`).bind(id, error, now),
    photoEventStatement(db, libraryId, 'photo.failed', id, now),
    statsEventStatement(db, libraryId, now),
  ]));
}

export async function completePhoto(db: D1Database, libraryId: string, id: string, now: number, token: string) {
  const results = await db.batch([
    db.prepare(`UPDATE photos SET status = 'completed', error = NULL, run_token = NULL, updated_at = ?2 WHERE id = ?1 AND run_token = ?3`).bind(id, now, token),
    ...openAnalysisStatements(db, libraryId, id, now),
    photoEventStatement(db, libraryId, 'photo.completed', id, now),
    statsEventStatement(db, libraryId, now),
  ]);
  owned(results[0]);
  return eventRows(results);
}

/** `photo.updated` events (and fresh counts) after a retry, cancel or re-queue changed these photos. */
export async function photosUpdated(db: D1Database, libraryId: string, ids: string[], now: number) {
  if (!ids.length) return [];
  return eventRows(await db.batch([
    ...ids.map((id) => photoEventStatement(db, libraryId, 'photo.updated', id, now)),
    statsEventStatement(db, libraryId, now),
  ]));
}

/** Makes failed, skipped or unfinished stages pending again with fresh attempts; completed ones stay. */
export async function resetForRetry(db: D1Database, libraryId: string, ids: string[], now: number): Promise<string[]> {
  const [, photos] = await db.batch<{ id: string }>([
    db
      .prepare(
        `UPDATE photo_stages SET status = 'pending', attempts = 0, error = NULL, updated_at = ?3
          WHERE status != 'completed'
            AND photo_id IN (SELECT id FROM photos WHERE library_id = ?1 AND id IN (SELECT value FROM json_each(?2))
                             AND status IN ('failed', 'pending'))`,
      )
      .bind(libraryId, JSON.stringify(ids), now),
    db
      .prepare(
        `UPDATE photos SET status = 'pending', error = NULL, queued_at = ?3, updated_at = ?3
          WHERE library_id = ?1 AND id IN (SELECT value FROM json_each(?2)) AND status IN ('failed', 'pending')
          RETURNING id`,
      )
      .bind(libraryId, JSON.stringify(ids), now),
  ]);
  return photos.results.map((r) => r.id);
}

export async function failedPhotoIds(db: D1Database, libraryId: string, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT id FROM photos WHERE library_id = ?1 AND status = 'failed' ORDER BY id LIMIT ?2`)
    .bind(libraryId, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Cancels a photo whose processing has not started: its stages are skipped and it reads as failed. */
export async function cancelPending(db: D1Database, libraryId: string, id: string, now: number): Promise<boolean> {
  const [photo] = await db.batch([
    db
      .prepare(
        `UPDATE photos SET status = 'failed', error = 'Cancelled before processing started.', queued_at = NULL, updated_at = ?3
          WHERE library_id = ?1 AND id = ?2 AND status = 'pending'
            AND NOT EXISTS (SELECT 1 FROM photo_stages WHERE photo_id = ?2 AND (attempts > 0 OR status != 'pending'))`,
      )
      .bind(libraryId, id, now),
    db
      .prepare(`UPDATE photo_stages SET status = 'skipped', updated_at = ?2 WHERE photo_id = ?1 AND status = 'pending'
                  AND (SELECT status FROM photos WHERE id = ?1) = 'failed'`)
      .bind(id, now),
  ]);
  return photo.meta.changes === 1;
}

/** Queued photos that have not moved since `before`: their message was lost or their consumer died. */
export async function stuckPhotos(db: D1Database, before: number, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT id, library_id AS libraryId, updated_at AS updatedAt FROM photos
        WHERE status IN ('pending', 'processing') AND queued_at IS NOT NULL AND updated_at < ?1
        ORDER BY updated_at LIMIT ?2`,
    )
    .bind(before, limit)
    .all<{ id: string; libraryId: string; updatedAt: number }>();
  return results;
}

/** Stages left `running` by a consumer that died: count it as an attempt that failed. */
export async function releaseRunningStages(db: D1Database, ids: string[], now: number) {
  await db
    .prepare(
      `UPDATE photo_stages SET status = 'pending', error = 'Interrupted: the worker stopped mid-stage.', updated_at = ?2
        WHERE status = 'running' AND photo_id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(ids), now)
    .run();
}

export async function librariesWithUnqueued(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT DISTINCT library_id FROM photos WHERE status = 'pending' AND queued_at IS NULL`)
    .all<{ library_id: string }>();
  return results.map((r) => r.library_id);
}

export async function unqueuedPhotos(db: D1Database, libraryId: string, kind: PhotoKind, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT id FROM photos WHERE library_id = ?1 AND kind = ?3 AND status = 'pending' AND queued_at IS NULL ORDER BY id LIMIT ?2`)
    .bind(libraryId, limit, kind)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** True the first time it is called for (library, day): the scheduled batch runs once a day. */
export async function claimScheduledBatch(db: D1Database, libraryId: string, day: string): Promise<boolean> {
  const res = await db
    .prepare(`INSERT INTO scheduled_batches (library_id, day) VALUES (?1, ?2) ON CONFLICT DO NOTHING`)
    .bind(libraryId, day)
    .run();
  return res.meta.changes === 1;
}
