// The timeline's SQL: photos in the order they were taken (sort_at: the EXIF time, else the upload
// time; migrations/0018_timeline.sql), paged by an indexed (sort_at, id) cursor at any depth, and the
// photos per day from their counts (migrations/0019_photo_days.sql).
import type { TimelineResponse } from '../contract/http';
import type { Photo, PhotoStatus } from '../contract/photo';
import { photoDays } from './photo-days';
import { PHOTO_JSON, toPhoto, type PhotoJson } from './photo-json';

/** Where a page starts: after the photo of a cursor, or at a day's or month's newest photo. */
export type TimelineStart = { sortAt: string; id: string } | { at: string } | null;

// `sort_at <= ?` is the index range (so a page 90,000 deep starts where it is, not after 90,000 rows);
// the OR only drops the cursor's own tie group up to its id.
const AFTER_CURSOR = `p.sort_at <= ?3 AND (p.sort_at < ?3 OR p.id < ?4)`;

/** Taken newest first, ties (same second) by id. → the page and the cursor after its last photo. */
export async function listPhotosByTaken(
  db: D1Database,
  libraryId: string,
  opts: { status?: PhotoStatus; start: TimelineStart; limit: number },
): Promise<{ photos: Photo[]; nextCursor: string | null }> {
  const start = opts.start;
  // A day or a month: everything whose key starts with it or sorts before it ('~' sorts after digits).
  const [bound, id] = !start ? [null, null] : 'at' in start ? [`${start.at}~`, ''] : [start.sortAt, start.id];
  const { results } = await db
    .prepare(
      `SELECT ${PHOTO_JSON} AS photo, p.sort_at AS sort_at FROM photos p
        WHERE p.library_id = ?1 AND (?2 IS NULL OR p.status = ?2) AND ${bound === null ? '1' : AFTER_CURSOR}
        ORDER BY p.sort_at DESC, p.id DESC LIMIT ?5`,
    )
    .bind(libraryId, opts.status ?? null, bound, id, opts.limit + 1)
    .all<{ photo: string; sort_at: string }>();
  const page = results.slice(0, opts.limit);
  const last = page.at(-1);
  const photos = page.map((r) => toPhoto(JSON.parse(r.photo) as PhotoJson));
  return { photos, nextCursor: results.length > opts.limit && last ? `${last.sort_at}~${photos[photos.length - 1].id}` : null };
}

/**
 * Photos per day, newest first, grouped by month, from the per-day counts (db/photo-days.ts): D1 reads
 * one row per day, not one per photo. → the answer and the rows read (sent as X-D1-Rows-Read).
 */
export async function photoTimeline(db: D1Database, libraryId: string): Promise<{ timeline: TimelineResponse; rowsRead: number }> {
  const { days, rowsRead } = await photoDays(db, libraryId);
  const months: TimelineResponse['months'] = [];
  for (const { day, count } of days) {
    const month = day.slice(0, 7);
    let m = months.at(-1);
    if (m?.month !== month) months.push((m = { month, count: 0, days: [] }));
    m.count += count;
    m.days.push({ day, count });
  }
  return { timeline: { months }, rowsRead };
}
