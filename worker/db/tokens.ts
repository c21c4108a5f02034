// API tokens: hash → library. Created by `npm run token -- create <library>`.

export async function libraryForTokenHash(db: D1Database, tokenHash: string): Promise<string | null> {
  const row = await db
    .prepare(`SELECT library_id FROM api_tokens WHERE token_hash = ?1`)
    .bind(tokenHash)
    .first<{ library_id: string }>();
  return row?.library_id ?? null;
}

export async function insertToken(db: D1Database, tokenHash: string, libraryId: string, label: string | null) {
  await db
    .prepare(`INSERT INTO api_tokens (token_hash, library_id, label, created_at) VALUES (?1, ?2, ?3, ?4)`)
    .bind(tokenHash, libraryId, label, Date.now())
    .run();
}
