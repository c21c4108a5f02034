// GET /api/photos?order=taken (the timeline order: date taken, else upload date; cursor and `at`) and
// GET /api/photos/timeline (photos per day and month, from the day counts of migration 0019, kept by the
// batches that insert, develop and delete photos).
import { describe, expect, it } from 'vitest';
import type { ErrorBody, PhotoListResponse, TimelineResponse } from '../contract/http';
import { insertPhoto } from '../db/photos';
import { claimRun } from '../db/pipeline-claim';
import { completeStage } from '../db/pipeline-stages';
import { newPhotoId } from '../ids';
import { api, newLibrary, testEnv } from '../test/helpers';

interface Seed { name: string; takenAt?: string | null; uploaded: string }

/** Rows as an upload writes them (insertPhoto), with the upload time and the quick EXIF we choose. */
async function seed(libraryId: string, photos: Seed[]) {
  const ids: Record<string, string> = {};
  for (const p of photos) {
    const id = newPhotoId(Date.parse(p.uploaded)); // ids follow the upload time, as real ones do
    ids[p.name] = id;
    await insertPhoto(testEnv.DB, {
      id, libraryId, filename: `${p.name}.jpg`, sha256: crypto.randomUUID().replaceAll('-', '').padEnd(64, '0'), mime: 'image/jpeg', kind: 'image',
      bytes: 1, width: 1, height: 1, stages: ['exif'],
      exif: p.takenAt === undefined ? null : ({ takenAt: p.takenAt, offset: null } as never),
    }, Date.parse(p.uploaded), false);
  }
  return ids;
}

async function list(token: string, query: string) {
  const res = await api(`/api/photos?${query}`, { token });
  expect(res.status, query).toBe(200);
  return res.json<PhotoListResponse>();
}

/** Every page, following nextCursor. */
async function walk(token: string, query: string) {
  const names: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: PhotoListResponse = await list(token, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    names.push(...page.photos.map((p) => p.filename.replace('.jpg', '')));
    cursor = page.nextCursor;
    if (++pages > 1000) throw new Error('no end');
  } while (cursor);
  return names;
}

const timeline = async (token: string) => (await api('/api/photos/timeline', { token })).json<TimelineResponse>();

describe('GET /api/photos?order=taken', () => {
  it('orders by date taken, falls back to the upload date, and breaks ties on equal dates by id across pages', async () => {
    const { libraryId, token } = await newLibrary();
    await seed(libraryId, [
      { name: 'old', takenAt: '2019-06-14T10:00:00+02:00', uploaded: '2026-11-01T12:00:00Z' },
      { name: 'no-exif', uploaded: '2026-10-01T12:00:00Z' },
      { name: 'no-date', takenAt: null, uploaded: '2020-03-01T08:00:00Z' },
      { name: 'tie-1', takenAt: '2021-01-01T09:00:00', uploaded: '2026-11-02T12:00:00Z' },
      { name: 'tie-2', takenAt: '2021-01-01T09:00:00-05:00', uploaded: '2026-11-02T12:00:01Z' },
      { name: 'tie-3', takenAt: '2021-01-01T09:00:00', uploaded: '2026-11-02T12:00:02Z' },
      { name: 'newest-taken', takenAt: '2026-11-30T23:59:59', uploaded: '2026-09-01T00:00:00Z' },
    ]);
    const expected = ['newest-taken', 'no-exif', 'tie-3', 'tie-2', 'tie-1', 'no-date', 'old'];
    for (const limit of [1, 2, 3, 50]) expect(await walk(token, `order=taken&limit=${limit}`), `limit ${limit}`).toEqual(expected);
    // The default order is unchanged: newest upload first.
    expect(await walk(token, 'limit=50')).toEqual(['tie-3', 'tie-2', 'tie-1', 'old', 'no-exif', 'newest-taken', 'no-date']);
  });

  it('pages a deep library by its cursor, and `at` starts at a day or a month', async () => {
    const { libraryId, token } = await newLibrary();
    // 250 photos, three a day (two at the same second), over three months.
    const seeds: Seed[] = [];
    for (let i = 0; i < 250; i++) {
      const day = new Date(Date.UTC(2022, 0, 1) + Math.floor(i / 3) * 86_400_000).toISOString().slice(0, 10);
      seeds.push({ name: `p${i}`, takenAt: `${day}T${i % 3 === 2 ? '18' : '09'}:00:00`, uploaded: '2026-11-01T12:00:00Z' });
    }
    const ids = await seed(libraryId, seeds);
    const key = (s: Seed) => `${s.takenAt!.slice(0, 19)}~${ids[s.name]}`;
    const expected = [...seeds].sort((a, b) => (key(a) < key(b) ? 1 : -1)).map((s) => s.name);
    expect(await walk(token, 'order=taken&limit=7')).toEqual(expected);
    expect(await walk(token, 'order=taken&limit=200')).toEqual(expected);

    const firstOf = (prefix: string) => expected.findIndex((n) => seeds.find((s) => s.name === n)!.takenAt!.startsWith(prefix));
    const month = await list(token, 'order=taken&at=2022-02&limit=5');
    expect(month.photos.map((p) => p.filename.replace('.jpg', ''))).toEqual(expected.slice(firstOf('2022-02'), firstOf('2022-02') + 5));
    const day = await list(token, 'order=taken&at=2022-02-10&limit=4');
    expect(day.photos.map((p) => p.filename.replace('.jpg', ''))).toEqual(expected.slice(firstOf('2022-02-10'), firstOf('2022-02-10') + 4));
    // …and its cursor goes on from there.
    const next = await list(token, `order=taken&limit=3&cursor=${encodeURIComponent(day.nextCursor!)}`);
    expect(next.photos.map((p) => p.filename.replace('.jpg', ''))).toEqual(expected.slice(firstOf('2022-02-10') + 4, firstOf('2022-02-10') + 7));
    // A day before every photo: nothing; a day after them all: from the newest.
    expect((await list(token, 'order=taken&at=2021-12-31')).photos).toEqual([]);
    expect((await list(token, 'order=taken&at=2030-01&limit=1')).photos[0].filename).toBe(`${expected[0]}.jpg`);

    const t = await timeline(token);
    expect(t.months.map((m) => [m.month, m.count])).toEqual([['2022-03', 250 - 31 * 3 - 28 * 3], ['2022-02', 84], ['2022-01', 93]]);
    expect(t.months[0].days[0]).toEqual({ day: '2022-03-25', count: 1 }); // photo 249, alone on day 83
    expect(t.months[2].days.at(-1)).toEqual({ day: '2022-01-01', count: 3 });
  });

  it('moves a photo whose EXIF later gives an older date, in the list and in the day counts, and counts deletions', async () => {
    const { libraryId, token } = await newLibrary();
    const ids = await seed(libraryId, [
      { name: 'a', takenAt: '2024-05-01T10:00:00', uploaded: '2026-11-01T12:00:00Z' },
      { name: 'late', uploaded: '2026-11-30T12:00:00Z' },
    ]);
    expect(await walk(token, 'order=taken&limit=1')).toEqual(['late', 'a']);
    expect((await timeline(token)).months).toEqual([
      { month: '2026-11', count: 1, days: [{ day: '2026-11-30', count: 1 }] },
      { month: '2024-05', count: 1, days: [{ day: '2024-05-01', count: 1 }] },
    ]);
    // The exif stage's write, as a run makes it: claimed, then completed with the EXIF it read.
    const exif = { takenAt: '2003-02-01T08:00:00+01:00', offset: '+01:00' } as never;
    expect((await claimRun(testEnv.DB, libraryId, ids.late, 'run-1', 0, Date.now())).claimed).toBe(true);
    // A run that lost its claim writes nothing, and moves no count.
    await expect(completeStage(testEnv.DB, libraryId, ids.late, 'exif', 1, { exif }, Date.now(), 'run-0')).rejects.toThrow(/deleted, cancelled or taken over/);
    expect((await timeline(token)).months.map((m) => m.month)).toEqual(['2026-11', '2024-05']);
    await completeStage(testEnv.DB, libraryId, ids.late, 'exif', 1, { exif }, Date.now(), 'run-1');
    expect(await walk(token, 'order=taken&limit=1')).toEqual(['a', 'late']);
    expect((await timeline(token)).months).toEqual([
      { month: '2024-05', count: 1, days: [{ day: '2024-05-01', count: 1 }] },
      { month: '2003-02', count: 1, days: [{ day: '2003-02-01', count: 1 }] },
    ]);
    expect((await api(`/api/photos/${ids.a}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await timeline(token)).months).toEqual([{ month: '2003-02', count: 1, days: [{ day: '2003-02-01', count: 1 }] }]);
  });

  it('reads one D1 row per day, not per photo, and counts neither a duplicate nor a photo of another library', async () => {
    const { libraryId, token } = await newLibrary();
    const other = await newLibrary();
    // 240 photos over 3 days.
    const seeds: Seed[] = Array.from({ length: 240 }, (_, i) => ({ name: `p${i}`, takenAt: `2022-05-0${1 + (i % 3)}T10:00:00`, uploaded: '2026-11-01T12:00:00Z' }));
    await seed(libraryId, seeds);
    await seed(other.libraryId, [{ name: 'o', takenAt: '2022-05-01T10:00:00', uploaded: '2026-11-01T12:00:00Z' }]);
    // The same bytes again: no new row, no new count.
    const sha = (await testEnv.DB.prepare(`SELECT sha256 FROM photos WHERE library_id = ?1 LIMIT 1`).bind(libraryId).first<{ sha256: string }>())!.sha256;
    const dup = await insertPhoto(testEnv.DB, {
      id: newPhotoId(Date.now()), libraryId, filename: 'dup.jpg', sha256: sha, mime: 'image/jpeg', kind: 'image', bytes: 1, width: 1, height: 1, stages: ['exif'],
      exif: { takenAt: '2022-05-01T11:00:00', offset: null } as never,
    }, Date.now(), false);
    expect(dup.inserted).toBe(false);
    const res = await api('/api/photos/timeline', { token });
    expect((await res.json<TimelineResponse>()).months).toEqual([{ month: '2022-05', count: 240, days: [
      { day: '2022-05-03', count: 80 }, { day: '2022-05-02', count: 80 }, { day: '2022-05-01', count: 80 },
    ] }]);
    // The day counts read the 3 days (and the row that ends the range); counting the photos over their
    // index (before migration 0019) gives the same days but reads all 240 photos, one row each.
    expect(Number(res.headers.get('X-D1-Rows-Read'))).toBeLessThanOrEqual(4);
    const counted = await testEnv.DB
      .prepare(`SELECT substr(sort_at, 1, 10) AS day, count(*) AS count FROM photos INDEXED BY photos_library_sort WHERE library_id = ?1 GROUP BY day ORDER BY day DESC`)
      .bind(libraryId).all<{ day: string; count: number }>();
    expect(counted.results).toEqual([{ day: '2022-05-03', count: 80 }, { day: '2022-05-02', count: 80 }, { day: '2022-05-01', count: 80 }]);
    expect(counted.meta.rows_read).toBeGreaterThanOrEqual(240);
  });

  it("never shows another library's photos or days, even through its cursor", async () => {
    const a = await newLibrary();
    const b = await newLibrary();
    await seed(a.libraryId, [
      { name: 'a1', takenAt: '2020-01-01T00:00:00', uploaded: '2026-11-01T12:00:00Z' },
      { name: 'a2', takenAt: '2020-01-02T00:00:00', uploaded: '2026-11-01T12:00:00Z' },
    ]);
    await seed(b.libraryId, [{ name: 'b1', takenAt: '2018-01-01T00:00:00', uploaded: '2026-11-01T12:00:00Z' }]);
    const first = await list(a.token, 'order=taken&limit=1');
    expect(first.nextCursor).not.toBeNull();
    const other = await list(b.token, `order=taken&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(other.photos.map((p) => p.filename)).toEqual(['b1.jpg']);
    expect((await list(b.token, 'order=taken&at=2020-01')).photos.map((p) => p.filename)).toEqual(['b1.jpg']);
    expect((await timeline(b.token)).months).toEqual([{ month: '2018-01', count: 1, days: [{ day: '2018-01-01', count: 1 }] }]);
    expect((await timeline(a.token)).months.map((m) => m.count)).toEqual([2]);
  });

  it('answers a bad cursor or date with 400 invalid_request', async () => {
    const { libraryId, token } = await newLibrary();
    const ids = await seed(libraryId, [{ name: 'x', uploaded: '2026-11-01T12:00:00Z' }]);
    for (const q of [
      `order=taken&cursor=${ids.x}`, // an upload-order cursor
      `cursor=${encodeURIComponent(`2026-11-01T12:00:00~${ids.x}`)}`, // a timeline cursor without order=taken
      'order=taken&cursor=2026-11-01T12:00:00~short', 'order=taken&cursor=%27%3B--', 'order=sideways',
      'order=taken&at=2019-13', 'order=taken&at=2019-06-32', 'order=taken&at=19-06', 'at=2019-06',
      `order=taken&at=2019-06&cursor=${encodeURIComponent(`2026-11-01T12:00:00~${ids.x}`)}`,
    ]) {
      const res = await api(`/api/photos?${q}`, { token });
      expect(res.status, q).toBe(400);
      expect((await res.json<ErrorBody>()).error.code, q).toBe('invalid_request');
    }
  });
});
