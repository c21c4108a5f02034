// The virtual grid's geometry, pure so it can be tested without a browser. The whole library is laid
// out from its days and their counts alone (GET /api/photos/timeline), before any photo is loaded: a
// month header where a month starts, a day header, then rows of square tiles. Only one number per day
// is kept (where its block starts), so the layout costs O(days), and the rows on screen are made on
// demand by binary search: scrolling never walks the library.

export interface GridOptions {
  /** Width available for tiles, in CSS px. */
  width: number;
  /** Smallest tile side: as many columns as fit at this size, stretched to fill the width. */
  minTile: number;
  gap: number;
  headerHeight: number;
  monthHeight: number;
}

export interface DayCount {
  key: string;
  count: number;
}

export type Row =
  | { kind: 'month'; key: string; month: string; top: number; height: number }
  | { kind: 'day'; key: string; day: number; top: number; height: number }
  | { kind: 'tiles'; key: string; day: number; start: number; end: number; top: number; height: number };

export interface GridLayout {
  days: readonly DayCount[];
  columns: number;
  tile: number;
  /** A row of tiles with its gap. */
  rowHeight: number;
  options: GridOptions;
  /** Where each day's block (its month header if it starts a month, its header, its rows) starts. */
  tops: Float64Array;
  height: number;
}

const startsMonth = (days: readonly DayCount[], i: number) => i === 0 || days[i - 1].key.slice(0, 7) !== days[i].key.slice(0, 7);

export function layoutDays(days: readonly DayCount[], o: GridOptions): GridLayout {
  const columns = Math.max(2, Math.floor((o.width + o.gap) / (o.minTile + o.gap)));
  const tile = Math.max(1, (o.width - o.gap * (columns - 1)) / columns);
  const rowHeight = tile + o.gap;
  const tops = new Float64Array(days.length);
  let top = 0;
  for (let i = 0; i < days.length; i++) {
    tops[i] = top;
    top += (startsMonth(days, i) ? o.monthHeight : 0) + o.headerHeight + Math.ceil(days[i].count / columns) * rowHeight;
  }
  return { days, columns, tile, rowHeight, options: o, tops, height: top };
}

/** The day whose block holds offset `y` (clamped to the first and last day). */
export function dayAt(g: GridLayout, y: number): number {
  let lo = 0;
  let hi = g.days.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.tops[mid] <= y) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

/** The rows overlapping [top, bottom] (plus `overscan` px either side), made on demand. */
export function visibleRows(g: GridLayout, top: number, bottom: number, overscan: number): Row[] {
  const from = top - overscan;
  const to = bottom + overscan;
  const rows: Row[] = [];
  if (!g.days.length) return rows;
  const o = g.options;
  for (let i = dayAt(g, from); i < g.days.length && g.tops[i] < to; i++) {
    const day = g.days[i];
    let y = g.tops[i];
    const push = (row: Row) => {
      if (row.top + row.height > from && row.top < to) rows.push(row);
    };
    // A header of height 0 is no header (a ranked list of search results has none).
    if (startsMonth(g.days, i) && o.monthHeight > 0) {
      push({ kind: 'month', key: `m:${day.key.slice(0, 7)}`, month: day.key.slice(0, 7), top: y, height: o.monthHeight });
      y += o.monthHeight;
    }
    if (o.headerHeight > 0) push({ kind: 'day', key: `d:${day.key}`, day: i, top: y, height: o.headerHeight });
    y += o.headerHeight;
    // Only this day's rows that reach the window: a 5,000-photo day is not walked row by row.
    const first = Math.max(0, Math.floor((from - y) / g.rowHeight));
    for (let r = first, start = r * g.columns; start < day.count; r++, start += g.columns) {
      const rowTop = y + r * g.rowHeight;
      if (rowTop >= to) break;
      push({ kind: 'tiles', key: `t:${day.key}:${start}`, day: i, start, end: Math.min(day.count, start + g.columns), top: rowTop, height: g.rowHeight });
    }
  }
  return rows;
}

/**
 * `next`, with every row that is unchanged since `prev` (same key, place, day and photos) kept as
 * `prev`'s object: a keyed list then updates only the rows that came into view, not all of them on
 * every scroll event.
 */
export function keepRows(prev: readonly Row[], next: Row[]): Row[] {
  const old = new Map(prev.map((r) => [r.key, r]));
  return next.map((r) => {
    const o = old.get(r.key);
    return o && o.kind === r.kind && o.top === r.top && o.height === r.height && ('day' in o ? o.day === (r as typeof o).day : true)
      && (o.kind !== 'tiles' || (o.start === (r as typeof o).start && o.end === (r as typeof o).end)) ? o : r;
  });
}

/** A row, the DOM slot that draws it, and whether it is drawn light (placeholders only). */
export interface SlottedRow {
  slot: string;
  row: Row;
  lite: boolean;
}

/**
 * `rows` with stable slots, for a list keyed by slot: a row keeps its slot while it stays near the
 * viewport, and a row coming into view takes the slot of one that left (of the same kind), so its
 * elements and tiles are reused with new photos instead of built anew. A fast scroll brings ~10 tiles in
 * and takes ~10 out every frame; building and tearing them down was most of a frame's cost.
 * While `fast` (a fling, a scrubber drag), rows coming in are drawn light and rows already drawn stay as
 * they are; once the scroll slows every row is drawn in full.
 */
export function slotRows(prev: readonly SlottedRow[], rows: readonly Row[], fast = false): SlottedRow[] {
  const was = new Map(prev.map((s) => [s.row.key, s]));
  const taken = new Set<string>();
  for (const r of rows) {
    const kept = was.get(r.key);
    if (kept) taken.add(kept.slot);
  }
  return rows.map((row) => {
    const kept = was.get(row.key);
    let slot = kept?.slot;
    // The lowest slot of its kind not in use: one that a row which left has just freed.
    if (slot === undefined) {
      for (let n = 0; taken.has((slot = `${row.kind}${n}`)); n++);
      taken.add(slot);
    }
    return { slot, row, lite: fast && (kept?.lite ?? true) };
  });
}

/** Where photo `index` of day `day` starts: the top of its row. */
export function photoTop(g: GridLayout, day: number, index: number): number {
  return g.tops[day] + (startsMonth(g.days, day) ? g.options.monthHeight : 0) + g.options.headerHeight + Math.floor(index / g.columns) * g.rowHeight;
}

/** The photo (day and index in it) whose row is at offset `y`, for keeping a place as the grid changes. */
export function photoAt(g: GridLayout, y: number): { day: number; index: number } | null {
  if (!g.days.length) return null;
  const day = dayAt(g, y);
  const rowsTop = photoTop(g, day, 0);
  const row = Math.max(0, Math.floor((y - rowsTop) / g.rowHeight));
  return { day, index: Math.min(g.days[day].count - 1, row * g.columns) };
}

export interface MonthMark {
  /** YYYY-MM */
  month: string;
  /** Where the month starts, 0–1 of the grid's height. */
  at: number;
  count: number;
}

/** One mark per month with photos, placed where its rows are: the scrubber's scale is the scrollbar's. */
export function monthMarks(g: GridLayout): MonthMark[] {
  const marks: MonthMark[] = [];
  g.days.forEach((day, i) => {
    if (startsMonth(g.days, i)) marks.push({ month: day.key.slice(0, 7), at: g.height ? g.tops[i] / g.height : 0, count: 0 });
    marks[marks.length - 1].count += day.count;
  });
  return marks;
}

/** The month at 0–1 along the scrubber: the last one starting at or above it. */
export function markAt(marks: readonly MonthMark[], at: number): MonthMark | undefined {
  let lo = 0;
  let hi = marks.length - 1;
  if (hi < 0) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (marks[mid].at <= at) lo = mid;
    else hi = mid - 1;
  }
  return marks[lo];
}
