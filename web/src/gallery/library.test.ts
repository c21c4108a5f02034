import { describe, expect, it, vi } from 'vitest';
import type { PhotoListResponse, TimelineResponse } from '../../../worker/contract/http';
import type { Photo } from '../../../worker/contract/photo';
import { Library } from './library.svelte';
import { compareTimeline, dayKey, sortKey } from './sort-key';

const photo = (id: string, createdAt: string, takenAt: string | null = null, over: Partial<Photo> = {}): Photo => ({
  id, filename: `${id}.jpg`, sha256: id, mime: 'image/jpeg', kind: 'image', bytes: 1, width: 1, height: 1, status: 'pending',
  stages: { exif: { status: 'pending', attempts: 0 } }, exif: takenAt ? ({ takenAt } as Photo['exif']) : null, error: null, createdAt, updatedAt: createdAt,
  placeholder: null, thumbnails: {}, variants: {}, analysis: null, video: null, ...over,
});

/** The server's side of the two calls, over an in-memory library, as worker/db/timeline.ts answers them. */
function server(photos: Photo[]) {
  const calls: string[] = [];
  let all = [...photos].sort(compareTimeline);
  const api = {
    calls,
    set(next: Photo[]) {
      all = [...next].sort(compareTimeline);
    },
    timeline: async (): Promise<TimelineResponse> => {
      const days = new Map<string, number>();
      for (const p of all) days.set(dayKey(p), (days.get(dayKey(p)) ?? 0) + 1);
      const months: TimelineResponse['months'] = [];
      for (const [day, count] of days) {
        if (months.at(-1)?.month !== day.slice(0, 7)) months.push({ month: day.slice(0, 7), count: 0, days: [] });
        months.at(-1)!.count += count;
        months.at(-1)!.days.push({ day, count });
      }
      return { months };
    },
    listTimeline: async (start: { cursor?: string; at?: string }, limit = 200): Promise<PhotoListResponse> => {
      calls.push(start.cursor ? 'cursor' : `at ${start.at}`);
      const [bound, id] = start.cursor ? start.cursor.split('~') : [`${start.at}~`, ''];
      const rest = all.filter((p) => sortKey(p) < bound || (sortKey(p) === bound && p.id < id));
      const page = rest.slice(0, limit);
      const last = page.at(-1);
      return { photos: page, nextCursor: rest.length > limit && last ? `${sortKey(last)}~${last.id}` : null };
    },
  };
  return api;
}

/** 3,000 photos over 600 days, one to nine a day, some taken long before they were uploaded. */
function big() {
  const photos: Photo[] = [];
  let n = 0;
  for (let d = 0; photos.length < 3000; d++) {
    const day = new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    for (let k = 0; k < (d % 9) + 1; k++) photos.push(photo(`p${String(n++).padStart(5, '0')}`, '2026-11-01T10:00:00.000Z', `${day}T1${k}:00:00`));
  }
  return photos;
}

const ids = (ps: readonly Photo[]) => ps.map((p) => p.id);

describe('Library (windowed timeline)', () => {
  it('knows every day and count before loading a photo, then loads only the days shown', async () => {
    const all = big();
    const api = server(all);
    const lib = new Library(api);
    await lib.start();
    expect(lib.total).toBe(all.length);
    expect(lib.days.length).toBeGreaterThan(500);
    // The newest page came with the counts (asked for at once, not after them); nothing by date yet.
    expect(api.calls[0]).toBe('at undefined');
    expect(api.calls).not.toContain(`at ${lib.days[0].key}`);
    expect(lib.held).toBe(200);
    lib.show(0, 3);
    await vi.waitFor(() => expect(lib.loading).toBe(false));
    await vi.waitFor(() => expect(lib.days.slice(0, 4).every((d) => d.complete)).toBe(true));
    const sorted = [...all].sort(compareTimeline);
    expect(ids(lib.photos)).toEqual(ids(sorted.slice(0, lib.photos.length)));
    expect(lib.held).toBeLessThanOrEqual(400);
  });

  it('holds a bounded number of photos however far it is scrolled, and loads dropped days again by date', async () => {
    const all = big();
    const api = server(all);
    const lib = new Library(api);
    await lib.start();
    const sorted = [...all].sort(compareTimeline);
    let maxHeld = 0;
    for (let first = 0; first < lib.days.length; first += 7) {
      lib.show(first, Math.min(first + 6, lib.days.length - 1));
      await vi.waitFor(() => expect(lib.days.slice(first, first + 7).every((d) => d.complete)).toBe(true));
      maxHeld = Math.max(maxHeld, lib.held);
      // What is loaded is a run of the server's order, without gaps or strays.
      const loaded = ids(lib.photos);
      const at = sorted.findIndex((p) => p.id === loaded[0]);
      expect(loaded).toEqual(ids(sorted.slice(at, at + loaded.length)));
    }
    // Not the 3,000 photos scrolled past: about the shown days and KEEP (250) photos either side.
    expect(maxHeld).toBeLessThanOrEqual(600);
    expect(lib.held).toBeLessThanOrEqual(600);
    expect(lib.get(sorted[0].id)).toBeUndefined();
    // Back to the top: the first days come again, by date.
    const before = api.calls.length;
    lib.show(0, 2);
    await vi.waitFor(() => expect(lib.days.slice(0, 3).every((d) => d.complete)).toBe(true));
    expect(api.calls.slice(before)[0]).toBe(`at ${lib.days[0].key}`);
    expect(lib.get(sorted[0].id)?.id).toBe(sorted[0].id);
  });

  it('reads the whole library in pages for a Select all, whatever it holds', async () => {
    const all = big();
    const api = server(all);
    const lib = new Library(api);
    await lib.start();
    lib.show(0, 3);
    await vi.waitFor(() => expect(lib.loading).toBe(false));
    const read: string[] = [];
    for await (const page of lib.everything()) read.push(...ids(page));
    expect(read).toEqual(ids([...all].sort(compareTimeline)));
    expect(lib.held).toBeLessThanOrEqual(600); // read for the export, not kept
  });

  it('jumps into the middle (the scrubber): the page starts at the day shown, not at the top', async () => {
    const api = server(big());
    const lib = new Library(api);
    await lib.start();
    const mid = Math.floor(lib.days.length / 2);
    lib.show(mid, mid + 2);
    await vi.waitFor(() => expect(lib.days.slice(mid, mid + 3).every((d) => d.complete)).toBe(true));
    expect(lib.days[0].complete).toBe(false);
    expect(api.calls.length).toBeLessThanOrEqual(3);
  });

  it('loads the new place when the view moves while a page is on its way (and drops the old one)', async () => {
    const api = server(big());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const lib = new Library({
      ...api,
      listTimeline: async (start, limit) => {
        if (calls++ === 1) await gate; // the page after the top (asked for by the view) is slow
        return api.listTimeline(start, limit);
      },
    });
    await lib.start(); // the top, then the page after it
    const far = lib.days.length - 5;
    lib.show(far, far + 2); // a scrubber jump meanwhile
    release();
    await vi.waitFor(() => expect(lib.days.slice(far, far + 3).every((d) => d.complete)).toBe(true));
    expect(lib.days[0].complete).toBe(false);
  });

  it('corrects counts the server disagrees with', async () => {
    const photos = [photo('a', '2026-11-03T10:00:00.000Z'), photo('b', '2026-11-02T10:00:00.000Z')];
    const api = server(photos);
    const stale = await api.timeline();
    api.set([photos[0]]); // b deleted where we did not see it
    const lib = new Library({ ...api, timeline: async () => stale });
    await lib.start();
    lib.show(0, 1);
    await vi.waitFor(() => expect(lib.days.map((d) => [d.key, d.count])).toEqual([['2026-11-03', 1]]));
  });

  it('applies the feed: a new photo in its day, an EXIF date moving a photo to an older day, a deletion', async () => {
    const photos = [
      photo('c', '2026-11-03T10:00:00.000Z'), photo('b', '2026-11-02T10:00:00.000Z'), photo('a', '2026-11-01T10:00:00.000Z', '2019-06-14T08:00:00'),
    ];
    const api = server(photos);
    const lib = new Library(api);
    await lib.start();
    lib.show(0, 2);
    await vi.waitFor(() => expect(lib.days.every((d) => d.complete)).toBe(true));
    const at = 1;
    const fresh = photo('d', '2026-11-04T10:00:00.000Z');
    lib.apply({ type: 'photo.created', seq: 1, at, photoId: 'd', photo: fresh });
    expect(ids(lib.photos)).toEqual(['d', 'c', 'b', 'a']);
    lib.apply({ type: 'photo.stage', seq: 2, at, photoId: 'd', stage: 'exif', status: 'running', attempts: 1 });
    expect(lib.get('d')).toMatchObject({ status: 'processing', stages: { exif: { status: 'running', attempts: 1 } } });
    // The exif stage finds it was taken in 2019, the evening of the day `a` was taken: it moves there.
    lib.apply({ type: 'photo.completed', seq: 3, at, photoId: 'd', photo: photo('d', fresh.createdAt, '2019-06-14T20:00:00', { status: 'completed' }) });
    expect(ids(lib.photos)).toEqual(['c', 'b', 'd', 'a']);
    expect(lib.days.map((d) => [d.key, d.count])).toEqual([['2026-11-03', 1], ['2026-11-02', 1], ['2019-06-14', 2]]);
    lib.apply({ type: 'photo.deleted', seq: 4, at, photoId: 'b' });
    expect(ids(lib.photos)).toEqual(['c', 'd', 'a']);
    expect(lib.days.map((d) => d.key)).toEqual(['2026-11-03', '2019-06-14']);
    expect(lib.total).toBe(3);
  });

  it('lays the events that came while a page was on its way over the copies it read before them', async () => {
    const v = photo('v', '2026-11-03T10:00:00.000Z', null, { status: 'processing', thumbnails: { 600: 't600' } });
    const w = photo('w', '2026-11-02T10:00:00.000Z');
    const x = photo('x', '2026-11-01T10:00:00.000Z');
    const api = server([v, w, x]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The server reads the page at once; the answer is slow to arrive.
    const lib = new Library({ ...api, listTimeline: async (start, limit) => { const page = await api.listTimeline(start, limit); await gate; return page; } });
    const started = lib.start();
    // Meanwhile the variants stage of v completes, and x is deleted.
    const done = { ...v, status: 'completed' as const, variants: { 1080: 'v1080' }, updatedAt: '2026-11-03T10:00:05.000Z' };
    const at = Date.parse(done.updatedAt);
    lib.apply({ type: 'photo.stage', seq: 1, at, photoId: 'v', stage: 'variants', status: 'completed', attempts: 1 });
    lib.apply({ type: 'photo.completed', seq: 2, at, photoId: 'v', photo: done });
    lib.apply({ type: 'photo.deleted', seq: 3, at, photoId: 'x' });
    // An event older than the page's copy of w (the page read w after it): the page's copy stays.
    lib.apply({ type: 'photo.updated', seq: 4, at: Date.parse(w.updatedAt) - 1000, photoId: 'w', photo: { ...w, filename: 'older.jpg' } });
    release();
    await started;
    expect(lib.get('v')).toMatchObject({ status: 'completed', variants: { 1080: 'v1080' } });
    expect(lib.get('w')?.filename).toBe('w.jpg');
    expect(ids(lib.photos)).toEqual(['v', 'w']);
  });

  it('keeps a pinned photo (an open photo page far from the window) live from feed events until unpinned', async () => {
    const all = big();
    const lib = new Library(server(all));
    await lib.start();
    const old = [...all].sort(compareTimeline).at(-1)!; // the oldest: never paged in at the top
    expect(lib.get(old.id)).toBeUndefined();
    const unpin = lib.pin(old);
    lib.apply({ type: 'photo.stage', photoId: old.id, stage: 'exif', status: 'running', attempts: 1 } as never);
    expect(lib.get(old.id)?.status).toBe('processing');
    lib.apply({ type: 'analysis.completed', photo: { ...old, status: 'completed', analysis: { caption: 'a dog' } as Photo['analysis'] } } as never);
    expect(lib.get(old.id)?.analysis?.caption).toBe('a dog');
    unpin();
    expect(lib.get(old.id)).toBeUndefined();
  });
});
