// The HTTP app: middleware, one sub-app per resource, one error renderer.
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ErrorBody } from './contract/http';
import type { AppEnv } from './env';
import { AppError } from './errors';
import { requireLibrary } from './auth/bearer';
import { requestId } from './request-id';
import { trackActivity } from './isolate-activity';
import { defaultBodyLimit } from './body-limits';
import { wellFormedPath } from './path-check';
import { publish } from './feed/publish';
import { analysis } from './routes/analysis';
import { live } from './routes/live';
import { media } from './routes/media';
import { models, modelsAdmin } from './routes/models';
import { photos } from './routes/photos';
import { poster } from './routes/poster';
import { people } from './routes/people';
import { searchRoutes } from './routes/search';
import { settings } from './routes/settings';
import { status } from './routes/status';
import { uploads } from './routes/uploads';

export const app = new Hono<AppEnv>();

// First: backfill steps aside while this isolate serves any request (isolate-activity.ts).
app.use('*', trackActivity);
app.use('/api/*', requestId);
app.use('*', wellFormedPath);
// Before the media route and auth: no /api route reads a body past its limit, signed in or not.
app.use('/api/*', defaultBodyLimit);
app.route('/models', models);
// Media URLs carry their own signature (for <img> tags); everything else needs a bearer token.
app.route('/api/media', media);
app.use('/api/*', requireLibrary);
// Events are already in D1; the fan-out runs after the response (publish never throws).
app.use('/api/*', async (c, next) => {
  c.set('publish', (events) => c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, events)));
  await next();
});
app.route('/api/photos', photos);
app.route('/api/photos', poster);
app.route('/api/settings', settings);
app.route('/api/status', status);
app.route('/api/live', live);
app.route('/api/uploads', uploads);
app.route('/api/analysis', analysis);
app.route('/api/models', modelsAdmin);
app.route('/api/search', searchRoutes);
app.route('/api', people);

app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` } } satisfies ErrorBody, 404));

app.onError((err, c: Context<AppEnv>) => {
  const requestId = c.get('requestId');
  if (err instanceof AppError) {
    if (err.retryAfter !== undefined) c.header('Retry-After', String(err.retryAfter));
    return c.json({ error: { code: err.code, message: err.message, requestId } } satisfies ErrorBody, err.status);
  }
  if (err instanceof HTTPException && err.status < 500) {
    return c.json({ error: { code: 'invalid_request', message: err.message, requestId } } satisfies ErrorBody, err.status);
  }
  console.error('unhandled error', requestId, err);
  return c.json(
    { error: { code: 'internal', message: 'Something went wrong on our side. Quote the request id when reporting it.', requestId } } satisfies ErrorBody,
    500,
  );
});
