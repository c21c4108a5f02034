// Migration 0007 gives faces analysed before it their rows: replayed here on a library analysed "earlier".
import { describe, expect, it } from 'vitest';
import { newLibrary, testEnv } from '../test/helpers';
import { reclusterLibrary } from './recluster-job';
import { face, insertPhoto } from './testing';
import { dequantize, dot, quantize, unit } from './vectors';

describe('migration 0007 backfill', () => {
  it('slices each face embedding out of the stored blob, keeps faces without one, and the sweep groups them', async () => {
    const { libraryId } = await newLibrary();
    const faces = [face(0), { box: [0.5, 0.5, 0.1, 0.1] as [number, number, number, number], score: 0.4 }, face(0, 0.6)];
    const photos = [];
    for (let p = 0; p < 2; p++) {
      const id = await insertPhoto(libraryId);
      photos.push(id);
      // As completeAnalysis stores results: int8 per face, concatenated, scales alongside.
      const vectors = faces.map((f) => (f.embedding ? quantize(unit(f.embedding)) : null));
      const blob = new Uint8Array(vectors.reduce((n, v) => n + (v?.bytes.length ?? 0), 0));
      vectors.reduce((at, v) => (v ? (blob.set(v.bytes, at), at + v.bytes.length) : at), 0);
      const shown = faces.map(({ embedding: e, ...f }) => ({ ...f, ...(e && { embedding: { dims: e.length } }) }));
      await testEnv.DB.prepare(`UPDATE photo_analysis SET faces = ?2, face_embeddings = ?3, face_embedding_scales = ?4, models = ?5 WHERE photo_id = ?1`)
        .bind(id, JSON.stringify(shown), blob, JSON.stringify(vectors.map((v) => v?.scale ?? null)), JSON.stringify({ embedding: { id: 'c' }, faces: { id: 'tiny/face', version: '2' } }))
        .run();
    }
    const migration = testEnv.TEST_MIGRATIONS.find((m) => m.name.startsWith('0007'))!;
    const backfill = migration.queries.filter((q) => q.includes('INSERT INTO faces') || q.includes('INSERT INTO people_clustering'));
    expect(backfill).toHaveLength(2);
    // Only this library's photos: other tests' rows already have faces and must not be doubled.
    await testEnv.DB.batch(backfill.map((q) => testEnv.DB.prepare(q.replace('WHERE a.faces IS NOT NULL', `WHERE a.library_id = '${libraryId}' AND a.faces IS NOT NULL`).replace('FROM faces WHERE model IS NOT NULL', `FROM faces WHERE library_id = '${libraryId}' AND model IS NOT NULL`))));

    const { results } = await testEnv.DB.prepare(`SELECT id, photo_id, idx, box, model, embedding, scale FROM faces WHERE library_id = ?1 ORDER BY photo_id, idx`)
      .bind(libraryId).all<{ id: string; idx: number; box: string; model: string | null; embedding: ArrayBuffer | null; scale: number | null }>();
    expect(results.map((r) => [r.idx, JSON.parse(r.box), r.model])).toEqual([
      [0, faces[0].box, 'tiny/face@2#8'], [1, faces[1].box, null], [2, faces[2].box, 'tiny/face@2#8'],
      [0, faces[0].box, 'tiny/face@2#8'], [1, faces[1].box, null], [2, faces[2].box, 'tiny/face@2#8'],
    ]);
    expect(results.every((r) => /^f[0-9a-z]{21}$/.test(r.id))).toBe(true);
    const third = dequantize(results[2].embedding!, results[2].scale!);
    expect(dot(third, unit(faces[2].embedding!))).toBeGreaterThan(0.999); // the third face's own vector, int8-close

    await reclusterLibrary(testEnv.DB, libraryId, 'tiny/face@2#8', Date.now());
    const grouped = await testEnv.DB.prepare(`SELECT COUNT(DISTINCT person_id) AS people, COUNT(person_id) AS assigned FROM faces WHERE library_id = ?1`).bind(libraryId).first();
    expect(grouped).toEqual({ people: 1, assigned: 4 });
  });
});
