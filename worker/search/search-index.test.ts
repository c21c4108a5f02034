// The index follows D1: deletions, tenant isolation, rebuilds from D1 (empty storage, pruned event log),
// the library's embedding model, a real analysis result end to end, and near-duplicate groups.
import { describe, expect, it } from 'vitest';
import type { AnalysisSubmission, ClaimResponse } from '../contract/analysis';
import type { ErrorBody, UploadResponse } from '../contract/http';
import type { NearDuplicatesResponse, SearchResponse } from '../contract/search';
import { api, fixture, put, settled, testEnv, waitForPhoto } from '../test/helpers';
import { searchLibrary, seedPhoto, useEmbeddingModel, vec } from './test-seed';

const D = 8;
const MODEL = { id: 'test/clip', version: '1' };
const json = (token: string, path: string, body: unknown, method = 'POST') =>
  api(path, { method, token, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
async function find(token: string, body: object) {
  const res = await json(token, '/api/search', body);
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  return res.json<SearchResponse>();
}
const ids = (r: SearchResponse) => r.results.map((x) => x.photo.id);
const index = (libraryId: string) => testEnv.SEARCH_INDEX.getByName(libraryId);

describe('following D1', () => {
  it('drops a deleted photo from the index and from results', async () => {
    const { libraryId, token } = await searchLibrary();
    const keep = await seedPhoto(libraryId, { vector: vec(D, 0, 0.5), caption: 'dog' });
    const gone = await seedPhoto(libraryId, { vector: vec(D, 0), caption: 'dog' });
    expect(ids(await find(token, { vector: { model: MODEL, values: vec(D, 0) } }))).toEqual([gone, keep]);
    expect((await api(`/api/photos/${gone}`, { method: 'DELETE', token })).status).toBe(204);
    expect(ids(await find(token, { vector: { model: MODEL, values: vec(D, 0) } }))).toEqual([keep]);
    expect(ids(await find(token, { text: 'dog' }))).toEqual([keep]);
    const stats = await index(libraryId).stats(libraryId);
    expect(stats).toMatchObject({ photos: 1, embeddings: 1, model: 'test/clip@1', dims: D });
    await expectCode(await json(token, '/api/search', { similarTo: gone }), 404, 'not_found');
  });

  it('keeps libraries apart', async () => {
    const a = await searchLibrary();
    const b = await searchLibrary();
    const inA = await seedPhoto(a.libraryId, { vector: vec(D, 0), caption: 'shared words' });
    const inB = await seedPhoto(b.libraryId, { vector: vec(D, 0), caption: 'shared words' });
    expect(ids(await find(a.token, { vector: { model: MODEL, values: vec(D, 0) } }))).toEqual([inA]);
    expect(ids(await find(b.token, { text: 'shared' }))).toEqual([inB]);
    expect(ids(await find(b.token, {}))).toEqual([inB]);
    await expectCode(await json(b.token, '/api/search', { similarTo: inA }), 404, 'not_found');
  });

  it('builds itself from D1 when its storage is empty, and again on demand', async () => {
    const { libraryId, token } = await searchLibrary();
    // Written before the index ever existed: only a rebuild from D1 can know them.
    const first = await seedPhoto(libraryId, { vector: vec(D, 0), tags: ['cat'] });
    const second = await seedPhoto(libraryId, { vector: vec(D, 0, 0.4), tags: ['cat'] });
    await testEnv.DB.prepare('DELETE FROM events WHERE library_id = ?1').bind(libraryId).run();
    const query = { vector: { model: MODEL, values: vec(D, 0) }, tags: ['cat'] };
    expect(ids(await find(token, query))).toEqual([first, second]);
    const third = await seedPhoto(libraryId, { vector: vec(D, 0, 0.2), tags: ['cat'] });
    expect(ids(await find(token, query))).toEqual([first, third, second]);
    const { rowsRead } = await index(libraryId).rebuild(libraryId);
    expect(rowsRead).toBeGreaterThan(0);
    expect(ids(await find(token, query))).toEqual([first, third, second]);
  });

  it('rebuilds when the events it has not seen were pruned', async () => {
    const { libraryId, token } = await searchLibrary();
    await seedPhoto(libraryId, { vector: vec(D, 0) });
    expect(ids(await find(token, {}))).toHaveLength(1);
    const missed = await seedPhoto(libraryId, { vector: vec(D, 1) });
    const latest = await seedPhoto(libraryId, { vector: vec(D, 2) });
    // The log loses the events of `missed` (a week passed); `latest`'s events remain.
    await testEnv.DB.prepare(`DELETE FROM events WHERE library_id = ?1 AND (photo_id = ?2 OR seq <= 2)`).bind(libraryId, missed).run();
    expect(ids(await find(token, {})).sort()).toEqual([...ids(await find(token, { limit: 200 }))].sort());
    expect(ids(await find(token, { similarTo: latest }))).toContain(missed);
  });

  it("searches the library's setting model, and follows the setting when it changes", async () => {
    const { libraryId, token } = await searchLibrary();
    const old = await seedPhoto(libraryId, { vector: vec(4, 0), embeddingModel: 'old/clip@1' });
    const old2 = await seedPhoto(libraryId, { vector: vec(4, 1), embeddingModel: 'old/clip@1' });
    const b1 = await seedPhoto(libraryId, { vector: vec(D, 0) });
    // Most photos have old/clip embeddings; the setting names test/clip@1, so that is what is searched.
    expect(ids(await find(token, { vector: { model: MODEL, values: vec(D, 0) } }))).toEqual([b1]);
    await expectCode(await json(token, '/api/search', { vector: { model: { id: 'old/clip', version: '1' }, values: vec(4, 0) } }), 400, 'vector_model_mismatch');
    await useEmbeddingModel(libraryId, { id: 'old/clip', version: '1', dims: 4 });
    expect(ids(await find(token, { vector: { model: { id: 'old/clip', version: '1' }, values: vec(4, 0) } }))).toEqual([old, old2]);
    await expectCode(await json(token, '/api/search', { vector: { model: MODEL, values: vec(D, 0) } }), 400, 'vector_model_mismatch');
  });

  it('refuses vectors of another model even before any photo is analysed', async () => {
    const { token } = await searchLibrary();
    await expectCode(await json(token, '/api/search', { vector: { model: { id: 'other/clip' }, values: vec(D, 0) } }), 400, 'vector_model_mismatch');
    await expectCode(await json(token, '/api/search', { vector: { model: MODEL, values: vec(D + 1, 0) } }), 400, 'invalid_vector');
  });
});

describe('D1 rows read', () => {
  it('stays the same per query and per update as the library grows', async () => {
    const { libraryId, token } = await searchLibrary();
    const rowsRead = async (body: object) => Number((await json(token, '/api/search', body)).headers.get('X-D1-Rows-Read'));
    const query = { vector: { model: MODEL, values: vec(D, 0) }, limit: 2 };
    const cost = async () => {
      await seedPhoto(libraryId, { vector: vec(D, 3) }); // an update for the next query to apply
      const applying = await rowsRead(query);
      return { applying, steady: await rowsRead(query), filtered: await rowsRead({ ...query, kind: 'image', text: 'photo' }) };
    };
    for (let i = 0; i < 4; i++) await seedPhoto(libraryId, { vector: vec(D, i) });
    await rowsRead(query);
    const small = await cost();
    for (let i = 0; i < 60; i++) await seedPhoto(libraryId, { vector: vec(D, i % D, i / 60) });
    await rowsRead(query);
    expect(await cost()).toEqual(small);
    expect(small.steady).toBeLessThan(30);
  });
});

describe('with a real analysis result', () => {
  it('finds a photo by the embedding its analysis tab posted, and not after it is deleted', async () => {
    const { token } = await searchLibrary(512);
    const { photo } = await (await put(await fixture('photo-pixel-gps.jpg'), 'pixel.jpg', token)).json<UploadResponse>();
    await waitForPhoto(photo.id, token, settled);
    const [job] = (await (await json(token, '/api/analysis/claim', { max: 1, device: { backend: 'wasm' } })).json<ClaimResponse>()).jobs;
    const values = Array.from({ length: 512 }, (_, i) => Math.sin(i * 0.37));
    const submission: AnalysisSubmission = {
      lease: job.lease, models: { embedding: MODEL }, caption: 'a street at dusk', embedding: { dims: 512, values },
      detailedDescription: 'The image shows a cobbled lane between tall houses.', ocrText: 'BÄCKEREI Müller',
      tags: [{ label: 'street', score: 0.8 }], device: { backend: 'wasm' },
    };
    expect((await json(token, `/api/analysis/${photo.id}`, submission)).status).toBe(200);
    const r = await find(token, { vector: { model: MODEL, values }, text: 'dusk', tags: ['street'], camera: 'google pixel', near: { lat: 50.3, lon: 14.82, km: 1 }, from: '2018-07-25', to: '2018-07-25' });
    expect(ids(r)).toEqual([photo.id]);
    expect(r.results[0].score).toBeCloseTo(1, 3);
    expect(r.results[0].photo.analysis?.caption).toBe('a street at dusk');
    // The detailed description and the text read in the photo are searchable words too.
    expect(ids(await find(token, { text: 'cobbled' }))).toEqual([photo.id]);
    expect(ids(await find(token, { text: 'baeckerei' }))).toEqual([]);
    expect(ids(await find(token, { text: 'backerei muller' }))).toEqual([photo.id]);
    await expectCode(await json(token, '/api/search', { vector: { model: MODEL, values: values.slice(1) } }), 400, 'invalid_vector');
    expect((await api(`/api/photos/${photo.id}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await find(token, { vector: { model: MODEL, values } })).results).toEqual([]);
  });
});

describe('near-duplicates', () => {
  it('groups nearly identical embeddings, newest first, with a conservative default', async () => {
    const { libraryId, token } = await searchLibrary();
    const burst1 = await seedPhoto(libraryId, { vector: vec(D, 0) });
    const burst2 = await seedPhoto(libraryId, { vector: vec(D, 0, 0.05) }); // distance ≈ 0.0012
    const burst3 = await seedPhoto(libraryId, { vector: vec(D, 0, 0.1) });
    const edit1 = await seedPhoto(libraryId, { vector: vec(D, 4) });
    const edit2 = await seedPhoto(libraryId, { vector: vec(D, 4, 0.08) });
    const similar = await seedPhoto(libraryId, { vector: vec(D, 4, 0.3) }); // distance ≈ 0.042: similar, not a duplicate
    await seedPhoto(libraryId, { vector: vec(D, 6) });
    await seedPhoto(libraryId, {});

    const res = await api('/api/search/near-duplicates', { token });
    expect(res.status).toBe(200);
    const body = await res.json<NearDuplicatesResponse>();
    expect(body.threshold).toBe(0.01);
    expect(body.groups.map((g) => g.photos.map((p) => p.id))).toEqual([[edit2, edit1], [burst3, burst2, burst1]]);
    expect(body.groups[1].similarity).toBeGreaterThan(0.99);
    expect(body.nextCursor).toBeNull();

    const wide = await (await api('/api/search/near-duplicates?threshold=0.05&limit=1', { token })).json<NearDuplicatesResponse>();
    expect(wide.groups.map((g) => g.photos.map((p) => p.id))).toEqual([[similar, edit2, edit1]]);
    const next = await (await api(`/api/search/near-duplicates?threshold=0.05&limit=1&cursor=${wide.nextCursor}`, { token })).json<NearDuplicatesResponse>();
    expect(next.groups.map((g) => g.photos.length)).toEqual([3]);
    expect(next.nextCursor).toBeNull();
    await expectCode(await api('/api/search/near-duplicates?threshold=0.5', { token }), 400, 'invalid_request');
  });
});

async function expectCode(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect((JSON.parse(text) as ErrorBody).error.code).toBe(code);
}
