import { describe, expect, it } from 'vitest';
import { layoutGrid, sectionAt, visibleRows, type Sections } from './grid-layout';
import { sectionLabel } from './timeline';

const byMonth: Sections<{ createdAt: string }> = { key: (p) => p.createdAt.slice(0, 7), label: (key) => sectionLabel(key, 'en-GB') };

const photos = (months: Record<string, number>) =>
  Object.entries(months).flatMap(([m, n]) => Array.from({ length: n }, () => ({ createdAt: `${m}-15T12:00:00Z` })));

const OPTS = { width: 1000, minTile: 180, gap: 6, headerHeight: 40 };

describe('layoutGrid', () => {
  it('fits as many columns as the width allows and puts a header row before each section', () => {
    const g = layoutGrid(photos({ '2026-11': 12, '2026-10': 3 }), byMonth, OPTS);
    expect(g.columns).toBe(5); // (1000 + 6) / 186
    expect(g.tile).toBeCloseTo((1000 - 4 * 6) / 5);
    expect(g.rows.map((r) => (r.kind === 'header' ? byMonth.label(r.section) : `${r.start}-${r.end}`))).toEqual([
      'November 2026', '0-5', '5-10', '10-12', 'October 2026', '12-15',
    ]);
    const last = g.rows.at(-1)!;
    expect(g.height).toBeCloseTo(last.top + last.height);
    expect(g.rows[1].top).toBe(40);
  });

  it('extends the previous layout when pages are appended, exactly as a layout from scratch', () => {
    const all = photos({ '2026-11': 12, '2026-10': 7, '2026-09': 4 });
    let keys = 0;
    const counting: Sections<{ createdAt: string }> = { key: (p) => (keys++, byMonth.key(p)), label: byMonth.label };
    let g = layoutGrid(all.slice(0, 14), counting, OPTS);
    for (const end of [17, 23]) {
      keys = 0;
      g = layoutGrid(all.slice(0, end), counting, OPTS, g);
      expect(keys).toBeLessThan(2 * (end - 12)); // the last section and the new photos, not all of them
      const fresh = layoutGrid(all.slice(0, end), byMonth, OPTS);
      expect(g.rows).toEqual(fresh.rows);
      expect(g.height).toBe(fresh.height);
    }
    // Not an append (a photo inserted at the top, another width): laid out from scratch.
    const top = [{ createdAt: '2026-12-01T00:00:00Z' }, ...all];
    expect(layoutGrid(top, byMonth, OPTS, g).rows).toEqual(layoutGrid(top, byMonth, OPTS).rows);
    expect(layoutGrid(all, byMonth, { ...OPTS, width: 600 }, g).rows).toEqual(layoutGrid(all, byMonth, { ...OPTS, width: 600 }).rows);
  });

  it('keeps two columns on the narrowest screen', () => {
    expect(layoutGrid(photos({ '2026-11': 3 }), byMonth, { ...OPTS, width: 200 }).columns).toBe(2);
  });
});

describe('visibleRows', () => {
  const g = layoutGrid(photos({ '2026-11': 100_000 }), byMonth, OPTS);

  it('returns only the rows that overlap the viewport plus the overscan, wherever it is', () => {
    const rowH = g.tile + OPTS.gap;
    for (const y of [0, 10_000, g.height / 2, g.height - 800]) {
      const [first, last] = visibleRows(g.rows, y, y + 800, 400);
      expect(last - first).toBeLessThanOrEqual(Math.ceil(1600 / rowH) + 2);
      expect(g.rows[first].top).toBeLessThanOrEqual(Math.max(0, y - 400));
      expect(g.rows[last - 1].top + g.rows[last - 1].height).toBeGreaterThanOrEqual(Math.min(g.height, y + 1200));
    }
  });

  it('is empty past the end and handles an empty grid', () => {
    expect(visibleRows(g.rows, g.height + 5000, g.height + 6000, 100)).toEqual([g.rows.length, g.rows.length]);
    expect(visibleRows([], 0, 800, 100)).toEqual([0, 0]);
  });

  it('names the section the viewport is in', () => {
    const two = layoutGrid(photos({ '2026-11': 50, '2026-10': 50 }), byMonth, OPTS);
    const october = two.rows.find((r) => r.key === 'h:2026-10')!;
    expect(sectionAt(two.rows, october.top + 300)?.section).toBe('2026-10');
    expect(sectionAt(two.rows, october.top - 1)?.section).toBe('2026-11');
  });
});
