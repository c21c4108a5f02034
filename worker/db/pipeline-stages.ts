// SQL for a run's stage transitions: each one stamps its stage, updates the photo row the run owns and
// writes the feed events in the same batch.
import type { Exif, StageName, VideoInfo } from '../contract/photo';
import { openAnalysisStatements } from './analysis';
import { eventRows, photoEventStatement, stageEventStatement, statsEventStatement } from './events';
import { countPhotoDay, uncountPhotoDay } from './photo-days';
import { OWNS, owned } from './pipeline-claim';

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

/** Marks the stage running and counts the attempt. */
export async function startStage(db: D1Database, libraryId: string, id: string, stage: StageName, now: number, token: string) {
  const results = await db.batch([
    db
      .prepare(
        `UPDATE photo_stages SET status = 'running', attempts = attempts + 1, started_at = ?3, error = NULL, updated_at = ?3
          WHERE photo_id = ?1 AND stage = ?2 AND ${OWNS(4)} RETURNING attempts`,
      )
      .bind(id, stage, now, token),
    db.prepare(`UPDATE photos SET updated_at = ?2 WHERE id = ?1 AND run_token = ?3 RETURNING id`).bind(id, now, token),
    stageEventStatement(db, libraryId, id, stage, now),
  ]);
  owned(results[1]);
  results[1] = results[0]; // keep the RETURNING row where the line below reads it
  return { attempt: (results[1].results[0] as { attempts: number } | undefined)?.attempts ?? 1, events: eventRows(results.slice(2)) };
}

export async function completeStage(db: D1Database, libraryId: string, id: string, stage: StageName, ms: number, result: StageResult, now: number, token: string) {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  // EXIF may move the photo to another day (its date taken instead of its upload date): it leaves the
  // day it was counted on before the UPDATE and joins its new one after it, in the same transaction.
  const moves = result.exif !== undefined;
  const results = await db.batch([
    ...(moves ? [uncountPhotoDay(db, libraryId, id, token)] : []),
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
          WHERE id = ?1 AND run_token = ?9 RETURNING id`,
      )
      .bind(id, json(result.exif), result.placeholder ?? null, json(result.thumbnails), json(result.variants), now,
        result.size?.width ?? null, result.size?.height ?? null, token, json(result.video)),
    ...(moves ? [countPhotoDay(db, libraryId, id, token)] : []),
    stageEventStatement(db, libraryId, id, stage, now),
  ]);
  owned(results[moves ? 2 : 1]);
  return eventRows(results);
}

/** A transient failure with attempts left: back to pending, keeping the reason for the dashboard. */
export async function stageWillRetry(db: D1Database, libraryId: string, id: string, stage: StageName, error: string, now: number, token: string) {
  const results = await db.batch([
    db
      .prepare(`UPDATE photo_stages SET status = 'pending', error = ?3, updated_at = ?4 WHERE photo_id = ?1 AND stage = ?2 AND ${OWNS(5)}`)
      .bind(id, stage, error, now, token),
    // The retried message claims the photo afresh.
    db.prepare(`UPDATE photos SET run_token = NULL, updated_at = ?2 WHERE id = ?1 AND run_token = ?3 RETURNING id`).bind(id, now, token),
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
    db.prepare(`UPDATE photos SET status = 'failed', error = ?2, run_token = NULL, updated_at = ?3 WHERE id = ?1 AND run_token = ?4 RETURNING id`).bind(id, error, now, token),
    stageEventStatement(db, libraryId, id, stage, now),
    photoEventStatement(db, libraryId, 'photo.failed', id, now),
    statsEventStatement(db, libraryId, now),
  ]);
  owned(results[1]);
  return eventRows(results);
}

export async function completePhoto(db: D1Database, libraryId: string, id: string, now: number, token: string) {
  const results = await db.batch([
    db.prepare(`UPDATE photos SET status = 'completed', error = NULL, run_token = NULL, updated_at = ?2 WHERE id = ?1 AND run_token = ?3 RETURNING id`).bind(id, now, token),
    ...openAnalysisStatements(db, libraryId, id, now),
    photoEventStatement(db, libraryId, 'photo.completed', id, now),
    statsEventStatement(db, libraryId, now),
  ]);
  owned(results[0]);
  return eventRows(results);
}
