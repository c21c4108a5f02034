// The timeline: photos grouped by the day (or month) they were taken, falling back to the upload day,
// newest first, and the year/month marks of a scrubber beside them. Pure, so any grid (the gallery's,
// search results) can lay its tiles out under these headers.
import type { Photo } from '../../../worker/contract/photo';
import { dayKey } from './sort-key';

export type Grouping = 'day' | 'month';

export interface TimelineSection<P = Photo> {
  /** YYYY-MM-DD for days, YYYY-MM for months: sorts as text. */
  key: string;
  label: string;
  photos: P[];
}

export interface ScrubberMark {
  /** YYYY-MM */
  key: string;
  year: number;
  month: number;
  /** Index of the first section of this month. */
  section: number;
  /** Where the month starts along the scrubber, 0–1, by the photos before it. */
  position: number;
  count: number;
  /** The first (newest) mark of its year carries the year's label. */
  yearStart: boolean;
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
  const [y, m, d] = key.split('-').map(Number);
  // Noon UTC formatted in UTC: the label is the date written in the key, whatever the reader's zone.
  return formatter(d ? 'day' : 'month', locale).format(new Date(Date.UTC(y, m - 1, d ?? 1, 12)));
}

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

/** One mark per month that has photos, newest first, placed by how many photos come before it. */
export function scrubberMarks(sections: readonly TimelineSection<unknown>[]): ScrubberMark[] {
  const total = sections.reduce((n, s) => n + s.photos.length, 0);
  const marks: ScrubberMark[] = [];
  let before = 0;
  sections.forEach((section, i) => {
    const key = section.key.slice(0, 7);
    const last = marks.at(-1);
    if (last?.key === key) last.count += section.photos.length;
    else {
      const [year, month] = key.split('-').map(Number);
      marks.push({ key, year, month, section: i, position: total ? before / total : 0, count: section.photos.length, yearStart: last?.year !== year });
    }
    before += section.photos.length;
  });
  return marks;
}

/** The mark under a point of the scrubber (0 top – 1 bottom): the last month starting at or above it. */
export function markAt(marks: readonly ScrubberMark[], position: number): ScrubberMark | undefined {
  let found = marks[0];
  for (const mark of marks) {
    if (mark.position <= position) found = mark;
    else break;
  }
  return found;
}
