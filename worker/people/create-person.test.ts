// POST /api/people {faceId, name}: "Who is this?" answered with a new name makes a person of that one face,
// which re-clustering then keeps; bad input and other libraries' faces get their codes.
import { describe, expect, it } from 'vitest';
import type { ErrorBody, PhotoResponse } from '../contract/http';
import type { PeopleResponse, PersonResponse } from '../contract/people';
import { api, newLibrary, testEnv } from '../test/helpers';
import { reclusterLibrary } from './recluster-job';
import { face, facesOf, photoWith } from './testing';

const send = (path: string, token: string, body: unknown) =>
  api(path, { method: 'POST', token, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
const people = async (token: string) => (await (await api('/api/people', { token })).json<PeopleResponse>()).people;
async function expectCode(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect((JSON.parse(text) as ErrorBody).error.code).toBe(code);
}

describe('a person from one face', () => {
  it('names a lone waiting face: a person of one face, pinned, shown on the photo, kept by re-clustering', async () => {
    const { libraryId, token } = await newLibrary();
    const lone = await photoWith(libraryId, [face(4)]);
    const [waiting] = await facesOf(lone.id);
    expect(waiting.person_id).toBeNull();
    expect(await people(token)).toEqual([]);

    const res = await send('/api/people', token, { faceId: waiting.id, name: '  Ada\u202e  Lovelace ' });
    expect(res.status).toBe(201);
    const { person, faces } = await res.json<PersonResponse>();
    expect(person).toMatchObject({ name: 'Ada Lovelace', faceCount: 1, photoCount: 1, hidden: false, cover: { photoId: lone.id } });
    expect(faces).toEqual([expect.objectContaining({ id: waiting.id, photoId: lone.id, pinned: true })]);
    const { photo } = await (await api(`/api/photos/${lone.id}`, { token })).json<PhotoResponse>();
    expect(photo.analysis!.faces[0]).toMatchObject({ personId: person.id, personName: 'Ada Lovelace' });
    const changed = await testEnv.DB.prepare(`SELECT payload FROM events WHERE library_id = ?1 AND type = 'people.changed' ORDER BY seq DESC`).bind(libraryId).first<{ payload: string }>();
    expect(JSON.parse(changed!.payload)).toMatchObject({ people: [person.id], photoIds: [lone.id] });

    // Later faces of her join her (her centroid is her face); re-clustering keeps her as she is.
    await photoWith(libraryId, [face(4)]);
    const model = (await testEnv.DB.prepare(`SELECT model FROM people WHERE id = ?1`).bind(person.id).first<{ model: string }>())!.model;
    await reclusterLibrary(testEnv.DB, libraryId, model, Date.now());
    expect(await people(token)).toEqual([expect.objectContaining({ id: person.id, name: 'Ada Lovelace', faceCount: 2 })]);
  });

  it('takes a face out of the person it was found with: a new person, and "not that one" remembered', async () => {
    const { libraryId, token } = await newLibrary();
    const photos = [];
    for (let i = 0; i < 4; i++) photos.push((await photoWith(libraryId, [face(0)])).id);
    const [found] = await people(token);
    const [f] = await facesOf(photos[3]);
    expect(f.person_id).toBe(found.id);
    const res = await send('/api/people', token, { faceId: f.id, name: 'Twin' });
    const { person } = await res.json<PersonResponse>();
    const after = await people(token);
    expect(after.find((p) => p.id === found.id)).toMatchObject({ faceCount: 3 });
    expect(after.find((p) => p.id === person.id)).toMatchObject({ name: 'Twin', faceCount: 1 });
    const rejected = await testEnv.DB.prepare(`SELECT person_id FROM face_rejections WHERE face_id = ?1`).bind(f.id).all();
    expect(rejected.results).toEqual([{ person_id: found.id }]);
  });

  it('refuses a missing name, unknown and foreign faces, and a face without an embedding', async () => {
    const a = await newLibrary();
    const b = await newLibrary();
    const [fa] = await facesOf((await photoWith(a.libraryId, [face(2)])).id);
    const [bare] = await facesOf((await photoWith(a.libraryId, [{ box: [0.1, 0.1, 0.2, 0.2], score: 0.9 }])).id);
    await expectCode(await send('/api/people', a.token, { faceId: fa.id, name: ' \u200b ' }), 400, 'invalid_request');
    await expectCode(await send('/api/people', a.token, { faceId: fa.id }), 400, 'invalid_request');
    await expectCode(await send('/api/people', a.token, { faceId: fa.id, name: 'x'.repeat(101) }), 400, 'text_too_long');
    await expectCode(await send('/api/people', a.token, { faceId: 'fnosuchface', name: 'Ada' }), 404, 'not_found');
    await expectCode(await send('/api/people', b.token, { faceId: fa.id, name: 'Mallory' }), 404, 'not_found');
    await expectCode(await send('/api/people', a.token, { faceId: bare.id, name: 'Ada' }), 409, 'conflict');
    expect(await people(a.token)).toEqual([]);
    expect(await testEnv.DB.prepare(`SELECT COUNT(*) AS n FROM people WHERE library_id = ?1`).bind(a.libraryId).first('n')).toBe(0);
  });
});
