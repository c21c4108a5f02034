// The library's counts by status (library_counts, kept by triggers: migration 0020) are what the "stats"
// event and /api/status report, and its stages by stage and status (stage_counts, migration 0021) what
// /api/status shows per stage. They must cost the same in a big library as in an empty one, and match
// the photos after every way a photo's or a stage's status changes.
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import { countsFor, statsEventStatement } from './events';
import { stageCounts, stageCountsStatement } from './status';
import { api, fixture, newLibrary, put, setSettings, settled, testEnv, waitForPhoto } from '../test/helpers';

/** The counts as the photos themselves say, by a full count. */
async function counted(libraryId: string) {
  const { results } = await testEnv.DB.prepare(`SELECT status, count(*) AS n FROM photos WHERE library_id = ?1 GROUP BY status`)
    .bind(libraryId).all<{ status: string; n: number }>();
  const counts = { pending: 0, processing: 0, completed: 0, failed: 0 };
  for (const r of results) counts[r.status as keyof typeof counts] = r.n;
  return counts;
}

/** The stages by stage and status as the stage rows say, by a full count; and as stage_counts says. */
async function stagesCounted(libraryId: string) {
  const { results } = await testEnv.DB.prepare(
    `SELECT s.stage, s.status, count(*) AS n FROM photo_stages s JOIN photos p ON p.id = s.photo_id WHERE p.library_id = ?1 GROUP BY 1, 2 ORDER BY 1, 2`,
  ).bind(libraryId).all<{ stage: string; status: string; n: number }>();
  return results;
}
const stagesKept = async (libraryId: string) =>
  (await stageCounts(testEnv.DB, libraryId)).sort((a, b) => a.stage.localeCompare(b.stage) || a.status.localeCompare(b.status));

const upload = async (name: string, token: string) => (await (await put(await fixture(name), name, token)).json<UploadResponse>()).photo;

describe('library counts', () => {
  it('are read from four rows, not counted over the library, whatever its size', async () => {
    const { libraryId } = await newLibrary();
    await testEnv.DB.prepare(
      `WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3000)
       INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, status, created_at, updated_at)
       SELECT printf('seed%08d', n) || ?1, ?1, 'seed.jpg', printf('%064d', n), 'image/jpeg', 'image', 1,
              CASE WHEN n % 3 = 0 THEN 'completed' WHEN n % 3 = 1 THEN 'pending' ELSE 'failed' END, 0, 0 FROM c`,
    ).bind(libraryId).run();

    const stats = await statsEventStatement(testEnv.DB, libraryId, Date.now()).run<{ payload: string }>();
    expect(JSON.parse(stats.results[0].payload).counts).toEqual({ pending: 1000, processing: 0, completed: 1000, failed: 1000 });
    // Counting the photos read all 3,000 of them (and did so after every upload and stage transition).
    expect(stats.meta.rows_read).toBeLessThan(50);
    expect(await countsFor(testEnv.DB, libraryId)).toEqual(await counted(libraryId));

    // And their stages: 3 each, as /api/status counts them.
    await testEnv.DB.prepare(
      `INSERT INTO photo_stages (photo_id, stage, status, updated_at)
       SELECT p.id, s.value, p.status, 0 FROM photos p, json_each('["exif","thumbnails","variants"]') s WHERE p.library_id = ?1`,
    ).bind(libraryId).run();
    const stages = await stageCountsStatement(testEnv.DB, libraryId).run();
    expect(stages.results).toHaveLength(9);
    // Joining every stage row to its photo read 9,000 stage rows and their photos.
    expect(stages.meta.rows_read).toBeLessThan(50);
    expect(await stagesKept(libraryId)).toEqual(await stagesCounted(libraryId));
  });

  it('follow the photos through upload, processing, failure, retry, cancel and delete', async () => {
    const { libraryId, token } = await newLibrary();
    const check = async () => {
      expect(await countsFor(testEnv.DB, libraryId)).toEqual(await counted(libraryId));
      expect(await stagesKept(libraryId)).toEqual(await stagesCounted(libraryId));
    };

    const good = await upload('photo-pixel-gps.jpg', token);
    const bad = await upload('bad-truncated.jpg', token);
    await check();
    await waitForPhoto(good.id, token, settled);
    expect((await waitForPhoto(bad.id, token, settled)).status).toBe('failed');
    await check();
    expect(await countsFor(testEnv.DB, libraryId)).toEqual({ pending: 0, processing: 0, completed: 1, failed: 1 });

    expect((await api(`/api/photos/${bad.id}/retry`, { method: 'POST', token })).status).toBe(200);
    await waitForPhoto(bad.id, token, settled);
    await check();

    await setSettings(token, { autoProcessOnUpload: false });
    const waiting = await upload('orient-portrait-6.jpg', token);
    await check();
    expect((await api(`/api/photos/${waiting.id}/cancel`, { method: 'POST', token })).status).toBe(200);
    await check();

    expect((await api(`/api/photos/${good.id}`, { method: 'DELETE', token })).status).toBeLessThan(300);
    await check();
    expect(await countsFor(testEnv.DB, libraryId)).toEqual({ pending: 0, processing: 0, completed: 0, failed: 2 });
  });
});
