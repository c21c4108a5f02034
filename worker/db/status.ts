// The queries behind GET /api/status. Each is one indexed read over the library's recent rows.
import type { StageName, StageStatus } from '../contract/photo';

export async function stageCounts(db: D1Database, libraryId: string) {
  const { results } = await db
    .prepare(
      `SELECT s.stage, s.status, COUNT(*) AS n FROM photo_stages s JOIN photos p ON p.id = s.photo_id
        WHERE p.library_id = ?1 GROUP BY s.stage, s.status`,
    )
    .bind(libraryId)
    .all<{ stage: StageName; status: StageStatus; n: number }>();
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
export async function stageTimings(db: D1Database, libraryId: string, since: number) {
  const { results } = await db
    .prepare(
      `SELECT s.photo_id, s.stage, s.ms, s.finished_at FROM photo_stages s JOIN photos p ON p.id = s.photo_id
        WHERE p.library_id = ?1 AND s.status = 'completed' AND s.finished_at > ?2 AND s.ms IS NOT NULL
        ORDER BY s.finished_at DESC LIMIT 20000`,
    )
    .bind(libraryId, since)
    .all<{ photo_id: string; stage: StageName; ms: number; finished_at: number }>();
  return results;
}

export async function completedSince(db: D1Database, libraryId: string, since: number) {
  const { results } = await db
    .prepare(`SELECT updated_at FROM photos WHERE library_id = ?1 AND status = 'completed' AND updated_at > ?2`)
    .bind(libraryId, since)
    .all<{ updated_at: number }>();
  return results.map((r) => r.updated_at);
}
