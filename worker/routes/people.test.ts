// /api/people and /api/faces: incremental people, names, hiding, merges, moving faces, deletion, isolation.
import { describe, expect, it } from 'vitest';
import type { AnalysisSubmission, ClaimResponse } from '../contract/analysis';
import type { ErrorBody, PhotoResponse, UploadResponse } from '../contract/http';
import type { MoveFaceResponse, PeopleResponse, PersonResponse } from '../contract/people';
import { useModels } from '../analysis/testing';
import { face, facesOf, photoWith } from '../people/testing';
import { api, fixture, newLibrary, put, settled, testEnv, waitForPhoto } from '../test/helpers';

const send = (method: string, path: string, token: string, body: unknown) =>
  api(path, { method, token, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
const people = async (token: string) => (await (await api('/api/people', { token })).json<PeopleResponse>()).people;

/** A library with one person of `n` faces (person 0), spread over n photos. */
async function withPerson(n = 3, k = 0) {
  const lib = await newLibrary();
  const photos = [];
  for (let i = 0; i < n; i++) photos.push((await photoWith(lib.libraryId, [face(k)])).id);
  return { ...lib, photos };
}

describe('incremental people', () => {
  it('keeps faces waiting until three agree, then shows a person with counts and a signed cover', async () => {
    const { libraryId, token } = await newLibrary();
    const a = await photoWith(libraryId, [face(0)]);
    await photoWith(libraryId, [face(0), face(5, 0.5)]);
    expect(await people(token)).toEqual([]);
    const third = await photoWith(libraryId, [face(0)]);
    const [person] = await people(token);
    expect(person).toMatchObject({ name: null, faceCount: 3, photoCount: 3, hidden: false, cover: { box: [0.1, 0.1, 0.2, 0.2] } });
    expect(person.cover.url).toMatch(/^\/api\/media\/.+\/variant-1080\.webp\?exp=/);
    // The face of "person 5" still waits; the live feed hears about the new person.
    expect((await facesOf(a.id))[0].person_id).toBe(person.id);
    expect(third.events.find((e) => e.type === 'people.changed')!.payload).toContain(person.id);
    // A fourth face joins without a quorum: it is near the person.
    await photoWith(libraryId, [face(0)]);
    expect((await people(token))[0]).toMatchObject({ id: person.id, faceCount: 4 });
  });

  it('lists most photos first, and gives each face of a photo its id, person and name', async () => {
    const lib = await withPerson(3, 0);
    for (let i = 0; i < 4; i++) await photoWith(lib.libraryId, [face(1)]);
    const list = await people(lib.token);
    expect(list.map((p) => p.photoCount)).toEqual([4, 3]);
    await send('PATCH', `/api/people/${list[1].id}`, lib.token, { name: 'Ada' });
    const { photo } = await (await api(`/api/photos/${lib.photos[0]}`, { token: lib.token })).json<PhotoResponse>();
    expect(photo.analysis!.faces[0]).toMatchObject({ id: expect.stringMatching(/^f/), personId: list[1].id, personName: 'Ada' });
  });
});

describe('decisions', () => {
  it('names (cleaned plain text) and hides a person; refuses bad input with a code', async () => {
    const { token, photos } = await withPerson();
    const [p] = await people(token);
    const res = await send('PATCH', `/api/people/${p.id}`, token, { name: '  <b>Grace</b>\u202e\u0007 Hopper ', hidden: true });
    const body = await res.json<PersonResponse>();
    expect(body.person).toMatchObject({ name: '<b>Grace</b> Hopper', hidden: true });
    expect(body.faces).toHaveLength(3);
    expect(body.faces.map((f) => f.photoId).sort()).toEqual([...photos].sort());
    const bad: Array<[unknown, number, string]> = [
      [{ name: 'x'.repeat(101) }, 400, 'text_too_long'],
      [{}, 400, 'invalid_request'],
      [{ name: 5 }, 400, 'invalid_request'],
      [{ hidden: 'yes' }, 400, 'invalid_request'],
    ];
    for (const [b, status, code] of bad) {
      const r = await send('PATCH', `/api/people/${p.id}`, token, b);
      expect(r.status).toBe(status);
      expect((await r.json<ErrorBody>()).error.code).toBe(code);
    }
    // An empty name clears it.
    expect((await (await send('PATCH', `/api/people/${p.id}`, token, { name: ' \u200f ' })).json<PersonResponse>()).person.name).toBeNull();
  });

  it('merges into the target, which keeps its name; the source is gone', async () => {
    const lib = await withPerson(3, 0);
    for (let i = 0; i < 3; i++) await photoWith(lib.libraryId, [face(1)]);
    const [x, y] = await people(lib.token);
    await send('PATCH', `/api/people/${x.id}`, lib.token, { name: 'Target' });
    await send('PATCH', `/api/people/${y.id}`, lib.token, { name: 'Source' });
    const res = await send('POST', `/api/people/${y.id}/merge`, lib.token, { into: x.id });
    expect(res.status).toBe(200);
    expect((await res.json<PersonResponse>()).person).toMatchObject({ id: x.id, name: 'Target', faceCount: 6, photoCount: 6 });
    expect((await people(lib.token)).map((p) => p.id)).toEqual([x.id]);
    expect((await api(`/api/people/${y.id}`, { token: lib.token })).status).toBe(404);
    const self = await send('POST', `/api/people/${x.id}/merge`, lib.token, { into: x.id });
    expect((await self.json<ErrorBody>()).error.code).toBe('invalid_request');
    expect((await send('POST', `/api/people/${x.id}/merge`, lib.token, { into: 'nobody' })).status).toBe(404);
    expect((await send('POST', `/api/people/${x.id}/merge`, lib.token, {})).status).toBe(400);
  });

  it('moves a face to another person (pinned), or says "not this person"; a person left without faces disappears', async () => {
    const lib = await withPerson(3, 0);
    for (let i = 0; i < 3; i++) await photoWith(lib.libraryId, [face(1)]);
    const [x, y] = await people(lib.token);
    const [moved] = await facesOf((await (await api(`/api/people/${y.id}`, { token: lib.token })).json<PersonResponse>()).faces[0].photoId);
    const res = await send('POST', `/api/faces/${moved.id}/person`, lib.token, { personId: x.id });
    expect((await res.json<MoveFaceResponse>()).face).toMatchObject({ id: moved.id, personId: x.id, personName: null });
    const after = await people(lib.token);
    expect(after.find((p) => p.id === x.id)!.faceCount).toBe(4);
    expect(after.find((p) => p.id === y.id)!.faceCount).toBe(2);
    const rejected = await testEnv.DB.prepare(`SELECT person_id FROM face_rejections WHERE face_id = ?1`).bind(moved.id).all();
    expect(rejected.results).toEqual([{ person_id: y.id }]);

    // "Not this person" on y's last two faces: y disappears, the faces wait.
    for (const f of (await (await api(`/api/people/${y.id}`, { token: lib.token })).json<PersonResponse>()).faces) {
      const r = await send('POST', `/api/faces/${f.id}/person`, lib.token, { personId: null });
      expect((await r.json<MoveFaceResponse>()).face.personId).toBeNull();
    }
    expect((await people(lib.token)).map((p) => p.id)).toEqual([x.id]);
    expect((await send('POST', `/api/faces/fnope/person`, lib.token, { personId: null })).status).toBe(404);
    expect((await send('POST', `/api/faces/${moved.id}/person`, lib.token, { personId: y.id })).status).toBe(404);
    expect((await send('POST', `/api/faces/${moved.id}/person`, lib.token, {})).status).toBe(400);
  });
});

describe('deletion and isolation', () => {
  it('deleting photos removes their faces, and the person with them', async () => {
    const lib = await withPerson(3);
    const [p] = await people(lib.token);
    expect((await api(`/api/photos/${lib.photos[0]}`, { method: 'DELETE', token: lib.token })).status).toBe(204);
    expect(await facesOf(lib.photos[0])).toEqual([]);
    expect((await people(lib.token))[0]).toMatchObject({ id: p.id, faceCount: 2 });
    for (const id of lib.photos.slice(1)) await api(`/api/photos/${id}`, { method: 'DELETE', token: lib.token });
    expect(await people(lib.token)).toEqual([]);
    expect(await testEnv.DB.prepare(`SELECT 1 FROM people WHERE id = ?1`).bind(p.id).first()).toBeNull();
  });

  it("never shows, changes, merges or moves another library's people and faces", async () => {
    const a = await withPerson(3, 0);
    const b = await withPerson(3, 0); // the same faces in another library found their own person
    const [pa] = await people(a.token);
    const [pb] = await people(b.token);
    expect(pa.id).not.toBe(pb.id);
    expect((await api(`/api/people/${pa.id}`, { token: b.token })).status).toBe(404);
    expect((await send('PATCH', `/api/people/${pa.id}`, b.token, { name: 'Mallory' })).status).toBe(404);
    expect((await send('POST', `/api/people/${pb.id}/merge`, b.token, { into: pa.id })).status).toBe(404);
    const [fa] = await facesOf(a.photos[0]);
    expect((await send('POST', `/api/faces/${fa.id}/person`, b.token, { personId: pb.id })).status).toBe(404);
    expect((await send('POST', `/api/faces/${(await facesOf(b.photos[0]))[0].id}/person`, b.token, { personId: pa.id })).status).toBe(404);
    expect((await people(a.token))[0]).toMatchObject({ id: pa.id, name: null, faceCount: 3 });
  });
});

describe('through the analysis route', () => {
  it('posting results gives faces ids and people, visible on the photo', async () => {
    const { token } = await newLibrary();
    const models = { embedding: { id: 'tiny/clip', version: '1' }, faces: { id: 'tiny/face', version: '1' }, faceEmbedding: { id: 'tiny/face', version: '1' } };
    await useModels(token, { ...models, embedding: { ...models.embedding, dims: 2 }, faceEmbedding: { ...models.faceEmbedding, dims: 8 } });
    const ids = [];
    for (const name of ['face-obama.jpg', 'photo-noexif.jpg', 'photo-pixel-gps.jpg']) {
      const { photo } = await (await put(await fixture(name), name, token)).json<UploadResponse>();
      await waitForPhoto(photo.id, token, settled);
      ids.push(photo.id);
    }
    const { jobs } = await (await send('POST', '/api/analysis/claim', token, { max: 8, device: { backend: 'wasm' } })).json<ClaimResponse>();
    for (const job of jobs) {
      const body: AnalysisSubmission = {
        lease: job.lease, models, embedding: { dims: 2, values: [1, 0] },
        faces: [face(2), { box: [0.6, 0.6, 0.1, 0.1], score: 0.5 }], device: { backend: 'wasm' },
      };
      expect((await send('POST', `/api/analysis/${job.photoId}`, token, body)).status).toBe(200);
    }
    const [person] = await people(token);
    expect(person).toMatchObject({ faceCount: 3, photoCount: 3 });
    const { photo } = await (await api(`/api/photos/${ids[0]}`, { token })).json<PhotoResponse>();
    expect(photo.analysis!.faces).toEqual([
      expect.objectContaining({ id: expect.any(String), personId: person.id, personName: null, embedding: { dims: 8 } }),
      expect.objectContaining({ id: expect.any(String), personId: null, personName: null }),
    ]);
  });
});
