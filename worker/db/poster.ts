// SQL for a video's poster. Recording one makes the video pending again with its poster stages
// (thumbnails, variants) fresh, takes the photo from any run in flight (that run's next write is refused,
// db/pipeline-claim.ts), and hands analysis back until the new variants exist: completePhoto reopens it.
import { POSTER_STAGES } from '../contract/photo';
import { eventRows, photoEventStatement, statsEventStatement, type EventRow } from './events';

/** What the photos row keeps of a poster (the bytes are in R2 at storage/keys' posterKey). */
export interface PosterRecord {
  mime: string;
  /** As displayed (EXIF orientation applied). */
  width: number;
  height: number;
  bytes: number;
  sha256: string;
}

export async function getPosterRecord(db: D1Database, libraryId: string, id: string): Promise<PosterRecord | null> {
  const row = await db.prepare(`SELECT poster FROM photos WHERE library_id = ?1 AND id = ?2`).bind(libraryId, id).first<{ poster: string | null }>();
  return row?.poster ? (JSON.parse(row.poster) as PosterRecord) : null;
}

/** Records the poster of video `id`; null when no such video (deleted meanwhile). */
export async function recordPoster(db: D1Database, libraryId: string, id: string, poster: PosterRecord, now: number): Promise<EventRow[] | null> {
  const isVideo = `EXISTS (SELECT 1 FROM photos WHERE id = ?1 AND library_id = ?2 AND kind = 'video')`;
  const results = await db.batch([
    db
      .prepare(
        // queued_at stays NULL until enqueuePhotos marks it: with video auto-processing off, the batch takes it.
        `UPDATE photos SET poster = ?3, status = 'pending', error = NULL, retryable = 1, run_token = NULL, queued_at = NULL,
                width = COALESCE(width, ?5), height = COALESCE(height, ?6), updated_at = ?4
          WHERE library_id = ?2 AND id = ?1 AND kind = 'video' RETURNING id`,
      )
      .bind(id, libraryId, JSON.stringify(poster), now, poster.width, poster.height),
    db
      .prepare(
        `INSERT INTO photo_stages (photo_id, stage, updated_at) SELECT ?1, value, ?3 FROM json_each(?4) WHERE ${isVideo}
         ON CONFLICT (photo_id, stage) DO UPDATE SET status = 'pending', attempts = 0, ms = NULL, error = NULL,
                started_at = NULL, finished_at = NULL, updated_at = excluded.updated_at`,
      )
      .bind(id, libraryId, now, JSON.stringify(POSTER_STAGES)),
    // Analysis runs on the poster's variant: it waits for the new one (any lease on the old job is void).
    db.prepare(`DELETE FROM photo_stages WHERE photo_id = ?1 AND stage = 'analysis' AND ${isVideo}`).bind(id, libraryId),
    db
      .prepare(`UPDATE photo_analysis SET lease = NULL, lease_expires_at = NULL, lease_client = NULL, leased_at = NULL, updated_at = ?3
                 WHERE photo_id = ?1 AND library_id = ?2`)
      .bind(id, libraryId, now),
  ]);
  if (results[0].results.length !== 1) return null;
  return eventRows(await db.batch([photoEventStatement(db, libraryId, 'photo.updated', id, now), statsEventStatement(db, libraryId, now)]));
}
