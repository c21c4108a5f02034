// The virtual grid's geometry, pure so it can be tested without a browser: photos (already in display
// order) become rows — a header row where a new section starts, then rows of square tiles — each with
// its top offset, so the page can render only the rows near the viewport and the scrubber can map a
// date to a scroll position. Sections come from a key function (the timeline's day, timeline.ts).
// A page appended to a 100,000-photo grid costs the new photos, not the whole grid again.

export interface GridOptions {
  /** Width available for tiles, in CSS px. */
  width: number;
  /** Smallest tile side: as many columns as fit at this size, stretched to fill the width. */
  minTile: number;
  gap: number;
  headerHeight: number;
}

export type Row =
  | { kind: 'header'; key: string; section: string; top: number; height: number }
  | { kind: 'tiles'; key: string; start: number; end: number; top: number; height: number };

export type HeaderRow = Extract<Row, { kind: 'header' }>;

export interface GridLayout {
  rows: Row[];
  height: number;
  columns: number;
  tile: number;
  /** How the layout was made, so the next page can extend it instead of starting over. */
  basis?: { options: GridOptions; count: number; first: unknown; last: unknown; lastHeader: number; lastStart: number };
}

/**
 * How items fall into sections: a cheap key per item (called for every photo) and a label per section,
 * asked for only by headers on screen (formatting 25,000 dates up front costs seconds).
 */
export interface Sections<T> {
  key(item: T): string;
  label(key: string): string;
}

const sameOptions = (a: GridOptions, b: GridOptions) =>
  a.width === b.width && a.minTile === b.minTile && a.gap === b.gap && a.headerHeight === b.headerHeight;

/**
 * Lays out `items`. With `prev` (the layout of an earlier version of the same list) and the list only
 * grown at its end since, only the last section and the new items are laid out again.
 */
export function layoutGrid<T>(items: readonly T[], sections: Sections<T>, o: GridOptions, prev?: GridLayout): GridLayout {
  const columns = Math.max(2, Math.floor((o.width + o.gap) / (o.minTile + o.gap)));
  const tile = Math.max(1, (o.width - o.gap * (columns - 1)) / columns);
  const b = prev?.basis;
  const appended = !!b && sameOptions(b.options, o) && b.count > 0 && items.length >= b.count && items[0] === b.first && items[b.count - 1] === b.last;
  let rows: Row[] = [];
  let top = 0;
  let i = 0;
  if (appended) {
    // The last section may go on in the new items: lay it out again from its header.
    rows = prev!.rows.slice(0, b.lastHeader);
    top = prev!.rows[b.lastHeader].top;
    i = b.lastStart;
  }
  let lastHeader = 0;
  let lastStart = 0;
  while (i < items.length) {
    const key = sections.key(items[i]);
    lastHeader = rows.length;
    lastStart = i;
    rows.push({ kind: 'header', key: `h:${key}`, section: key, top, height: o.headerHeight });
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
  const basis = items.length ? { options: { ...o }, count: items.length, first: items[0], last: items[items.length - 1], lastHeader, lastStart } : undefined;
  return { rows, height: top, columns, tile, basis };
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
