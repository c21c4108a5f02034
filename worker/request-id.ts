// Request ids: ours, always. A client-chosen id would let a caller forge or collide the id that our logs
// and error bodies quote, so the client's own id is only echoed back, separately, when it is a plain token.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env';

/** What a client may send as X-Client-Request-Id (or, for old clients, X-Request-Id) to have it echoed. */
const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const id = crypto.randomUUID();
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  const client = c.req.header('X-Client-Request-Id') ?? c.req.header('X-Request-Id');
  if (client && CLIENT_ID.test(client)) c.header('X-Client-Request-Id', client);
  await next();
});
