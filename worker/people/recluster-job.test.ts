// The periodic re-clustering against real D1: it improves what the incremental path left behind and keeps
// every decision a person made (names, merges, moved faces, "not this person").
import { describe, expect, it } from 'vitest';
import type { PeopleResponse, PersonResponse } from '../contract/people';
import { api, newLibrary, testEnv } from '../test/helpers';
import { newFaceId, newPersonId } from './ids';
import { reclusterDue, reclusterLibrary } from './recluster-job';
import { face, facesOf, insertPhoto, photoWith } from './testing';
import { floatBytes, quantize, unit } from './vectors';

const MODEL = 'tiny/face#8';
const send = (method: string, path: string, token: string, body: unknown) =>
  api(path, { method, token, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
const people = async (token: string) => (await (await api('/api/people', { token })).json<PeopleResponse>()).people;
const person = async (token: string, id: string) => (await api(`/api/people/${id}`, { token })).json<PersonResponse>();

/** Faces the incremental path never saw together (more than its pool, say): stored waiting, or in `personId`. */
async function storedFaces(libraryId: string, k: number, n: number, personId: string | null = null) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const photo = await insertPhoto(libraryId);
    const q = quantize(unit(face(k).embedding!));
    const id = newFaceId();
    await testEnv.DB.prepare(
      `INSERT INTO faces (id, library_id, photo_id, idx, box, score, model, embedding, scale, person_id, created_at) VALUES (?1, ?2, ?3, 0, '[0.1,0.1,0.2,0.2]', 0.9, ?4, ?5, ?6, ?7, 1)`,
    ).bind(id, libraryId, photo, MODEL, q.bytes, q.scale, personId).run();
    ids.push(id);
  }
  return ids;
}

async function duplicatePerson(libraryId: string, k: number, n: number) {
  const id = newPersonId();
  await testEnv.DB.prepare(`INSERT INTO people (id, library_id, model, centroid, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 1, 1)`)
    .bind(id, libraryId, MODEL, floatBytes(unit(face(k).embedding!))).run();
  await storedFaces(libraryId, k, n, id);
  return id;
}

async function photosOf(libraryId: string, k: number, n: number) {
  const ids = [];
  for (let i = 0; i < n; i++) ids.push((await photoWith(libraryId, [face(k)])).id);
  return ids;
}

const personOfFace = async (faceId: string) =>
  (await testEnv.DB.prepare(`SELECT person_id FROM faces WHERE id = ?1`).bind(faceId).first<{ person_id: string | null }>())!.person_id;

describe('re-clustering', () => {
  it('assigns waiting faces, founds people, folds duplicates — and keeps names, merges, moves and refusals', async () => {
    const { libraryId, token } = await newLibrary();
    const annPhotos = await photosOf(libraryId, 0, 4);
    const bPhotos = await photosOf(libraryId, 1, 3);
    await photosOf(libraryId, 2, 3);
    await photosOf(libraryId, 3, 3);
    const byCount = async (k: number) => (await facesOf(k === 0 ? annPhotos[0] : bPhotos[0]))[0].person_id!;
    const ann = await byCount(0);
    const b = await byCount(1);
    const [c, d] = (await people(token)).map((p) => p.id).filter((id) => id !== ann && id !== b);

    // Decisions.
    await send('PATCH', `/api/people/${ann}`, token, { name: 'Ann' });
    const movedFace = (await facesOf(bPhotos[0]))[0].id;
    await send('POST', `/api/faces/${movedFace}/person`, token, { personId: ann }); // a k=1 face, but the person says Ann
    const refusedFace = (await facesOf(annPhotos[1]))[0].id;
    await send('POST', `/api/faces/${refusedFace}/person`, token, { personId: null }); // "not Ann"
    await send('POST', `/api/people/${d}/merge`, token, { into: c }); // k=2 and k=3 are one person, says the person

    // What the incremental path left behind.
    const waitingAnn = await storedFaces(libraryId, 0, 2);
    const newcomers = await storedFaces(libraryId, 5, 3);
    const lonely = await storedFaces(libraryId, 6, 1);
    const duplicate = await duplicatePerson(libraryId, 1, 3);

    await reclusterLibrary(testEnv.DB, libraryId, MODEL, Date.now());

    const annNow = await person(token, ann);
    expect(annNow.person).toMatchObject({ name: 'Ann', faceCount: 3 - 1 + 1 + 1 + 2 }); // 4 − refused + moved + 2 waiting
    expect(annNow.faces.map((f) => f.id)).toContain(movedFace);
    expect(annNow.faces.find((f) => f.id === movedFace)!.pinned).toBe(true);
    expect(annNow.faces.map((f) => f.id)).not.toContain(refusedFace);
    for (const id of waitingAnn) expect(await personOfFace(id)).toBe(ann);
    expect(await personOfFace(refusedFace)).not.toBe(ann);

    expect((await person(token, c)).person.faceCount).toBe(6); // the merge stays
    expect((await api(`/api/people/${d}`, { token })).status).toBe(404);

    const founded = await personOfFace(newcomers[0]);
    expect(founded).not.toBeNull();
    for (const id of newcomers) expect(await personOfFace(id)).toBe(founded);
    expect(await personOfFace(lonely[0])).toBeNull();

    // B (2 faces left, unlocked) and the duplicate (3) are one person now.
    const ids = (await people(token)).map((p) => p.id);
    expect(ids.includes(b) !== ids.includes(duplicate)).toBe(true);
    const kept = ids.includes(b) ? b : duplicate;
    expect((await person(token, kept)).person.faceCount).toBe(5);
    expect((await people(token)).length).toBe(4); // Ann, C, B-or-duplicate, the newcomers

    // Stable: a second run changes nothing.
    const snapshot = await testEnv.DB.prepare(`SELECT id, person_id FROM faces WHERE library_id = ?1 ORDER BY id`).bind(libraryId).all();
    expect(await reclusterLibrary(testEnv.DB, libraryId, MODEL, Date.now())).toEqual([]);
    expect((await testEnv.DB.prepare(`SELECT id, person_id FROM faces WHERE library_id = ?1 ORDER BY id`).bind(libraryId).all()).results).toEqual(snapshot.results);
  });

  it('folds an unnamed duplicate into a named person, never a named one away', async () => {
    const { libraryId, token } = await newLibrary();
    await photosOf(libraryId, 0, 4);
    const [big] = await people(token);
    const twin = await duplicatePerson(libraryId, 0, 3);
    await send('PATCH', `/api/people/${twin}`, token, { name: 'Twin' });
    await reclusterLibrary(testEnv.DB, libraryId, MODEL, Date.now());
    expect((await people(token)).map((p) => [p.id, p.name, p.faceCount])).toEqual([[twin, 'Twin', 7]]);
    expect(big.id).not.toBe(twin);

    const other = await newLibrary();
    await photosOf(other.libraryId, 0, 4);
    const [ann] = await people(other.token);
    const bea = await duplicatePerson(other.libraryId, 0, 3);
    await send('PATCH', `/api/people/${ann.id}`, other.token, { name: 'Ann' });
    await send('PATCH', `/api/people/${bea}`, other.token, { name: 'Bea' });
    await reclusterLibrary(testEnv.DB, other.libraryId, MODEL, Date.now());
    expect((await people(other.token)).map((p) => [p.name, p.faceCount])).toEqual([['Ann', 4], ['Bea', 3]]);
  });

  it('runs from the sweep for libraries whose faces changed, once', async () => {
    const { libraryId } = await newLibrary();
    await photosOf(libraryId, 0, 2);
    await storedFaces(libraryId, 0, 1);
    const due = async () =>
      (await testEnv.DB.prepare(`SELECT dirty_at >= COALESCE(clustered_at, 0) AS due FROM people_clustering WHERE library_id = ?1`).bind(libraryId).first<{ due: number }>())!.due;
    expect(await due()).toBe(1);
    // Other tests' libraries may be due too: run until this one is done (each run takes the oldest few).
    for (let i = 0; i < 50 && (await due()); i++) await reclusterDue(testEnv, Date.now());
    expect(await due()).toBe(0);
    const { results } = await testEnv.DB.prepare(`SELECT person_id FROM faces WHERE library_id = ?1`).bind(libraryId).all<{ person_id: string }>();
    expect(new Set(results.map((r) => r.person_id)).size).toBe(1);
    expect(results[0].person_id).not.toBeNull();
  });
});
