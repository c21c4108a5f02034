// Test helpers for the people tests: photos inserted straight into D1 (developing real files would add
// seconds per photo and nothing to what these tests check), and faces posted through assignFaces.
import type { Face } from '../contract/analysis';
import { newPhotoId } from '../ids';
import { testEnv } from '../test/helpers';
import { assignFaces } from './assign';
import { rng } from './synthetic';

const r = rng(42);

/** A face of "person" k in 8 dimensions: axis k plus a little noise. */
export function face(k: number, x = 0.1): Face {
  const embedding = Array.from({ length: 8 }, (_, i) => (i === k ? 1 : 0) + 0.08 * r.gauss());
  return { box: [x, 0.1, 0.2, 0.2], score: 0.9, embedding };
}

export const models = { embedding: { id: 'tiny/clip' }, faces: { id: 'tiny/face' } };

export async function insertPhoto(libraryId: string): Promise<string> {
  const id = newPhotoId();
  await testEnv.DB.prepare(
    `INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, width, height, status, created_at, updated_at, variants)
     VALUES (?1, ?2, 'p.jpg', ?1, 'image/jpeg', 'image', 1, 100, 100, 'completed', 1, 1, '{"1080":{"width":100,"height":100}}')`,
  ).bind(id, libraryId).run();
  await testEnv.DB.prepare(`INSERT INTO photo_analysis (photo_id, library_id, updated_at, embedding_model, embedding_dims, faces) VALUES (?1, ?2, 1, 'tiny/clip', 8, ?3)`)
    .bind(id, libraryId, '[]').run();
  return id;
}

/** A photo with these faces, analysed: the analysis row as completeAnalysis leaves it, then assignment. */
export async function photoWith(libraryId: string, faces: Face[]) {
  const id = await insertPhoto(libraryId);
  const shown = faces.map(({ embedding: e, ...f }) => ({ ...f, ...(e && { embedding: { dims: e.length } }) }));
  await testEnv.DB.prepare(`UPDATE photo_analysis SET faces = ?2 WHERE photo_id = ?1`).bind(id, JSON.stringify(shown)).run();
  const events = await assignFaces(testEnv, libraryId, id, { faces, models });
  return { id, events };
}

export async function facesOf(photoId: string) {
  const { results } = await testEnv.DB.prepare(`SELECT id, person_id, pinned FROM faces WHERE photo_id = ?1 ORDER BY idx`).bind(photoId).all<{ id: string; person_id: string | null; pinned: number }>();
  return results;
}
