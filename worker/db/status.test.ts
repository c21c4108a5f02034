// GET /api/status is read up to once a second by the dashboard and the analysis tab while photos move:
// what it reads must not grow with the library.
import { describe, expect, it } from 'vitest';
import { countOtherModelsStatement } from './analysis';
import { stageTimingsStatement } from './status';
import { newLibrary, testEnv } from '../test/helpers';

/** 2,000 completed photos of `libraryId`, ids `<prefix><n, 8 digits><library>`. */
const seedPhotos = (libraryId: string, prefix: string) =>
  testEnv.DB.prepare(
    `WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000)
     INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, status, created_at, updated_at)
     SELECT ?2 || printf('%08d', n) || ?1, ?1, 'seed.jpg', printf('%064d', n), 'image/jpeg', 'image', 1, 'completed', 0, 0 FROM c`,
  ).bind(libraryId, prefix);

describe('the status queries', () => {
  it('read the last hour’s stage timings from the finished_at index, not every stage of the library', async () => {
    const { libraryId } = await newLibrary();
    const now = Date.now();
    await testEnv.DB.batch([
      seedPhotos(libraryId, 'st'),
      // Every stage finished long ago, but three of one photo in the last minute.
      testEnv.DB.prepare(
        `INSERT INTO photo_stages (photo_id, stage, status, ms, finished_at, updated_at)
         SELECT p.id, s.value, 'completed', 10, CASE WHEN p.id = printf('st%08d', 7) || ?1 THEN ?2 ELSE 1000 END, 0
           FROM photos p, json_each('["exif","thumbnails","variants"]') s WHERE p.library_id = ?1`,
      ).bind(libraryId, now - 60_000),
    ]);

    const { results, meta } = await stageTimingsStatement(testEnv.DB, libraryId, now - 3_600_000).run<{ stage: string }>();
    expect(results.map((r) => r.stage).sort()).toEqual(['exif', 'thumbnails', 'variants']);
    // Started from the library's photos, the query read all 2,000 and their 6,000 stages.
    expect(meta.rows_read).toBeLessThan(50);
  });
});

describe('photos awaiting re-analysis', () => {
  it('are counted from the photos of other models only, not every analysed photo', async () => {
    const { libraryId } = await newLibrary();
    await testEnv.DB.batch([
      seedPhotos(libraryId, 'am'),
      // Three photos of an older model, two of a newer one, one not analysed yet, the rest of the library's model.
      testEnv.DB.prepare(
        `INSERT INTO photo_analysis (photo_id, library_id, embedding_model, updated_at)
         SELECT id, ?1, CASE WHEN id < printf('am%08d', 4) THEN 'clip@1' WHEN id < printf('am%08d', 6) THEN 'siglip@9'
                             WHEN id < printf('am%08d', 7) THEN NULL ELSE 'clip@2' END, 0
           FROM photos WHERE library_id = ?1`,
      ).bind(libraryId),
    ]);
    const { results, meta } = await countOtherModelsStatement(testEnv.DB, libraryId, 'clip@2').run<{ n: number }>();
    expect(results[0].n).toBe(5);
    // With `embedding_model <> ?`, every one of the 2,000 analysed photos was read.
    expect(meta.rows_read).toBeLessThan(50);
  });
});
