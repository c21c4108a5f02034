// PUT /api/photos/:id/poster — a video's poster frame, made by a browser. Idempotent: the same bytes
// again change nothing; new bytes replace the poster and develop it again.
import { Hono } from 'hono';
import { PhotoIdParamSchema, type PhotoResponse } from '../contract/http';
import { getPhoto } from '../db/photos';
import { getPosterRecord, recordPoster } from '../db/poster';
import { getSettings } from '../db/settings';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { present } from '../media/present';
import { enqueuePhotos } from '../pipeline/enqueue';
import { checkPosterTarget, posterSha256, storePoster } from '../upload/poster';
import { validate } from '../validate';

export const poster = new Hono<AppEnv>().put('/:id/poster', validate('param', PhotoIdParamSchema, 'No such photo.'), async (c) => {
  const { libraryId } = c.var;
  const id = c.req.valid('param').id;
  const photo = await getPhoto(c.env.DB, libraryId, id);
  if (!photo) throw new AppError('not_found', 'No such photo.');
  const declared = c.req.header('Content-Length');
  if (declared === undefined) throw new AppError('length_required', 'Content-Length is required.');
  const settings = await getSettings(c.env.DB, libraryId, c.env);
  checkPosterTarget(photo, Number(declared), settings);
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength !== Number(declared)) throw new AppError('length_mismatch', 'The body does not match its declared length.');

  const known = await getPosterRecord(c.env.DB, libraryId, id);
  const developing = photo.stages.thumbnails && photo.stages.variants && photo.status !== 'failed';
  if (!(known && developing && known.sha256 === (await posterSha256(bytes)))) {
    const record = await storePoster(c.env, settings, libraryId, id, bytes);
    const events = await recordPoster(c.env.DB, libraryId, id, record, Date.now());
    if (!events) throw new AppError('not_found', 'No such photo.'); // deleted meanwhile
    c.var.publish(events);
    // As for uploads: with video auto-processing off the poster waits for the videos' scheduled batch.
    if (settings.videos.autoProcessOnUpload) await enqueuePhotos(c.env, libraryId, [id], 'interactive');
  }
  const now = await getPhoto(c.env.DB, libraryId, id);
  if (!now) throw new AppError('not_found', 'No such photo.');
  return c.json({ photo: await present(c.env, libraryId, now) } satisfies PhotoResponse);
});
