// /api/photos — upload (streamed PUT or multipart), dedupe check, list, read, original bytes, delete.
import { Hono } from 'hono';
import * as v from 'valibot';
import type {
  CheckResponse, MultipartUploadResponse, PhotoListResponse, PhotoResponse, RetryFailedResponse, UploadResponse,
} from '../contract/http';
import { maxMultipartBytes } from '../config';
import { retryAnalysis } from '../db/analysis';
import { cancelPending, failedPhotoIds, photosUpdated, resetForRetry } from '../db/pipeline';
import { publish } from '../feed/publish';
import { deletePhotoRow, findBySha, getPhoto, listPhotos } from '../db/photos';
import { getSettings } from '../db/settings';
import { present } from '../media/present';
import { removePhotoFaces } from '../people/decisions';
import { enqueuePhotos } from '../pipeline/enqueue';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { isPhotoId } from '../ids';
import { deletePhotoObjects, originalKey } from '../storage/keys';
import { ingest } from '../upload/ingest';
import { validate } from '../validate';
import { serveOriginal } from './original';

const Sha256 = v.pipe(v.string(), v.toLowerCase(), v.regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256'));

const CheckBody = v.object({
  sha256: v.pipe(v.array(Sha256), v.maxLength(1000, 'at most 1000 hashes per request')),
});

const PutQuery = v.object({
  filename: v.optional(v.pipe(v.string(), v.maxLength(1024)), ''),
  sha256: v.optional(Sha256),
});

const ListQuery = v.object({
  status: v.optional(v.picklist(['pending', 'processing', 'completed', 'failed'])),
  cursor: v.optional(v.pipe(v.string(), v.check(isPhotoId, 'is not a photo cursor'))),
  limit: v.optional(v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(200)), '50'),
});

/** Keeps the last path segment, drops control characters; the name is shown, never used as a key. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return clean || 'untitled';
}

export const photos = new Hono<AppEnv>()
  .post('/check', validate('json', CheckBody), async (c) => {
    const { sha256 } = c.req.valid('json');
    const existing = sha256.length ? await findBySha(c.env.DB, c.var.libraryId, [...new Set(sha256)]) : {};
    return c.json({ existing } satisfies CheckResponse);
  })

  .put('/', validate('query', PutQuery), async (c) => {
    const query = c.req.valid('query');
    const declared = c.req.header('Content-Length');
    if (declared === undefined) {
      throw new AppError('length_required', 'Content-Length is required: the file is streamed to storage as it arrives.');
    }
    const length = Number(declared);
    const body = c.req.raw.body;
    if (length === 0 || !body) throw new AppError('empty_file', 'The file is empty.');
    const sha256 = query.sha256 ?? c.req.header('X-Content-SHA256')?.toLowerCase();
    if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new AppError('invalid_request', 'X-Content-SHA256 must be a hex SHA-256.');
    }
    const settings = await getSettings(c.env.DB, c.var.libraryId, c.env);
    const result = await ingest(c.env, settings, {
      libraryId: c.var.libraryId, filename: cleanFilename(query.filename), body, length, sha256,
    }, (work) => c.executionCtx.waitUntil(work));
    const photo = await present(c.env, c.var.libraryId, result.photo);
    const answer: UploadResponse = result.duplicate ? { photo, duplicate: true } : { photo };
    return c.json(answer, result.duplicate ? 200 : 201);
  })

  .post('/', async (c) => {
    if (!c.req.header('Content-Type')?.startsWith('multipart/form-data')) {
      throw new AppError('invalid_request', 'Send multipart/form-data with one or more "file" fields, or PUT the raw file.');
    }
    const max = maxMultipartBytes(c.env);
    if (Number(c.req.header('Content-Length') ?? 0) > max) {
      throw new AppError('too_large', `Multipart uploads are limited to ${Math.round(max / 1048576)} MB per request; PUT large files one by one.`);
    }
    const form = await c.req.formData().catch((err: unknown) => {
      throw new AppError('invalid_request', 'The multipart body could not be parsed.', { cause: err });
    });
    const files = form.getAll('file').filter((f): f is File => typeof f !== 'string');
    if (!files.length) throw new AppError('invalid_request', 'No "file" fields in the form.');
    const results: MultipartUploadResponse['results'] = [];
    const settings = await getSettings(c.env.DB, c.var.libraryId, c.env);
    for (const file of files) {
      const filename = cleanFilename(file.name);
      try {
        const r = await ingest(c.env, settings, {
          libraryId: c.var.libraryId, filename, body: file, length: file.size,
        }, (work) => c.executionCtx.waitUntil(work));
        const photo = await present(c.env, c.var.libraryId, r.photo);
        results.push(r.duplicate ? { filename, photo, duplicate: true } : { filename, photo });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.push({ filename, error: { code: err.code, message: err.message } });
      }
    }
    const created = results.some((r) => r.photo && !r.duplicate);
    return c.json({ results } satisfies MultipartUploadResponse, created ? 201 : 200);
  })

  .get('/', validate('query', ListQuery), async (c) => {
    const { status, cursor, limit } = c.req.valid('query');
    const page = await listPhotos(c.env.DB, c.var.libraryId, { status, cursor, limit });
    const photos = await Promise.all(page.photos.map((p) => present(c.env, c.var.libraryId, p)));
    return c.json({ photos, nextCursor: page.nextCursor } satisfies PhotoListResponse);
  })

  .get('/:id', async (c) => {
    const photo = await findPhoto(c.env.DB, c.var.libraryId, c.req.param('id'));
    return c.json({ photo: await present(c.env, c.var.libraryId, photo) } satisfies PhotoResponse);
  })

  .post('/retry-failed', async (c) => {
    const failed = await failedPhotoIds(c.env.DB, c.var.libraryId, 10_000);
    const reset = await resetForRetry(c.env.DB, c.var.libraryId, failed, Date.now());
    await enqueuePhotos(c.env, c.var.libraryId, reset);
    c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, await photosUpdated(c.env.DB, c.var.libraryId, reset, Date.now())));
    return c.json({ retried: reset.length } satisfies RetryFailedResponse);
  })

  .post('/:id/retry', async (c) => {
    const photo = await findPhoto(c.env.DB, c.var.libraryId, c.req.param('id'));
    if (photo.status === 'processing') throw new AppError('conflict', 'The photo is being processed right now.');
    if (photo.status === 'completed') {
      if (photo.stages.analysis?.status !== 'failed') throw new AppError('conflict', 'The photo is already developed: nothing to retry.');
      // Only the browser analysis failed: put it back in the pool for the next analysis tab.
      const events = await retryAnalysis(c.env.DB, c.var.libraryId, photo.id, Date.now());
      c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, events));
      return c.json({ photo: await present(c.env, c.var.libraryId, (await getPhoto(c.env.DB, c.var.libraryId, photo.id))!) } satisfies PhotoResponse);
    }
    const [id] = await resetForRetry(c.env.DB, c.var.libraryId, [photo.id], Date.now());
    if (id) {
      await enqueuePhotos(c.env, c.var.libraryId, [id]);
      c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, await photosUpdated(c.env.DB, c.var.libraryId, [id], Date.now())));
    }
    return c.json({ photo: await present(c.env, c.var.libraryId, (await getPhoto(c.env.DB, c.var.libraryId, photo.id))!) } satisfies PhotoResponse);
  })

  .post('/:id/cancel', async (c) => {
    const photo = await findPhoto(c.env.DB, c.var.libraryId, c.req.param('id'));
    if (!(await cancelPending(c.env.DB, c.var.libraryId, photo.id, Date.now()))) {
      throw new AppError('conflict', `Only work that has not started can be cancelled; this photo is ${photo.status}.`);
    }
    c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, await photosUpdated(c.env.DB, c.var.libraryId, [photo.id], Date.now())));
    return c.json({ photo: await present(c.env, c.var.libraryId, (await getPhoto(c.env.DB, c.var.libraryId, photo.id))!) } satisfies PhotoResponse);
  })

  .get('/:id/original', async (c) => {
    const photo = await findPhoto(c.env.DB, c.var.libraryId, c.req.param('id'));
    return serveOriginal(c.env.PHOTOS, originalKey(c.var.libraryId, photo.id), photo, c.req.raw);
  })

  .delete('/:id', async (c) => {
    const photo = await findPhoto(c.env.DB, c.var.libraryId, c.req.param('id'));
    // Objects first: if this fails halfway, the row still exists and a repeated DELETE finishes the job.
    await deletePhotoObjects(c.env.PHOTOS, c.var.libraryId, photo.id);
    c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, await removePhotoFaces(c.env.DB, c.var.libraryId, photo.id, Date.now())));
    c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, await deletePhotoRow(c.env.DB, c.var.libraryId, photo.id, Date.now())));
    return c.body(null, 204);
  });

/** A photo of another library is indistinguishable from one that does not exist. */
async function findPhoto(db: D1Database, libraryId: string, id: string) {
  const photo = isPhotoId(id) ? await getPhoto(db, libraryId, id) : null;
  if (!photo) throw new AppError('not_found', 'No such photo.');
  return photo;
}
