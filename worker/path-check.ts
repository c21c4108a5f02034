// A path that is not valid percent-encoding names nothing: answer 400 before any route tries to decode it
// (decodeURIComponent throws a URIError, which would otherwise surface as a 500).
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env';
import { AppError } from './errors';

export const wellFormedPath = createMiddleware<AppEnv>(async (c, next) => {
  const raw = new URL(c.req.url).pathname;
  try {
    decodeURIComponent(raw);
  } catch {
    throw new AppError('invalid_request', 'The path is not valid percent-encoding.');
  }
  await next();
});
