// Reading people: counts, a cover face with a signed display variant to crop it from, and a person's faces.
import type { Person, PersonFace } from '../contract/people';
import type { Bindings } from '../env';
import { signedUrl } from '../media/sign';
import { variantFile } from '../storage/keys';

interface PersonRow {
  id: string;
  name: string | null;
  hidden: number;
  face_count: number;
  photo_count: number;
  cover_photo: string;
  cover_box: string;
  variants: string | null;
}

// The cover is a face a person placed if there is one, else the detector's most confident face.
const SELECT_PEOPLE = `
  WITH counts AS (
    SELECT person_id, COUNT(*) AS face_count, COUNT(DISTINCT photo_id) AS photo_count
      FROM faces WHERE library_id = ?1 AND person_id IS NOT NULL AND (?2 IS NULL OR person_id = ?2) GROUP BY person_id
  ), covers AS (
    SELECT person_id, photo_id, box, ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY pinned DESC, score DESC, id) AS n
      FROM faces WHERE library_id = ?1 AND person_id IS NOT NULL AND (?2 IS NULL OR person_id = ?2)
  )
  SELECT p.id, p.name, p.hidden, c.face_count, c.photo_count, v.photo_id AS cover_photo, v.box AS cover_box, ph.variants
    FROM people p JOIN counts c ON c.person_id = p.id JOIN covers v ON v.person_id = p.id AND v.n = 1
    JOIN photos ph ON ph.id = v.photo_id
   WHERE p.library_id = ?1 AND (?2 IS NULL OR p.id = ?2)
   ORDER BY c.photo_count DESC, c.face_count DESC, p.id`;

async function toPerson(env: Bindings, libraryId: string, r: PersonRow): Promise<Person> {
  // The smaller display variant, as analysis uses: big enough to crop an avatar from.
  const names = Object.keys(r.variants ? (JSON.parse(r.variants) as object) : {});
  const file = names.length ? variantFile(names.includes('1080') ? '1080' : names[0]) : 'original';
  return {
    id: r.id, name: r.name, faceCount: r.face_count, photoCount: r.photo_count, hidden: r.hidden === 1,
    cover: { photoId: r.cover_photo, box: JSON.parse(r.cover_box), url: await signedUrl(env, libraryId, r.cover_photo, file) },
  };
}

export async function listPeople(env: Bindings, libraryId: string): Promise<Person[]> {
  const { results } = await env.DB.prepare(SELECT_PEOPLE).bind(libraryId, null).all<PersonRow>();
  return Promise.all(results.map((r) => toPerson(env, libraryId, r)));
}

/** null when the person does not exist in this library (another library's person included). */
export async function getPerson(env: Bindings, libraryId: string, id: string): Promise<Person | null> {
  const row = await env.DB.prepare(SELECT_PEOPLE).bind(libraryId, id).first<PersonRow>();
  return row ? toPerson(env, libraryId, row) : null;
}

export const PERSON_FACES_LIMIT = 500;

export async function personFaces(db: D1Database, libraryId: string, id: string): Promise<PersonFace[]> {
  const { results } = await db
    .prepare(`SELECT id, photo_id, box, score, pinned FROM faces WHERE library_id = ?1 AND person_id = ?2 ORDER BY photo_id DESC, idx LIMIT ${PERSON_FACES_LIMIT}`)
    .bind(libraryId, id)
    .all<{ id: string; photo_id: string; box: string; score: number; pinned: number }>();
  return results.map((r) => ({ id: r.id, photoId: r.photo_id, box: JSON.parse(r.box), score: r.score, pinned: r.pinned === 1 }));
}
