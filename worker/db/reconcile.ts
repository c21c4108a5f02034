// SQL for the R2 reconciliation: its listing cursor, and which photo ids still have a row.
const NAME = 'photo-objects';

export async function reconcileCursor(db: D1Database): Promise<string | undefined> {
  const row = await db.prepare(`SELECT cursor FROM reconcile_state WHERE name = ?1`).bind(NAME).first<{ cursor: string | null }>();
  return row?.cursor ?? undefined;
}

export async function saveReconcileCursor(db: D1Database, cursor: string | null, now: number) {
  await db
    .prepare(
      `INSERT INTO reconcile_state (name, cursor, updated_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
    )
    .bind(NAME, cursor, now)
    .run();
}

/** The subset of `(library, photo)` pairs that have a row. */
export async function existingPhotos(db: D1Database, pairs: { libraryId: string; photoId: string }[]): Promise<Set<string>> {
  if (!pairs.length) return new Set();
  const { results } = await db
    .prepare(
      `SELECT p.library_id || '/' || p.id AS k FROM photos p
        JOIN json_each(?1) j ON p.id = json_extract(j.value, '$.photoId') AND p.library_id = json_extract(j.value, '$.libraryId')`,
    )
    .bind(JSON.stringify(pairs))
    .all<{ k: string }>();
  return new Set(results.map((r) => r.k));
}
