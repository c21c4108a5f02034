// The queries behind GET /api/status. Each is one indexed read over the library's recent rows.
import type { StageName, StageStatus } from '../contract/photo';

/** From stage_counts (kept by triggers: migration 0021), not a count over the library's stages. */
export const stageCountsStatement = (db: D1Database, libraryId: string) =>
  db.prepare(`SELECT stage, status, n FROM stage_counts WHERE library_id = ?1 AND n > 0`).bind(libraryId);

export async function stageCounts(db: D1Database, libraryId: string) {
  const { results } = await stageCountsStatement(db, libraryId).all<{ stage: StageName; status: StageStatus; n: number }>();
  return results;
}

export async function processingNow(db: D1Database, libraryId: string) {
  const { results } = await db
    .prepare(
      `SELECT p.id, p.filename, p.updated_at,
              (SELECT stage FROM photo_stages s WHERE s.photo_id = p.id AND s.status = 'running' LIMIT 1) AS stage
         FROM photos p WHERE p.library_id = ?1 AND p.status = 'processing' ORDER BY p.updated_at LIMIT 50`,
    )
    .bind(libraryId)
    .all<{ id: string; filename: string; updated_at: number; stage: StageName | null }>();
  return results;
}

export async function recentlyFinished(db: D1Database, libraryId: string, status: 'completed' | 'failed', limit: number) {
  const { results } = await db
    .prepare(
      `SELECT p.id, p.filename, p.error, p.retryable, p.updated_at, p.placeholder, p.thumbnails,
              (SELECT SUM(ms) FROM photo_stages s WHERE s.photo_id = p.id) AS ms
         FROM photos p WHERE p.library_id = ?1 AND p.status = ?2 ORDER BY p.updated_at DESC LIMIT ?3`,
    )
    .bind(libraryId, status, limit)
    .all<{ id: string; filename: string; error: string | null; retryable: number; updated_at: number; placeholder: string | null; thumbnails: string | null; ms: number | null }>();
  return results;
}

/** Stage timings finished since `since` (capped, newest first). */
export const stageTimingsStatement = (db: D1Database, libraryId: string, since: number) =>
  db
    .prepare(
      // CROSS JOIN keeps the stages outside, read by finished_at from its index (newest first, which is
      // also the order): SQLite otherwise starts from the library's photos and looks up each one's
      // stages, all of them, ~220 ms at 100,000 photos, for the few that finished in the last hour.
      `SELECT s.photo_id, s.stage, s.ms, s.finished_at FROM photo_stages s CROSS JOIN photos p ON p.id = s.photo_id
        WHERE p.library_id = ?1 AND s.status = 'completed' AND s.finished_at > ?2 AND s.ms IS NOT NULL
        ORDER BY s.finished_at DESC LIMIT 20000`,
    )
    .bind(libraryId, since);

export async function stageTimings(db: D1Database, libraryId: string, since: number) {
  const { results } = await stageTimingsStatement(db, libraryId, since).all<{ photo_id: string; stage: StageName; ms: number; finished_at: number }>();
  return results;
}

export async function completedSince(db: D1Database, libraryId: string, since: number) {
  const { results } = await db
    .prepare(`SELECT updated_at FROM photos WHERE library_id = ?1 AND status = 'completed' AND updated_at > ?2`)
    .bind(libraryId, since)
    .all<{ updated_at: number }>();
  return results.map((r) => r.updated_at);
}
