// Per-library request counters in fixed one-minute windows (worker/rate-limit.ts).

/** Counts one more request in the window and returns the window's count (one atomic upsert). */
export async function countRequest(db: D1Database, libraryId: string, action: string, window: number): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO rate_windows (library_id, action, window, count) VALUES (?1, ?2, ?3, 1)
       ON CONFLICT (library_id, action, window) DO UPDATE SET count = count + 1 RETURNING count`,
    )
    .bind(libraryId, action, window)
    .first<{ count: number }>();
  return row!.count;
}

export async function pruneWindows(db: D1Database, before: number) {
  await db.prepare(`DELETE FROM rate_windows WHERE window < ?1`).bind(before).run();
}
