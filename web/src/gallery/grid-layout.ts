// The virtual grid's geometry, pure so it can be tested without a browser: photos (already in display
// order) become rows — a header row where a new section starts, then rows of square tiles — each with
// its top offset, so the page can render only the rows near the viewport and the scrubber can map a
// date to a scroll position. Sections come from a key function (the timeline's day or month).

export interface GridOptions {
  /** Width available for tiles, in CSS px. */
  width: number;
  /** Smallest tile side: as many columns as fit at this size, stretched to fill the width. */
  minTile: number;
  gap: number;
  headerHeight: number;
}

export type Row =
  | { kind: 'header'; key: string; label: string; top: number; height: number }
  | { kind: 'tiles'; key: string; start: number; end: number; top: number; height: number };

export type HeaderRow = Extract<Row, { kind: 'header' }>;

export interface GridLayout {
  rows: Row[];
  height: number;
  columns: number;
  tile: number;
}

/** How items fall into sections: a cheap key per item, and a label per section (formatting dates costs). */
export interface Sections<T> {
  key(item: T): string;
  label(key: string): string;
}

export function layoutGrid<T>(items: readonly T[], sections: Sections<T>, o: GridOptions): GridLayout {
  const columns = Math.max(2, Math.floor((o.width + o.gap) / (o.minTile + o.gap)));
  const tile = Math.max(1, (o.width - o.gap * (columns - 1)) / columns);
  const rows: Row[] = [];
  let top = 0;
  let i = 0;
  while (i < items.length) {
    const key = sections.key(items[i]);
    rows.push({ kind: 'header', key: `h:${key}`, label: sections.label(key), top, height: o.headerHeight });
    top += o.headerHeight;
    // The section's tiles, row by row, until the key changes.
    let end = i + 1;
    while (end < items.length && sections.key(items[end]) === key) end++;
    for (let start = i; start < end; start += columns) {
      rows.push({ kind: 'tiles', key: `t:${key}:${start - i}`, start, end: Math.min(end, start + columns), top, height: tile + o.gap });
      top += tile + o.gap;
    }
    i = end;
  }
  return { rows, height: top, columns, tile };
}

/**
 * The rows overlapping [top, bottom] plus `overscan` px either side, as [first, last) indices, found by
 * binary search (a 100,000-photo library has thousands of rows; scrolling must not walk them all).
 */
export function visibleRows(rows: readonly Row[], top: number, bottom: number, overscan: number): [number, number] {
  const from = top - overscan;
  const to = bottom + overscan;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].top + rows[mid].height <= from) lo = mid + 1;
    else hi = mid;
  }
  let last = lo;
  while (last < rows.length && rows[last].top < to) last++;
  return [lo, last];
}

/** The header row at or above scroll offset `y`: which section the viewport is in. */
export function sectionAt(rows: readonly Row[], y: number): HeaderRow | undefined {
  const [i] = visibleRows(rows, y, y, 0);
  for (let k = Math.min(i, rows.length - 1); k >= 0; k--) {
    const row = rows[k];
    if (row.kind === 'header') return row;
  }
  return undefined;
}

const MONTH = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** Photos grouped by the month they were added (the order the API lists them in). */
export const byMonth: Sections<{ createdAt: string }> = {
  key: (photo) => photo.createdAt.slice(0, 7),
  label: (key) => MONTH.format(new Date(`${key}-01T00:00:00Z`)),
};
