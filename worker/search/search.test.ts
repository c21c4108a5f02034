// POST /api/search: ranking by known vectors, every filter alone and together, pages, and bad input.
import { describe, expect, it } from 'vitest';
import type { ErrorBody, PhotoResponse } from '../contract/http';
import type { SearchResponse } from '../contract/search';
import { api } from '../test/helpers';
import { searchLibrary, seedPhoto, vec } from './test-seed';

const D = 8;
const MODEL = { id: 'test/clip', version: '1' };

function searchReq(token: string, body: unknown) {
  return api('/api/search', { method: 'POST', token, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
}
async function find(token: string, body: object) {
  const res = await searchReq(token, body);
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  return res.json<SearchResponse>();
}
const ids = (r: SearchResponse) => r.results.map((x) => x.photo.id);
async function expectError(token: string, body: unknown, status: number, code: string) {
  const res = await searchReq(token, body);
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect((JSON.parse(text) as ErrorBody).error.code).toBe(code);
}

describe('ranking', () => {
  it('orders by cosine similarity to the query vector, with scores, as GET /api/photos shows photos', async () => {
    const { libraryId, token } = await searchLibrary();
    const far = await seedPhoto(libraryId, { vector: vec(D, 1) });
    const exact = await seedPhoto(libraryId, { vector: vec(D, 0) });
    const opposite = await seedPhoto(libraryId, { vector: vec(D, 0).map((x) => -x) });
    const close = await seedPhoto(libraryId, { vector: vec(D, 0, 0.3) });
    const closer = await seedPhoto(libraryId, { vector: vec(D, 0, 0.1) });
    await seedPhoto(libraryId, {}); // not analysed: never ranked

    const r = await find(token, { vector: { model: MODEL, values: vec(D, 0) } });
    expect(ids(r)).toEqual([exact, closer, close, far, opposite]);
    const scores = r.results.map((x) => x.score!);
    expect(scores[0]).toBeCloseTo(1, 2);
    expect(scores[1]).toBeCloseTo(1 / Math.hypot(1, 0.1), 2);
    expect(scores[2]).toBeCloseTo(1 / Math.hypot(1, 0.3), 2);
    expect(scores[3]).toBeCloseTo(0, 2);
    expect(scores[4]).toBeCloseTo(-1, 2);
    expect(r.nextCursor).toBeNull();

    const { photo } = await (await api(`/api/photos/${exact}`, { token })).json<PhotoResponse>();
    const strip = (p: object) => JSON.parse(JSON.stringify(p).replace(/\?exp=[^"]+/g, ''));
    expect(strip(r.results[0].photo)).toEqual(strip(photo));
  });

  it('ranks by another photo with similarTo, leaving that photo out', async () => {
    const { libraryId, token } = await searchLibrary();
    const base = await seedPhoto(libraryId, { vector: vec(D, 2) });
    const near = await seedPhoto(libraryId, { vector: vec(D, 2, 0.2) });
    const far = await seedPhoto(libraryId, { vector: vec(D, 5) });
    const r = await find(token, { similarTo: base });
    expect(ids(r)).toEqual([near, far]);
    expect(r.results[0].score).toBeGreaterThan(0.9);
  });

  it('without a vector lists newest first by date taken, falling back to the upload time; score null', async () => {
    const { libraryId, token } = await searchLibrary();
    const t0 = Date.parse('2024-05-01T00:00:00Z');
    const old = await seedPhoto(libraryId, { takenAt: '2010-01-01T10:00:00' });
    const uploaded = await seedPhoto(libraryId, { at: t0 });
    const recent = await seedPhoto(libraryId, { takenAt: '2024-06-01T10:00:00+02:00', at: t0 - 1000 });
    const r = await find(token, {});
    expect(ids(r)).toEqual([recent, uploaded, old]);
    expect(r.results.every((x) => x.score === null)).toBe(true);
  });
});

describe('filters', () => {
  async function library() {
    const { libraryId, token } = await searchLibrary();
    const p = {
      beach: await seedPhoto(libraryId, {
        vector: vec(D, 0), caption: 'Children playing on the beach', tags: ['Beach', 'sea'], make: 'Apple', model: 'iPhone 4',
        takenAt: '2019-07-14T16:00:00+02:00', gps: { lat: 48.8584, lon: 2.2945 }, filename: 'IMG_0001.JPG',
      }),
      snow: await seedPhoto(libraryId, {
        vector: vec(D, 0, 0.5), caption: 'A snowy mountain', tags: ['snow'], make: 'Canon', model: 'Canon EOS 5D',
        takenAt: '2019-12-31T23:30:00-05:00', gps: { lat: 45.8326, lon: 6.8652 }, keywords: ['Alps', 'Café'],
      }),
      video: await seedPhoto(libraryId, { kind: 'video', filename: 'birthday-party.mov', takenAt: '2020-01-01T00:10:00', make: 'Apple', model: 'iPhone 4S' }),
      plain: await seedPhoto(libraryId, { vector: vec(D, 3), caption: 'a beachball on grass', title: 'Garden', takenAt: '2018-03-01T12:00:00' }),
    };
    return { token, p };
  }

  it('narrows by each filter alone', async () => {
    const { token, p } = await library();
    const only = async (body: object) => ids(await find(token, body)).sort();
    const sorted = (...xs: string[]) => xs.sort();
    expect(await only({ text: 'beach' })).toEqual(sorted(p.beach, p.plain)); // "beach" starts "beachball"
    expect(await only({ text: 'children beach' })).toEqual([p.beach]);
    expect(await only({ text: 'BIRTHDAY' })).toEqual([p.video]); // the filename
    expect(await only({ text: 'cafe alps' })).toEqual([p.snow]); // keywords, without the accent
    expect(await only({ text: 'garden' })).toEqual([p.plain]); // the title
    expect(await only({ text: 'each' })).toEqual([]); // words match from their start
    expect(await only({ tags: ['beach'] })).toEqual([p.beach]);
    expect(await only({ tags: ['alps'] })).toEqual([p.snow]); // keywords count as tags
    expect(await only({ tags: ['beach', 'snow'] })).toEqual([]);
    expect(await only({ camera: 'iPhone 4' })).toEqual([p.beach]); // not the iPhone 4S
    expect(await only({ camera: 'apple' })).toEqual(sorted(p.beach, p.video));
    expect(await only({ camera: 'Canon EOS 5D' })).toEqual([p.snow]);
    expect(await only({ from: '2019-07-14', to: '2019-12-31' })).toEqual(sorted(p.beach, p.snow)); // local days
    expect(await only({ from: '2020-01-01' })).toEqual([p.video]);
    expect(await only({ to: '2018-12-31' })).toEqual([p.plain]);
    expect(await only({ near: { lat: 48.85, lon: 2.29, km: 5 } })).toEqual([p.beach]);
    expect(await only({ near: { lat: 48.85, lon: 2.29, km: 500 } })).toEqual(sorted(p.beach, p.snow));
    expect(await only({ kind: 'video' })).toEqual([p.video]);
    expect(await only({ kind: 'image' })).toEqual(sorted(p.beach, p.snow, p.plain));
  });

  it('combines filters with each other and with a vector', async () => {
    const { token, p } = await library();
    expect(ids(await find(token, { camera: 'apple', kind: 'image', from: '2019-01-01' }))).toEqual([p.beach]);
    expect(ids(await find(token, { text: 'beach', to: '2018-12-31', kind: 'image' }))).toEqual([p.plain]);
    const ranked = await find(token, { vector: { model: MODEL, values: vec(D, 0) }, kind: 'image', from: '2019-01-01', to: '2019-12-31' });
    expect(ids(ranked)).toEqual([p.beach, p.snow]);
    expect(ids(await find(token, { vector: { model: MODEL, values: vec(D, 0) }, near: { lat: 45.9, lon: 6.9, km: 20 }, tags: ['snow'] }))).toEqual([p.snow]);
    expect(ids(await find(token, { similarTo: p.beach, text: 'beach' }))).toEqual([p.plain]);
  });
});

describe('pagination', () => {
  it('walks ranked and newest-first results page by page without gaps or repeats', async () => {
    const { libraryId, token } = await searchLibrary();
    for (let i = 0; i < 7; i++) await seedPhoto(libraryId, { vector: vec(D, 0, i * 0.2) });
    // Two photos with the same vector tie on score; the id breaks the tie, across a page boundary too.
    await seedPhoto(libraryId, { vector: vec(D, 0, 0.4) });
    for (const query of [{ vector: { model: MODEL, values: vec(D, 0) } }, {}]) {
      const all = ids(await find(token, { ...query, limit: 50 }));
      expect(all).toHaveLength(8);
      const walked: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: SearchResponse = await find(token, { ...query, limit: 3, ...(cursor && { cursor }) });
        walked.push(...ids(page));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(walked).toEqual(all);
      expect(pages).toBe(3);
    }
  });

  it('refuses a cursor it did not make, or one of the other ordering', async () => {
    const { libraryId, token } = await searchLibrary();
    for (let i = 0; i < 3; i++) await seedPhoto(libraryId, { vector: vec(D, i) });
    const { nextCursor } = await find(token, { limit: 1 });
    await expectError(token, { cursor: 'not-a-cursor' }, 400, 'invalid_request');
    await expectError(token, { vector: { model: MODEL, values: vec(D, 0) }, cursor: nextCursor }, 400, 'invalid_request');
  });
});

describe('bad requests', () => {
  it('answers each kind of bad vector with its own code', async () => {
    const { libraryId, token } = await searchLibrary();
    await seedPhoto(libraryId, { vector: vec(D, 0) });
    await expectError(token, { vector: { model: MODEL, values: vec(D + 1, 0) } }, 400, 'invalid_vector');
    await expectError(token, { vector: { model: MODEL, values: [] } }, 400, 'invalid_vector');
    await expectError(token, `{"vector":{"model":{"id":"test/clip","version":"1"},"values":[1e999,0,0,0,0,0,0,0]}}`, 400, 'invalid_vector');
    await expectError(token, { vector: { model: MODEL, values: [1, 0, 0, 'x', 0, 0, 0, 0] } }, 400, 'invalid_vector');
    await expectError(token, { vector: { model: MODEL, values: [1, 0, 0, null, 0, 0, 0, 0] } }, 400, 'invalid_vector');
    await expectError(token, { vector: { model: MODEL, values: new Array(D).fill(0) } }, 400, 'invalid_vector');
    await expectError(token, { vector: { model: { id: 'test/clip', version: '2' }, values: vec(D, 0) } }, 400, 'vector_model_mismatch');
    await expectError(token, { vector: { model: { id: 'other/siglip' }, values: vec(D, 0) } }, 400, 'vector_model_mismatch');
    await expectError(token, { vector: { values: vec(D, 0) } }, 400, 'invalid_request');
  });

  it('answers 404 for an unknown photo, 409 for one not analysed yet, 400 for malformed filters', async () => {
    const { libraryId, token } = await searchLibrary();
    const bare = await seedPhoto(libraryId, {});
    await seedPhoto(libraryId, { vector: vec(D, 0) });
    await expectError(token, { similarTo: '0000000000000000000000' }, 404, 'not_found');
    await expectError(token, { similarTo: '000000000000000000000' }, 404, 'not_found');
    await expectError(token, { similarTo: bare }, 409, 'conflict');
    await expectError(token, { similarTo: bare, vector: { model: MODEL, values: vec(D, 0) } }, 400, 'invalid_request');
    await expectError(token, { from: '2020-02-30' }, 400, 'invalid_request');
    await expectError(token, { from: '2020-02-01', to: '2020-01-01' }, 400, 'invalid_request');
    await expectError(token, { near: { lat: 91, lon: 0, km: 1 } }, 400, 'invalid_request');
    await expectError(token, { near: { lat: 0, lon: 0, km: 0 } }, 400, 'invalid_request');
    await expectError(token, { kind: 'gif' }, 400, 'invalid_request');
    await expectError(token, { limit: 0 }, 400, 'invalid_request');
    await expectError(token, { person: 'not a person' }, 400, 'invalid_request');
    await expectError(token, { person: 'p_123' }, 404, 'not_found'); // the person filter: person-filter.test.ts
    await expectError(token, { camrea: 'x' }, 400, 'invalid_request');
    await expectError(token, 'not json', 400, 'invalid_request');
  });
});
