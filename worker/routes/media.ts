// /api/media/:library/:photo/:file — thumbnails and variants behind signed URLs (no bearer token, so
// <img src> works). Files are immutable per photo, so they cache for a year.
import { Hono } from 'hono';
import { MediaParamSchema } from '../contract/http';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { verifySignature } from '../media/sign';
import { getPhoto } from '../db/photos';
import { isMediaFile, mediaKey, originalKey } from '../storage/keys';
import { serveObject, serveOriginal } from '../storage/serve';
import { validate } from '../validate';

const GONE = 'No such media file, or its link has expired.';

export const media = new Hono<AppEnv>().get('/:library/:photo/:file', validate('param', MediaParamSchema, GONE), async (c) => {
  const { library, photo, file } = c.req.valid('param');
  const known = file === 'original' || isMediaFile(file);
  if (!known || !(await verifySignature(c.env, library, c.req.path, c.req.query()))) throw new AppError('not_found', GONE);
  if (file === 'original') {
    const row = await getPhoto(c.env.DB, library, photo);
    if (!row) throw new AppError('not_found', 'No such photo.');
    return serveOriginal(c.env.PHOTOS, originalKey(library, photo), row, c.req.raw, c.req.query('download') !== undefined);
  }
  const res = await serveObject(c.env.PHOTOS, mediaKey(library, photo, file), c.req.raw, {
    'Content-Type': 'image/webp',
    'Cache-Control': 'private, max-age=31536000, immutable',
  });
  if (!res) throw new AppError('not_found', 'No such media file.');
  return res;
});
