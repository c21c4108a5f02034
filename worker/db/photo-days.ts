// The timeline's photos per day (migrations/0019_photo_days.sql), kept by the batches that write a
// photo's day: a new photo counts on its day, a deleted one leaves it, and a stage that brings EXIF moves
// the photo from the day it had to the day it has now. Statements, not triggers, because the pipeline's
// ownership checks read meta.changes when this was written (D1 counts a trigger's writes there); they
// read RETURNING rows now (library_counts, migration 0020, is kept by triggers). Each statement finds the photo by
// id (and, for a run, by its token), so a duplicate that was never inserted, a photo already gone or a
// run that lost its claim counts nothing.

/** +1 on the day of the photo as it is now (after the batch's INSERT or UPDATE of it). */
export function countPhotoDay(db: D1Database, libraryId: string, photoId: string, runToken: string | null = null) {
  return db
    .prepare(
      `INSERT INTO photo_days (library_id, day, count)
         SELECT library_id, substr(sort_at, 1, 10), 1 FROM photos WHERE id = ?2 AND library_id = ?1 AND (?3 IS NULL OR run_token = ?3)
       ON CONFLICT (library_id, day) DO UPDATE SET count = count + 1`,
    )
    .bind(libraryId, photoId, runToken);
}

/** −1 on the day of the photo as it is now (before the batch's DELETE or UPDATE of it). */
export function uncountPhotoDay(db: D1Database, libraryId: string, photoId: string, runToken: string | null = null) {
  return db
    .prepare(
      `UPDATE photo_days SET count = count - 1
        WHERE library_id = ?1
          AND day = (SELECT substr(sort_at, 1, 10) FROM photos WHERE id = ?2 AND library_id = ?1 AND (?3 IS NULL OR run_token = ?3))`,
    )
    .bind(libraryId, photoId, runToken);
}

/** The days with photos, newest first, and the rows D1 read for them (one per day, not per photo). */
export async function photoDays(db: D1Database, libraryId: string): Promise<{ days: Array<{ day: string; count: number }>; rowsRead: number }> {
  const { results, meta } = await db
    .prepare(`SELECT day, count FROM photo_days WHERE library_id = ?1 AND count > 0 ORDER BY day DESC`)
    .bind(libraryId)
    .all<{ day: string; count: number }>();
  return { days: results, rowsRead: meta.rows_read };
}
