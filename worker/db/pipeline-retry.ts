// SQL for what users do to processing from outside a run: retry, cancel, and failing a photo whose run
// cannot finish (dead-lettered message, crashed consumer).
import { eventRows, photoEventStatement, statsEventStatement } from './events';

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
            AND NOT EXISTS (SELECT 1 FROM photo_stages WHERE photo_id = ?2 AND (attempts > 0 OR status != 'pending'))
          RETURNING id`,
      )
      .bind(libraryId, id, now),
    db
      .prepare(`UPDATE photo_stages SET status = 'skipped', updated_at = ?2 WHERE photo_id = ?1 AND status = 'pending'
                  AND (SELECT status FROM photos WHERE id = ?1) = 'failed'`)
      .bind(id, now),
  ]);
  return photo.results.length === 1;
}
