// The timeline: photos grouped by the day (or month) they were taken, falling back to the upload day,
// newest first. Pure, so any grid (the gallery's, search results) can lay its tiles out under these
// headers (the scrubber's marks come from the grid's layout: grid-layout.ts monthMarks).
import type { Photo } from '../../../worker/contract/photo';
import { dayKey } from './sort-key';

export type Grouping = 'day' | 'month';

export interface TimelineSection<P = Photo> {
  /** YYYY-MM-DD for days, YYYY-MM for months: sorts as text. */
  key: string;
  label: string;
  photos: P[];
}

type Dated = Pick<Photo, 'createdAt'> & { exif?: { takenAt: string | null } | null };

/**
 * The day a photo belongs to: the date part of its EXIF time, which is already the photo's own local
 * time (the clock of the place it was taken), else the UTC day it was uploaded — the gallery's and the
 * server's day (sort-key.ts).
 */
export const photoDay = (photo: Dated): string => dayKey(photo);

/** Sections newest first; photos keep their order inside a section. */
export function groupTimeline<P extends Dated>(photos: readonly P[], by: Grouping = 'day', locale?: string): TimelineSection<P>[] {
  const sections = new Map<string, P[]>();
  for (const photo of photos) {
    const day = photoDay(photo);
    const key = by === 'day' ? day : day.slice(0, 7);
    let list = sections.get(key);
    if (!list) sections.set(key, (list = []));
    list.push(photo);
  }
  return [...sections.entries()]
    .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
    .map(([key, list]) => ({ key, label: sectionLabel(key, locale), photos: list }));
}

/** "Tuesday, 1 December 2026" or "December 2026", in the reader's language. */
export function sectionLabel(key: string, locale?: string): string {
  // Kept: the grid asks again for every header scrolling in and the scrubber's label every frame, and
  // formatting one costs ~0.1 ms. Days and months are few (a 20-year library has ~7,300).
  const id = `${key}|${locale ?? ''}`;
  let label = labels.get(id);
  if (label === undefined) {
    const [y, m, d] = key.split('-').map(Number);
    // Noon UTC formatted in UTC: the label is the date written in the key, whatever the reader's zone.
    label = formatter(d ? 'day' : 'month', locale).format(new Date(Date.UTC(y, m - 1, d ?? 1, 12)));
    labels.set(id, label);
  }
  return label;
}
const labels = new Map<string, string>();

// One formatter per kind and locale: toLocaleDateString builds a new one per call (~50 µs each).
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: Grouping, locale?: string): Intl.DateTimeFormat {
  const id = `${kind}|${locale ?? ''}`;
  let f = formatters.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, kind === 'day'
      ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }
      : { month: 'long', year: 'numeric', timeZone: 'UTC' });
    formatters.set(id, f);
  }
  return f;
}
