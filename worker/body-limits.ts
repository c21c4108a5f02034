// Request body limits (M3). JSON bodies are small by nature: anything past 1 MB is refused before it is
// read (or, without a Content-Length, as soon as 1 MB has arrived), so no route parses a giant body.
// Routes that stream files to R2 (PUT /api/photos, upload parts, model files) and a video's poster check
// their own declared length against their own limits; the multipart form has a cap that fits the isolate.
import type { Context, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env';
import { AppError } from './errors';

export const JSON_BODY_BYTES = 1024 * 1024;

const jsonLimit = bodyLimit({
  maxSize: JSON_BODY_BYTES,
  onError: () => {
    throw new AppError('too_large', `Request bodies are limited to ${JSON_BODY_BYTES} bytes.`);
  },
});

/** Routes whose bodies are files with their own limit (see above). The analysis result route sets its own. */
function ownLimit(method: string, path: string): boolean {
  if (method === 'PUT') return path === '/api/photos' || /^\/api\/photos\/[^/]+\/poster$/.test(path) || /^\/api\/uploads\/[^/]+\/parts\/[^/]+$/.test(path) || path.startsWith('/api/models/');
  if (method === 'POST') return path === '/api/photos' || /^\/api\/analysis\/(?!claim$)[^/]+$/.test(path);
  return false;
}

/** The default limit for every /api route that has no limit of its own. */
export const defaultBodyLimit = createMiddleware<AppEnv>((c: Context<AppEnv>, next: Next) =>
  ownLimit(c.req.method, c.req.path) ? next() : jsonLimit(c, next),
);

/**
 * Caps a body that is parsed in memory (a multipart form). A declared length is checked up front; a body
 * without one (chunked) is counted as it streams into the parser and cut off past the cap, so the cap holds
 * whatever the client declares.
 */
export function streamedLimit(max: number, message: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const declared = c.req.header('Content-Length');
    const body = c.req.raw.body;
    if (declared !== undefined && !c.req.header('Transfer-Encoding')) {
      if (Number(declared) > max) throw new AppError('too_large', message);
      return next();
    }
    if (!body) return next();
    let seen = 0;
    let overflow = false;
    const counted = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, ctl) {
          seen += chunk.byteLength;
          if (seen > max) {
            overflow = true;
            ctl.error(new AppError('too_large', message));
          } else ctl.enqueue(chunk);
        },
      }),
    );
    c.req.raw = new Request(c.req.raw, { body: counted });
    await next();
    // The parser reports the cut-off body in its own words; the answer is the limit that cut it.
    if (overflow) throw new AppError('too_large', message);
  });
}
