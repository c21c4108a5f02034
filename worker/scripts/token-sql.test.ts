// The token CLI's SQL, run against real D1 the way `wrangler d1 execute --command` runs it (exec: the
// whole string, every statement in it), then used through the real API: the CLI's hash must be the one
// the Worker checks, and a hostile label must stay data.
import { describe, expect, it } from 'vitest';
import { api, testEnv } from '../test/helpers';
// @ts-expect-error: a plain .mjs module shared with the Node CLI (worker/scripts is outside tsc)
import { createTokenSql, hashToken, revokeTokenSql } from './token-sql.mjs';

const HOSTILE = `x', 'evil', 0); DROP TABLE api_tokens; INSERT INTO api_tokens VALUES ('a','b',NULL,0); --`;

describe('token CLI SQL', () => {
  it('creates a token the Worker accepts, stores only its hash, and keeps a hostile label as data', async () => {
    const token = `drk_${crypto.randomUUID()}`;
    const libraryId = `cli-${crypto.randomUUID().slice(0, 8)}`;
    const tokenHash = await hashToken(token);
    await testEnv.DB.exec(createTokenSql({ tokenHash, libraryId, label: HOSTILE, now: Date.now() }));

    const row = await testEnv.DB.prepare('SELECT token_hash, label FROM api_tokens WHERE library_id = ?').bind(libraryId).first();
    expect(row).toEqual({ token_hash: tokenHash, label: HOSTILE });
    expect(row!.token_hash).not.toContain(token);
    const injected = await testEnv.DB.prepare("SELECT count(*) AS n FROM api_tokens WHERE token_hash = 'a' OR label = 'evil'").first<{ n: number }>();
    expect(injected!.n).toBe(0);

    const res = await api('/api/photos?limit=1', { token });
    expect(res.status).toBe(200);

    await testEnv.DB.exec(revokeTokenSql(await hashToken(token)));
    expect((await api('/api/photos?limit=1', { token })).status).toBe(401);
  });

  it('refuses what it cannot quote safely', () => {
    const base = { tokenHash: 'a'.repeat(64), libraryId: 'lib', now: 1 };
    expect(() => createTokenSql({ ...base, label: 'two\nlines' })).toThrow(/control characters/);
    expect(() => createTokenSql({ ...base, libraryId: "lib'; DROP TABLE api_tokens; --", label: null })).toThrow(/library/);
    expect(() => createTokenSql({ ...base, tokenHash: "' OR 1=1 --", label: null })).toThrow(/SHA-256/);
    expect(() => revokeTokenSql("' OR 1=1 --")).toThrow(/SHA-256/);
    expect(createTokenSql({ ...base, label: "O'Brien's" })).toContain(`'O''Brien''s'`);
  });
});
