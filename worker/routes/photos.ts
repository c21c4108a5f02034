// /api/photos — upload (streamed PUT or multipart), dedupe check, list, read, original bytes, retry,
// cancel, delete.
import { Hono, type MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import {
  CheckRequestSchema, ListQuerySchema, PhotoIdParamSchema, PutQuerySchema, Sha256Schema, TAKEN_CURSOR_PATTERN,
  type CheckResponse, type TimelineResponse, type MultipartUploadResponse, type PhotoListResponse, type PhotoResponse, type RetryFailedResponse, type UploadResponse,
} from '../contract/http';
import { maxMultipartBytes } from '../config';
import { deletePhotoRow, findBySha, getPhoto, listPhotos } from '../db/photos';
import { getSettings } from '../db/settings';
import { listPhotosByTaken, photoTimeline, type TimelineStart } from '../db/timeline';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { present } from '../media/present';
import { cancelPhoto, retryFailed, retryPhoto } from '../pipeline/retry';
import { deletePhotoObjects, originalKey } from '../storage/keys';
import { serveOriginal } from '../storage/serve';
import { cleanFilename } from '../upload/filename';
import { ingest } from '../upload/ingest';
import { enforceRate } from '../rate-limit';
import { validate } from '../validate';
import { streamedLimit } from '../body-limits';
import { removePhotoFaces } from '../people/decisions';

/** Files of one form stored at once: a batch of small files costs about one file's round trips. */
const FORM_CONCURRENCY = 4;

async function ingestInOrder<T>(files: File[], one: (file: File, i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (const [i, file] of files.entries()) out.push(await one(file, i));
  return out;
}

/**
 * With a declared hash per file, files are stored a few at once; a file repeating an earlier one's hash
 * waits for it, so the first is the new photo and the others its duplicates, as in order.
 */
async function ingestTogether<T>(files: File[], hashes: string[], one: (file: File, i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(files.length);
  const first = new Map<string, Promise<unknown>>();
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const i = next++;
      const h = hashes[i].toLowerCase();
      const earlier = first.get(h);
      const run = (earlier ?? Promise.resolve()).then(() => one(files[i], i));
      if (!earlier) first.set(h, run.catch(() => {}));
      out[i] = await run;
    }
  };
  await Promise.all(Array.from({ length: Math.min(FORM_CONCURRENCY, files.length) }, lane));
  return out;
}

/** The form is parsed in memory, so its cap (MAX_MULTIPART_BYTES) fits the isolate's 128 MB with room to spare. */
const multipartLimit: MiddlewareHandler<AppEnv> = (c, next) => {
  const max = maxMultipartBytes(c.env);
  return streamedLimit(max, `Multipart uploads are limited to ${Math.round(max / 1048576)} MB per request; PUT large files one by one.`)(c, next);
};

export const photos = new Hono<AppEnv>()
  .post('/check', validate('json', CheckRequestSchema), async (c) => {
    const { sha256 } = c.req.valid('json');
    const existing = sha256.length ? await findBySha(c.env.DB, c.var.libraryId, [...new Set(sha256)]) : {};
    return c.json({ existing } satisfies CheckResponse);
  })

  .put('/', validate('query', PutQuerySchema), async (c) => {
    const query = c.req.valid('query');
    const declared = c.req.header('Content-Length');
    if (declared === undefined) {
      throw new AppError('length_required', 'Content-Length is required: the file is streamed to storage as it arrives.');
    }
    const length = Number(declared);
    const body = c.req.raw.body;
    if (length === 0 || !body) throw new AppError('empty_file', 'The file is empty.');
    const sha256 = query.sha256 ?? c.req.header('X-Content-SHA256')?.toLowerCase();
    if (sha256 !== undefined && !v.is(Sha256Schema, sha256)) {
      throw new AppError('invalid_request', 'X-Content-SHA256 must be a hex SHA-256.');
    }
    // Checked before a byte is stored: another library's photo is refused exactly like a missing one.
    if (query.derivedFrom && !(await getPhoto(c.env.DB, c.var.libraryId, query.derivedFrom))) {
      throw new AppError('invalid_request', 'derivedFrom names no photo of this library.');
    }
    const settings = await getSettings(c.env.DB, c.var.libraryId, c.env);
    await enforceRate(c.env.DB, c.var.libraryId, 'upload', settings.uploadsPerMinute);
    const result = await ingest(c.env, settings, {
      libraryId: c.var.libraryId, filename: cleanFilename(query.filename), body, length, sha256, derivedFrom: query.derivedFrom,
    }, (work) => c.executionCtx.waitUntil(work));
    const photo = await present(c.env, c.var.libraryId, result.photo);
    const answer: UploadResponse = result.duplicate ? { photo, duplicate: true } : { photo };
    return c.json(answer, result.duplicate ? 200 : 201);
  })

  .post('/', multipartLimit, async (c) => {
    if (!c.req.header('Content-Type')?.startsWith('multipart/form-data')) {
      throw new AppError('invalid_request', 'Send multipart/form-data with one or more "file" fields, or PUT the raw file.');
    }
    const form = await c.req.formData().catch((err: unknown) => {
      throw new AppError('invalid_request', 'The multipart body could not be parsed.', { cause: err });
    });
    const files = form.getAll('file').filter((f): f is File => typeof f !== 'string');
    if (!files.length) throw new AppError('invalid_request', 'No "file" fields in the form.');
    const hashes = form.getAll('sha256');
    if (hashes.length && (hashes.length !== files.length || !hashes.every((h) => v.is(Sha256Schema, h)))) {
      throw new AppError('invalid_request', 'Send one "sha256" field (hex SHA-256) per "file" field, in the same order, or none.');
    }
    const settings = await getSettings(c.env.DB, c.var.libraryId, c.env);
    const one = async (file: File, i: number): Promise<MultipartUploadResponse['results'][number]> => {
      const filename = cleanFilename(file.name);
      try {
        await enforceRate(c.env.DB, c.var.libraryId, 'upload', settings.uploadsPerMinute);
        const r = await ingest(c.env, settings, {
          libraryId: c.var.libraryId, filename, body: file, length: file.size, sha256: (hashes[i] as string | undefined)?.toLowerCase(),
        }, (work) => c.executionCtx.waitUntil(work));
        const photo = await present(c.env, c.var.libraryId, r.photo);
        return r.duplicate ? { filename, photo, duplicate: true } : { filename, photo };
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return { filename, error: { code: err.code, message: err.message, ...(err.retryAfter !== undefined && { retryAfter: err.retryAfter }) } };
      }
    };
    const results = hashes.length ? await ingestTogether(files, hashes as string[], one) : await ingestInOrder(files, one);
    const created = results.some((r) => r.photo && !r.duplicate);
    return c.json({ results } satisfies MultipartUploadResponse, created ? 201 : 200);
  })

  .get('/', validate('query', ListQuerySchema), async (c) => {
    const { status, order, cursor, at, limit } = c.req.valid('query');
    const page = order === 'taken'
      ? await listPhotosByTaken(c.env.DB, c.var.libraryId, { status, limit, start: timelineStart(cursor, at) })
      : await listPhotos(c.env.DB, c.var.libraryId, { status, cursor, limit });
    const photos = await Promise.all(page.photos.map((p) => present(c.env, c.var.libraryId, p)));
    return c.json({ photos, nextCursor: page.nextCursor } satisfies PhotoListResponse);
  })

  .get('/timeline', async (c) => {
    const { timeline, rowsRead } = await photoTimeline(c.env.DB, c.var.libraryId);
    return c.json(timeline satisfies TimelineResponse, 200, { 'X-D1-Rows-Read': String(rowsRead) });
  })

  .get('/:id', validate('param', PhotoIdParamSchema, 'No such photo.'), async (c) => {
    const photo = await findPhoto(c.env.DB, c.var.libraryId, c.req.valid('param').id);
    return c.json({ photo: await present(c.env, c.var.libraryId, photo) } satisfies PhotoResponse);
  })

  .post('/retry-failed', async (c) => {
    const { retried } = await retryFailed(c.env, c.var.libraryId, c.var.publish);
    return c.json({ retried } satisfies RetryFailedResponse);
  })

  .post('/:id/retry', validate('param', PhotoIdParamSchema, 'No such photo.'), async (c) => {
    const photo = await findPhoto(c.env.DB, c.var.libraryId, c.req.valid('param').id);
    c.var.publish(await retryPhoto(c.env, c.var.libraryId, photo));
    return c.json({ photo: await present(c.env, c.var.libraryId, await findPhoto(c.env.DB, c.var.libraryId, photo.id)) } satisfies PhotoResponse);
  })

  .post('/:id/cancel', validate('param', PhotoIdParamSchema, 'No such photo.'), async (c) => {
    const photo = await findPhoto(c.env.DB, c.var.libraryId, c.req.valid('param').id);
    c.var.publish(await cancelPhoto(c.env, c.var.libraryId, photo));
    return c.json({ photo: await present(c.env, c.var.libraryId, await findPhoto(c.env.DB, c.var.libraryId, photo.id)) } satisfies PhotoResponse);
  })

  .get('/:id/original', validate('param', PhotoIdParamSchema, 'No such photo.'), async (c) => {
    const photo = await findPhoto(c.env.DB, c.var.libraryId, c.req.valid('param').id);
    return serveOriginal(c.env.PHOTOS, originalKey(c.var.libraryId, photo.id), photo, c.req.raw);
  })

  .delete('/:id', validate('param', PhotoIdParamSchema, 'No such photo.'), async (c) => {
    const photo = await findPhoto(c.env.DB, c.var.libraryId, c.req.valid('param').id);
    // Objects first: if this fails halfway, the row still exists and a repeated DELETE finishes the job.
    await deletePhotoObjects(c.env.PHOTOS, c.var.libraryId, photo.id);
    c.var.publish(await removePhotoFaces(c.env.DB, c.var.libraryId, photo.id, Date.now()));
    c.var.publish(await deletePhotoRow(c.env.DB, c.var.libraryId, photo.id, Date.now()));
    return c.body(null, 204);
  });

/** The schema has checked the cursor's form (and that `at` comes alone). */
function timelineStart(cursor: string | undefined, at: string | undefined): TimelineStart {
  const m = cursor ? TAKEN_CURSOR_PATTERN.exec(cursor) : null;
  return m ? { sortAt: m[1], id: m[2] } : at ? { at } : null;
}

/** A photo of another library is indistinguishable from one that does not exist. */
async function findPhoto(db: D1Database, libraryId: string, id: string) {
  const photo = await getPhoto(db, libraryId, id);
  if (!photo) throw new AppError('not_found', 'No such photo.');
  return photo;
}
