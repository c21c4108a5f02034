// GET /api/live — upgrades to the library's live feed (a WebSocket served by its Durable Object).
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { AppError } from '../errors';

export const live = new Hono<AppEnv>().get('/', async (c) => {
  if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') {
    throw new AppError('invalid_request', 'This endpoint is a WebSocket: connect with Upgrade: websocket.');
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set('X-Darkroom-Library', c.var.libraryId);
  // The feed re-checks the token on resume and periodically, so a revoked token's sockets are closed (M8).
  headers.set('X-Darkroom-Token-Hash', c.var.tokenHash);
  return c.env.FEED.getByName(c.var.libraryId).fetch(new Request(c.req.raw.url, { headers }));
});
