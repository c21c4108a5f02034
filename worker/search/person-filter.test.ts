// POST /api/search {person}: a person's photos, kept current as faces are assigned, merged, moved and
// deleted (the index follows people.changed events), after a rebuild from D1, and per library.
import { describe, expect, it } from 'vitest';
import type { Face } from '../contract/analysis';
import type { ErrorBody } from '../contract/http';
import type { SearchResponse } from '../contract/search';
import { assignFaces } from '../people/assign';
import { face, models } from '../people/testing';
import { api, testEnv } from '../test/helpers';
import { searchLibrary, seedPhoto, vec } from './test-seed';

const D = 8;
const MODEL = { id: 'test/clip', version: '1' };
const json = (token: string, path: string, body: unknown) =>
  api(path, { method: 'POST', token, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
async function find(token: string, body: object) {
  const res = await json(token, '/api/search', body);
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  return res.json<SearchResponse>();
}
const ids = (r: SearchResponse) => r.results.map((x) => x.photo.id);
async function expectCode(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect((JSON.parse(text) as ErrorBody).error.code).toBe(code);
}

/** A photo (with an embedding along `axis`) whose analysis found these faces, assigned as the analysis route does. */
async function photoWithFaces(libraryId: string, faces: Face[], axis = 0) {
  const id = await seedPhoto(libraryId, { vector: vec(D, axis) });
  const shown = faces.map(({ embedding: e, ...f }) => ({ ...f, ...(e && { embedding: { dims: e.length } }) }));
  await testEnv.DB.prepare(`UPDATE photo_analysis SET faces = ?2 WHERE photo_id = ?1`).bind(id, JSON.stringify(shown)).run();
  await assignFaces(testEnv, libraryId, id, { faces, models });
  return id;
}

const personOf = async (photoId: string) =>
  (await testEnv.DB.prepare(`SELECT person_id FROM faces WHERE photo_id = ?1 AND person_id IS NOT NULL`).bind(photoId).first<{ person_id: string }>())!.person_id;
const faceOf = async (photoId: string) =>
  (await testEnv.DB.prepare(`SELECT id FROM faces WHERE photo_id = ?1`).bind(photoId).first<{ id: string }>())!.id;

describe('person filter', () => {
  it("answers a person's photos newest first, alone and with a vector, and follows merges, moves and deletions", async () => {
    const { libraryId, token } = await searchLibrary();
    const nobody = await seedPhoto(libraryId, { vector: vec(D, 0) });
    const a = [await photoWithFaces(libraryId, [face(0)], 1), await photoWithFaces(libraryId, [face(0)], 2), await photoWithFaces(libraryId, [face(0)], 0)];
    const b = [await photoWithFaces(libraryId, [face(3)]), await photoWithFaces(libraryId, [face(3)]), await photoWithFaces(libraryId, [face(3), face(0, 0.5)])];
    const pa = await personOf(a[0]);
    const pb = await personOf(b[0]);
    expect(pa).not.toBe(pb);

    expect(ids(await find(token, { person: pa }))).toEqual([b[2], a[2], a[1], a[0]]);
    expect(ids(await find(token, { person: pb }))).toEqual([...b].reverse());
    const ranked = await find(token, { person: pa, vector: { model: MODEL, values: vec(D, 2) } });
    expect(ids(ranked)[0]).toBe(a[1]);
    expect(ids(ranked)).not.toContain(nobody);

    // Merge: a's photos are b's now; a is gone.
    expect((await json(token, `/api/people/${pa}/merge`, { into: pb })).status).toBe(200);
    expect(ids(await find(token, { person: pb }))).toEqual([b[2], b[1], b[0], a[2], a[1], a[0]]);
    await expectCode(await json(token, '/api/search', { person: pa }), 404, 'not_found');

    // "Not this person" takes a photo out; deleting a photo does too.
    expect((await json(token, `/api/faces/${await faceOf(a[1])}/person`, { personId: null })).status).toBe(200);
    expect((await api(`/api/photos/${b[0]}`, { method: 'DELETE', token })).status).toBe(204);
    expect(ids(await find(token, { person: pb }))).toEqual([b[2], b[1], a[2], a[0]]);

    // A rebuild from D1 reads the same people.
    await testEnv.SEARCH_INDEX.getByName(libraryId).rebuild(libraryId);
    expect(ids(await find(token, { person: pb }))).toEqual([b[2], b[1], a[2], a[0]]);
  });

  it("answers 404 for an unknown person and for another library's", async () => {
    const one = await searchLibrary();
    const other = await searchLibrary();
    const photos = [await photoWithFaces(one.libraryId, [face(1)]), await photoWithFaces(one.libraryId, [face(1)]), await photoWithFaces(one.libraryId, [face(1)])];
    const person = await personOf(photos[0]);
    expect(ids(await find(one.token, { person }))).toHaveLength(3);
    await expectCode(await json(other.token, '/api/search', { person }), 404, 'not_found');
    await expectCode(await json(one.token, '/api/search', { person: 'pnosuchperson0000000000' }), 404, 'not_found');
    await expectCode(await json(one.token, '/api/search', { person: 'bad id!' }), 400, 'invalid_request');
  });
});
