// /api/media/:library/:photo/:file — thumbnails and variants behind signed URLs (no bearer token, so
// <img src> works). Files are immutable per photo, so they cache for a year.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { isPhotoId } from '../ids';
import { verifySignature } from '../media/sign';
import { getPhoto } from '../db/photos';
import { isMediaFile, mediaKey, originalKey } from '../storage/keys';
import { serveOriginal } from './original';

export const media = new Hono<AppEnv>().get('/:library/:photo/:file', async (c) => {
  const { library, photo, file } = c.req.param();
  const known = file === 'original' || isMediaFile(file);
  if (!isPhotoId(photo) || !known || !(await verifySignature(c.env, c.req.path, c.req.query('exp'), c.req.query('sig')))) {
    throw new AppError('not_found', 'No such media file, or its link has expired.');
  }
  if (file === 'original') {
    const row = await getPhoto(c.env.DB, library, photo);
    if (!row) throw new AppError('not_found', 'No such photo.');
    return serveOriginal(c.env.PHOTOS, originalKey(library, photo), row, c.req.raw, c.req.query('download') !== undefined);
  }
  const obj = await c.env.PHOTOS.get(mediaKey(library, photo, file), { onlyIf: c.req.raw.headers });
  if (!obj) throw new AppError('not_found', 'No such media file.');
  const headers = new Headers({
    'Content-Type': 'image/webp',
    'Cache-Control': 'private, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
    ETag: obj.httpEtag,
  });
  if (!('body' in obj)) return new Response(null, { status: 304, headers });
  headers.set('Content-Length', String(obj.size));
  return new Response(obj.body, { headers });
});
