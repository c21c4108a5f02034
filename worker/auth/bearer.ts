// Every /api request names its library through its bearer token. Tokens are stored as SHA-256 hashes:
// they are long random strings, so a fast hash is enough and a leaked table reveals no token.
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Bindings } from '../env';
import { AppError } from '../errors';
import { libraryForTokenHash } from '../db/tokens';
import { sha256Hex } from '../hash';

export const DEFAULT_LIBRARY = 'default';

export const requireLibrary = createMiddleware<AppEnv>(async (c, next) => {
  const token = c.req.header('Authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? protocolToken(c.req.raw);
  if (!token) throw new AppError('unauthorized', 'Missing token: send "Authorization: Bearer <token>".');
  const tokenHash = await sha256Hex(token);
  const libraryId = await libraryForHash(c.env, tokenHash);
  if (!libraryId) throw new AppError('unauthorized', 'The token is not valid (unknown or revoked).');
  c.set('libraryId', libraryId);
  c.set('tokenHash', tokenHash);
  await next();
});

const envTokenHash = new Map<string, Promise<string>>();

/** The library a token (by its hash) opens, or null when it is unknown or revoked; also used by the live feed to re-check. */
export async function libraryForHash(env: Bindings, hash: string): Promise<string | null> {
  if (env.API_TOKEN) {
    let expected = envTokenHash.get(env.API_TOKEN);
    if (!expected) envTokenHash.set(env.API_TOKEN, (expected = sha256Hex(env.API_TOKEN)));
    // Comparing hashes keeps the comparison independent of how much of the token matched.
    if (hash === (await expected)) return DEFAULT_LIBRARY;
  }
  return libraryForTokenHash(env.DB, hash);
}

/**
 * Browsers cannot set headers on a WebSocket, so the feed takes the token as a subprotocol,
 * `new WebSocket(url, ['darkroom.v1', 'bearer.<token>'])`: unlike a query string, it stays out of logs.
 */
function protocolToken(req: Request): string | undefined {
  if (req.headers.get('Upgrade')?.toLowerCase() !== 'websocket') return undefined;
  return req.headers
    .get('Sec-WebSocket-Protocol')
    ?.split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith('bearer.'))
    ?.slice('bearer.'.length);
}
