import { describe, expect, it } from 'vitest';
import { dayAt, keepRows, layoutDays, markAt, monthMarks, photoAt, photoTop, slotRows, visibleRows, type Row, type SlottedRow } from './grid-layout';

const OPTS = { width: 1000, minTile: 180, gap: 6, headerHeight: 40, monthHeight: 50 };
const label = (r: Row) => (r.kind === 'month' ? r.month : r.kind === 'day' ? `day ${r.day}` : `${r.day}:${r.start}-${r.end}`);

describe('layoutDays', () => {
  const days = [{ key: '2026-11-30', count: 12 }, { key: '2026-11-02', count: 3 }, { key: '2026-10-31', count: 5 }];

  it('lays out the whole timeline from the day counts: a month header where a month starts, a day header, rows of tiles', () => {
    const g = layoutDays(days, OPTS);
    expect(g.columns).toBe(5); // (1000 + 6) / 186
    expect(g.tile).toBeCloseTo((1000 - 4 * 6) / 5);
    const rows = visibleRows(g, 0, g.height, 0);
    expect(rows.map(label)).toEqual(['2026-11', 'day 0', '0:0-5', '0:5-10', '0:10-12', 'day 1', '1:0-3', '2026-10', 'day 2', '2:0-5']);
    expect(g.height).toBeCloseTo(50 * 2 + 40 * 3 + 5 * g.rowHeight);
    expect(rows[2].top).toBe(90);
    // Rows follow each other without gaps or overlaps.
    for (let i = 1; i < rows.length; i++) expect(rows[i].top).toBeCloseTo(rows[i - 1].top + rows[i - 1].height);
  });

  it('makes only the rows near the viewport, found by binary search, even inside a huge day', () => {
    const many = Array.from({ length: 7000 }, (_, i) => ({ key: `2000-01-${String(28 - (i % 28)).padStart(2, '0')}x${i}`, count: (i % 20) + 1 }));
    const g = layoutDays([...many, { key: '1999-12-31', count: 100_000 }], OPTS);
    for (const y of [0, g.height / 3, g.height - 3000, g.tops[7000] + 5_000_000 / 2]) {
      const rows = visibleRows(g, y, y + 800, 600);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThanOrEqual(20);
      expect(rows[0].top).toBeLessThanOrEqual(Math.max(0, y - 600) + g.rowHeight);
      expect(rows.at(-1)!.top + rows.at(-1)!.height).toBeGreaterThanOrEqual(Math.min(g.height, y + 1400) - 1);
    }
  });

  it('maps a photo to its row and back, and an offset to its day', () => {
    const g = layoutDays(days, OPTS);
    expect(photoTop(g, 0, 7)).toBe(90 + g.rowHeight);
    expect(photoAt(g, 90 + g.rowHeight + 3)).toEqual({ day: 0, index: 5 });
    expect(photoAt(g, photoTop(g, 2, 0))).toEqual({ day: 2, index: 0 });
    expect(dayAt(g, 0)).toBe(0);
    expect(dayAt(g, g.height + 100)).toBe(2);
    expect(dayAt(g, g.tops[1])).toBe(1);
    expect(visibleRows(layoutDays([], OPTS), 0, 100, 0)).toEqual([]);
  });

  it('keeps the objects of rows that did not change, so a scroll re-renders only the rows it brings', () => {
    const g = layoutDays(days, OPTS);
    const a = visibleRows(g, 0, 200, 0);
    const b = keepRows(a, visibleRows(g, 150, 350, 0));
    const shared = b.filter((r) => a.includes(r));
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.length).toBeLessThan(b.length);
    expect(b.map(label)).toEqual(visibleRows(g, 150, 350, 0).map(label));
    // A row whose place moved (photos arrived above) is a new object.
    const moved = layoutDays([{ key: '2026-12-01', count: 1 }, ...days], OPTS);
    expect(keepRows(a, visibleRows(moved, 0, 200, 0)).filter((r) => a.includes(r))).toEqual([]);
  });

  it('lays out a ranked list without headers (search results by meaning)', () => {
    const g = layoutDays([{ key: 'ranked', count: 12 }], { ...OPTS, headerHeight: 0, monthHeight: 0 });
    expect(visibleRows(g, 0, g.height, 0).map(label)).toEqual(['0:0-5', '0:5-10', '0:10-12']);
    expect(g.height).toBeCloseTo(3 * g.rowHeight);
    expect(photoTop(g, 0, 5)).toBeCloseTo(g.rowHeight);
  });

  it('places one scrubber mark per month where its rows start', () => {
    const g = layoutDays(days, OPTS);
    const marks = monthMarks(g);
    expect(marks.map((m) => [m.month, m.count])).toEqual([['2026-11', 15], ['2026-10', 5]]);
    expect(marks[1].at).toBeCloseTo(g.tops[2] / g.height);
    expect(markAt(marks, 0)?.month).toBe('2026-11');
    expect(markAt(marks, marks[1].at)?.month).toBe('2026-10');
    expect(markAt(marks, 1)?.month).toBe('2026-10');
  });
});

describe('slotRows', () => {
  const many = Array.from({ length: 60 }, (_, i) => ({ key: `2026-${String(12 - Math.floor(i / 28)).padStart(2, '0')}-${String(28 - (i % 28)).padStart(2, '0')}`, count: 9 }));
  const g = layoutDays(many, OPTS);
  const at = (prev: SlottedRow[], y: number) => slotRows(prev, visibleRows(g, y, y + 800, 300));

  it('keeps a row in its slot while it stays, and gives a row scrolling in the slot of one of its kind that left', () => {
    const a = at([], 0);
    expect(new Set(a.map((s) => s.slot)).size).toBe(a.length);
    const b = at(a, 400);
    const before = new Map(a.map((s) => [s.row.key, s.slot]));
    for (const s of b) if (before.has(s.row.key)) expect(s.slot).toBe(before.get(s.row.key));
    expect(new Set(b.map((s) => s.slot)).size).toBe(b.length);
    // A row that came in takes a slot freed by a row of its kind; a new slot only when none is left.
    const left = a.filter((s) => !b.some((t) => t.row.key === s.row.key));
    const came = b.filter((s) => !before.has(s.row.key));
    expect(came.length).toBeGreaterThan(0);
    for (const kind of ['month', 'day', 'tiles'] as const) {
      const freed = left.filter((s) => s.row.kind === kind).length;
      const fresh = came.filter((s) => s.row.kind === kind && !a.some((x) => x.slot === s.slot));
      expect(fresh.length).toBe(Math.max(0, came.filter((s) => s.row.kind === kind).length - freed));
    }
  });

  it('draws rows coming in during a fast scroll light, keeps drawn rows as they are, and draws all in full once it slows', () => {
    const a = at([], 0);
    expect(a.every((s) => !s.lite)).toBe(true);
    const b = slotRows(a, visibleRows(g, 600, 1400, 300), true);
    const kept = b.filter((s) => a.some((x) => x.row.key === s.row.key));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((s) => !s.lite)).toBe(true);
    expect(b.filter((s) => !kept.includes(s)).every((s) => s.lite)).toBe(true);
    const c = slotRows(b, visibleRows(g, 1200, 2000, 300), true);
    expect(c.filter((s) => b.some((x) => x.row.key === s.row.key && x.lite)).every((s) => s.lite)).toBe(true);
    expect(slotRows(c, visibleRows(g, 1200, 2000, 300)).every((s) => !s.lite)).toBe(true);
  });

  it('draws a long scroll with about a screen of slots, never one per row passed', () => {
    let s: SlottedRow[] = [];
    const seen = new Set<string>();
    for (let y = 0; y < g.height - 800; y += 430) {
      s = at(s, y);
      for (const x of s) seen.add(x.slot);
    }
    expect(seen.size).toBeLessThan(40);
    expect(visibleRows(g, 0, g.height, 0).length).toBeGreaterThan(150);
  });
});
