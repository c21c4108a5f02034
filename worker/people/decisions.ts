// What a person decides about people: names, hiding, merges, moved faces and "not this person". Each is
// written with its feed event in one batch, and each is what re-clustering reads and never overrides.
import { eventRows, photoEventStatement, type EventRow } from '../db/events';
import { AppError } from '../errors';
import { newPersonId } from './ids';
import { dropEmptyStatement, markDirtyStatement, peopleChangedStatement, refreshCentroids, returnedIds } from './store';

interface PersonRef {
  id: string;
  model: string;
  name: string | null;
}

const findPerson = (db: D1Database, libraryId: string, id: string) =>
  db.prepare(`SELECT id, model, name FROM people WHERE library_id = ?1 AND id = ?2`).bind(libraryId, id).first<PersonRef>();

export async function patchPerson(db: D1Database, libraryId: string, id: string, patch: { name?: string | null; hidden?: boolean }, now: number) {
  const results = await db.batch([
    db
      .prepare(
        `UPDATE people SET name = CASE WHEN ?3 THEN ?4 ELSE name END, hidden = COALESCE(?5, hidden), updated_at = ?6
          WHERE library_id = ?1 AND id = ?2`,
      )
      .bind(libraryId, id, patch.name !== undefined ? 1 : 0, patch.name ?? null, patch.hidden === undefined ? null : patch.hidden ? 1 : 0, now),
    peopleChangedStatement(db, libraryId, { people: [id], removed: [], photoIds: [] }, now),
  ]);
  if (results[0].meta.changes !== 1) throw new AppError('not_found', 'No such person.');
  return eventRows(results.slice(1));
}

/** `from`'s faces join `into`; `into` keeps its name (or takes `from`'s when it has none) and `from` is gone. */
export async function mergePeople(db: D1Database, libraryId: string, fromId: string, intoId: string, now: number): Promise<EventRow[]> {
  if (fromId === intoId) throw new AppError('invalid_request', 'A person cannot be merged into themselves.');
  const [from, into] = await Promise.all([findPerson(db, libraryId, fromId), findPerson(db, libraryId, intoId)]);
  if (!from || !into) throw new AppError('not_found', 'No such person.');
  if (from.model !== into.model) throw new AppError('conflict', 'These people were found by different face models; their faces cannot be compared.');
  const [lib, a, b] = [libraryId, fromId, intoId];
  await db.batch([
    db.prepare(`UPDATE faces SET person_id = ?3 WHERE library_id = ?1 AND person_id = ?2`).bind(lib, a, b),
    // "Not A" now means "not B" too: A is B.
    db.prepare(`INSERT OR IGNORE INTO face_rejections (face_id, person_id, library_id, created_at)
                SELECT face_id, ?3, library_id, created_at FROM face_rejections WHERE library_id = ?1 AND person_id = ?2`).bind(lib, a, b),
    db.prepare(`DELETE FROM face_rejections WHERE library_id = ?1 AND person_id = ?2`).bind(lib, a),
    db.prepare(`UPDATE people SET name = COALESCE(name, (SELECT name FROM people WHERE library_id = ?1 AND id = ?2)), updated_at = ?4
                 WHERE library_id = ?1 AND id = ?3`).bind(lib, a, b, now),
    db.prepare(`UPDATE person_merges SET into_id = ?3 WHERE library_id = ?1 AND into_id = ?2`).bind(lib, a, b),
    db.prepare(`INSERT OR REPLACE INTO person_merges (from_id, into_id, library_id, merged_at) VALUES (?2, ?3, ?1, ?4)`).bind(lib, a, b, now),
    db.prepare(`DELETE FROM people WHERE library_id = ?1 AND id = ?2`).bind(lib, a),
    markDirtyStatement(db, libraryId, into.model, now),
  ]);
  await refreshCentroids(db, libraryId, [intoId], now);
  return eventRows(await db.batch([peopleChangedStatement(db, libraryId, { people: [intoId], removed: [fromId], photoIds: [] }, now)]));
}

interface FaceRef {
  id: string;
  photo_id: string;
  model: string | null;
  person_id: string | null;
}

/**
 * Moves a face to a person (pinned: automation never moves it again) or, with null, says "not this person":
 * the face leaves its person, waits, and is never put back there. Moving away from a person also refuses it.
 */
export async function moveFace(db: D1Database, libraryId: string, faceId: string, personId: string | null, now: number) {
  const face = await db
    .prepare(`SELECT id, photo_id, model, person_id FROM faces WHERE library_id = ?1 AND id = ?2`)
    .bind(libraryId, faceId)
    .first<FaceRef>();
  if (!face) throw new AppError('not_found', 'No such face.');
  if (personId !== null) {
    const target = await findPerson(db, libraryId, personId);
    if (!target) throw new AppError('not_found', 'No such person.');
    if (!face.model) throw new AppError('conflict', 'This face has no embedding, so it cannot belong to a person.');
    if (target.model !== face.model) throw new AppError('conflict', 'This person was found by a different face model than this face.');
  }
  const previous = face.person_id;
  if (previous === personId) return { face, events: [] as EventRow[] };
  const statements = [
    ...(previous
      ? [db.prepare(`INSERT OR IGNORE INTO face_rejections (face_id, person_id, library_id, created_at) VALUES (?1, ?2, ?3, ?4)`).bind(faceId, previous, libraryId, now)]
      : []),
    ...(personId ? [db.prepare(`DELETE FROM face_rejections WHERE face_id = ?1 AND person_id = ?2`).bind(faceId, personId)] : []),
    db.prepare(`UPDATE faces SET person_id = ?3, pinned = ?4 WHERE library_id = ?1 AND id = ?2`).bind(libraryId, faceId, personId, personId ? 1 : 0),
    dropEmptyStatement(db, libraryId, previous ? [previous] : []),
    markDirtyStatement(db, libraryId, face.model ?? '', now),
  ];
  const results = await db.batch(statements);
  const removed = returnedIds(results[statements.length - 2]);
  const touched = [personId, previous].filter((p): p is string => !!p && !removed.includes(p));
  await refreshCentroids(db, libraryId, touched, now);
  const events = eventRows(await db.batch([
    photoEventStatement(db, libraryId, 'photo.updated', face.photo_id, now),
    peopleChangedStatement(db, libraryId, { people: touched, removed, photoIds: [face.photo_id] }, now),
  ]));
  return { face: { ...face, person_id: personId }, events };
}

/**
 * "Who is this?" answered with a new name: a person of this one face, named, the face pinned to them (and
 * refused by the person it leaves, as a move is). Named, they are never folded away by re-clustering.
 */
export async function createPerson(db: D1Database, libraryId: string, faceId: string, name: string, now: number) {
  const face = await db.prepare(`SELECT model FROM faces WHERE library_id = ?1 AND id = ?2`).bind(libraryId, faceId).first<{ model: string | null }>();
  if (!face) throw new AppError('not_found', 'No such face.');
  if (!face.model) throw new AppError('conflict', 'This face has no embedding, so it cannot belong to a person.');
  const id = newPersonId();
  await db.prepare(`INSERT INTO people (id, library_id, model, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)`)
    .bind(id, libraryId, face.model, name, now).run();
  try {
    return { id, ...(await moveFace(db, libraryId, faceId, id, now)) };
  } catch (err) {
    // The face went meanwhile (its photo was deleted): a person of no face must not stay behind.
    await db.prepare(`DELETE FROM people WHERE library_id = ?1 AND id = ?2 AND NOT EXISTS (SELECT 1 FROM faces WHERE person_id = ?2)`).bind(libraryId, id).run();
    throw err;
  }
}

/** Before a photo's rows go: its faces, and any person left without faces. */
export async function removePhotoFaces(db: D1Database, libraryId: string, photoId: string, now: number): Promise<EventRow[]> {
  const { results: faces } = await db
    .prepare(`SELECT DISTINCT person_id, model FROM faces WHERE library_id = ?1 AND photo_id = ?2`)
    .bind(libraryId, photoId)
    .all<{ person_id: string | null; model: string | null }>();
  if (!faces.length) return [];
  const people = faces.map((f) => f.person_id).filter((p): p is string => !!p);
  const results = await db.batch([
    db.prepare(`DELETE FROM faces WHERE library_id = ?1 AND photo_id = ?2`).bind(libraryId, photoId),
    dropEmptyStatement(db, libraryId, people),
  ]);
  const removed = returnedIds(results[1]);
  const left = people.filter((p) => !removed.includes(p));
  await refreshCentroids(db, libraryId, left, now);
  if (!people.length) return [];
  return eventRows(await db.batch([
    ...[...new Set(faces.map((f) => f.model).filter((m): m is string => !!m))].map((m) => markDirtyStatement(db, libraryId, m, now)),
    peopleChangedStatement(db, libraryId, { people: left, removed, photoIds: [] }, now),
  ]));
}
