// SQL for the sweeper: photos whose message was lost or whose consumer died, photos uploaded without a
// message (queued later, a day's batch at a time), and the once-a-day claim of that batch.
import type { PhotoKind } from '../contract/photo';

/** Queued photos that have not moved since `before`: their message was lost or their consumer died. */
export async function stuckPhotos(db: D1Database, before: number, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT id, library_id AS libraryId, updated_at AS updatedAt FROM photos
        WHERE status IN ('pending', 'processing') AND queued_at IS NOT NULL AND updated_at < ?1
        ORDER BY updated_at LIMIT ?2`,
    )
    .bind(before, limit)
    .all<{ id: string; libraryId: string; updatedAt: number }>();
  return results;
}

/** Stages left `running` by a consumer that died: count it as an attempt that failed. */
export async function releaseRunningStages(db: D1Database, ids: string[], now: number) {
  await db
    .prepare(
      `UPDATE photo_stages SET status = 'pending', error = 'Interrupted: the worker stopped mid-stage.', updated_at = ?2
        WHERE status = 'running' AND photo_id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(ids), now)
    .run();
}

export async function librariesWithUnqueued(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT DISTINCT library_id FROM photos WHERE status = 'pending' AND queued_at IS NULL`)
    .all<{ library_id: string }>();
  return results.map((r) => r.library_id);
}

export async function unqueuedPhotos(db: D1Database, libraryId: string, kind: PhotoKind, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT id FROM photos WHERE library_id = ?1 AND kind = ?3 AND status = 'pending' AND queued_at IS NULL ORDER BY id LIMIT ?2`)
    .bind(libraryId, limit, kind)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** True the first time it is called for (library, day): the scheduled batch runs once a day. */
export async function claimScheduledBatch(db: D1Database, libraryId: string, day: string): Promise<boolean> {
  const res = await db
    .prepare(`INSERT INTO scheduled_batches (library_id, day) VALUES (?1, ?2) ON CONFLICT DO NOTHING`)
    .bind(libraryId, day)
    .run();
  return res.meta.changes === 1;
}
