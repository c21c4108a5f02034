// The SQL the token CLI hands to `wrangler d1 execute --command`. That command takes no bound
// parameters, so every value is validated or quoted here, in one place, and tested against real D1
// (token-sql.test.ts): a label is data, never SQL.

const LIBRARY = /^[a-z0-9][a-z0-9-]{0,62}$/;
const HASH = /^[0-9a-f]{64}$/;

/** SHA-256 hex, exactly as the Worker hashes a presented token (worker/hash.ts). */
export async function hashToken(token) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function isLibraryId(id) {
  return typeof id === 'string' && LIBRARY.test(id);
}

/**
 * A SQLite string literal. Control characters are refused rather than quoted: `d1 execute` splits its
 * input into statements, and a label is one line of text anyway.
 */
export function quote(text) {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new Error('labels cannot contain control characters or line breaks');
  if (text.length > 200) throw new Error('labels are at most 200 characters');
  return `'${text.replaceAll("'", "''")}'`;
}

export function createTokenSql({ tokenHash, libraryId, label, now }) {
  if (!HASH.test(tokenHash)) throw new Error('not a SHA-256 hex digest');
  if (!isLibraryId(libraryId)) throw new Error('library: lowercase letters, digits and dashes');
  if (!Number.isSafeInteger(now)) throw new Error('bad timestamp');
  const labelSql = typeof label === 'string' ? quote(label) : 'NULL';
  return `INSERT INTO api_tokens (token_hash, library_id, label, created_at) VALUES ('${tokenHash}', '${libraryId}', ${labelSql}, ${now})`;
}

export function revokeTokenSql(tokenHash) {
  if (!HASH.test(tokenHash)) throw new Error('not a SHA-256 hex digest');
  return `DELETE FROM api_tokens WHERE token_hash = '${tokenHash}'`;
}

export const LIST_TOKENS_SQL =
  "SELECT library_id, label, substr(token_hash, 1, 12) AS hash_prefix, datetime(created_at / 1000, 'unixepoch') AS created FROM api_tokens ORDER BY created_at";
