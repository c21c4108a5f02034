// Counts of photos the image engine handed to the Images binding, per library and reason (/api/status).

export async function recordFallback(db: D1Database, libraryId: string, reason: string, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO engine_fallbacks (library_id, reason, count, last_at) VALUES (?1, ?2, 1, ?3)
       ON CONFLICT (library_id, reason) DO UPDATE SET count = count + 1, last_at = excluded.last_at`,
    )
    .bind(libraryId, reason, now)
    .run();
}

export async function fallbackCounts(db: D1Database, libraryId: string): Promise<Record<string, number>> {
  const { results } = await db.prepare(`SELECT reason, count FROM engine_fallbacks WHERE library_id = ?1`).bind(libraryId).all<{ reason: string; count: number }>();
  return Object.fromEntries(results.map((r) => [r.reason, r.count]));
}
