// Priority lanes (pipeline/enqueue.ts): which lane queued a photo, and whether interactive work waits.
export type Lane = 'interactive' | 'backfill';

export async function markQueuedIn(db: D1Database, ids: string[], lane: Lane, now: number) {
  await db
    .prepare(`UPDATE photos SET queued_at = ?2, updated_at = ?2, lane = ?3 WHERE id IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify(ids), now, lane)
    .run();
}

/**
 * True while an interactive photo queued since `since` is still pending or processing (any library:
 * the consumers share the image service). A partial index keeps this a lookup of the few rows in flight.
 */
export async function interactiveBusy(db: D1Database, since: number): Promise<boolean> {
  const row = await db
    .prepare(`SELECT 1 AS busy FROM photos WHERE lane = 'interactive' AND status IN ('pending', 'processing') AND queued_at > ?1 LIMIT 1`)
    .bind(since)
    .first<{ busy: number }>();
  return row !== null;
}
