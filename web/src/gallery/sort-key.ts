// Where a photo sits on the timeline, computed exactly as the server's sort_at column
// (migrations/0018_timeline.sql): the EXIF time as the photo's own clock wrote it, else the UTC upload
// time, as 'YYYY-MM-DDTHH:MM:SS'. String operations only, so the two can never disagree on a day.
import type { Photo } from '../../../worker/contract/photo';

type Dated = Pick<Photo, 'createdAt'> & { exif?: { takenAt: string | null } | null };

/** The same shape the migration's GLOB accepts. */
const TAKEN = /^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\d/;

export function sortKey(photo: Dated): string {
  const taken = photo.exif?.takenAt;
  const m = typeof taken === 'string' ? TAKEN.exec(taken) : null;
  return m ? m[0] : photo.createdAt.slice(0, 19);
}

/** YYYY-MM-DD: the day header a photo is under. */
export const dayKey = (photo: Dated) => sortKey(photo).slice(0, 10);

/** Timeline order (newest first, ties by id as the server breaks them): negative when `a` comes first. */
export function compareTimeline(a: Dated & { id: string }, b: Dated & { id: string }): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  if (ka !== kb) return ka > kb ? -1 : 1;
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1;
}

/** The API's cursor after `photo` (GET /api/photos?order=taken). */
export const timelineCursor = (photo: Dated & { id: string }) => `${sortKey(photo)}~${photo.id}`;
