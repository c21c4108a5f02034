// /api/uploads — resumable uploads for large files, on R2 multipart. A dropped connection costs one part,
// not the file: the client asks which parts arrived and sends the rest. The first part is inspected like
// any upload's head, so a refused file stops there; completion verifies the declared SHA-256.
import { Hono } from 'hono';
import * as v from 'valibot';
import type { UploadResponse } from '../contract/http';
import type { UploadSession, UploadSessionResponse } from '../contract/uploads';
import { getPhotoBySha } from '../db/photos';
import { getSettings } from '../db/settings';
import * as db from '../db/uploads';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { toHex } from '../hash';
import { newPhotoId } from '../ids';
import { present } from '../media/present';
import { originalKey } from '../storage/keys';
import { inspectHead, recordPhoto } from '../upload/ingest';
import { HEAD_BYTES } from '../upload/store';
import { validate } from '../validate';
import { cleanFilename } from './photos';

/** R2 parts must be at least 5 MiB (except the last); 10 MiB keeps a lost part cheap. */
export const PART_SIZE = 10 * 1024 * 1024;

const Create = v.object({
  filename: v.pipe(v.string(), v.maxLength(1024)),
  size: v.pipe(v.number(), v.integer(), v.minValue(0)),
  sha256: v.pipe(v.string(), v.toLowerCase(), v.regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256')),
});

const partCount = (u: db.UploadRow) => Math.ceil(u.size / u.part_size);
const partLength = (u: db.UploadRow, n: number) => (n < partCount(u) ? u.part_size : u.size - (n - 1) * u.part_size);

async function session(d1: D1Database, u: db.UploadRow): Promise<UploadSession> {
  const parts = (await db.uploadParts(d1, u.id)).map((p) => p.part_number);
  return { id: u.id, filename: u.filename, size: u.size, partSize: u.part_size, partCount: partCount(u), parts };
}

async function findUpload(d1: D1Database, libraryId: string, id: string) {
  const u = await db.getUpload(d1, libraryId, id);
  if (!u) throw new AppError('not_found', 'No such upload (it may have completed, been cancelled or expired).');
  return u;
}

export const uploads = new Hono<AppEnv>()
  .post('/', validate('json', Create), async (c) => {
    const { filename, size, sha256 } = c.req.valid('json');
    const lib = c.var.libraryId;
    const settings = await getSettings(c.env.DB, lib, c.env);
    if (size === 0) throw new AppError('empty_file', 'The file is empty.');
    if (size > settings.maxUploadBytes) throw new AppError('too_large', `The file is larger than the ${settings.maxUploadBytes}-byte limit.`);
    const known = await getPhotoBySha(c.env.DB, lib, sha256);
    if (known) return c.json({ photo: await present(c.env, lib, known), duplicate: true } satisfies UploadResponse, 200);

    const photoId = newPhotoId();
    const multipart = await c.env.PHOTOS.createMultipartUpload(originalKey(lib, photoId));
    const row = {
      id: crypto.randomUUID(), library_id: lib, photo_id: photoId, r2_upload_id: multipart.uploadId,
      filename: cleanFilename(filename), size, sha256, part_size: PART_SIZE, created_at: Date.now(),
    };
    await db.insertUpload(c.env.DB, row);
    return c.json({ upload: await session(c.env.DB, { ...row, mime: null, kind: null, width: null, height: null, exif: null }) } satisfies UploadSessionResponse, 201);
  })

  .get('/:id', async (c) => {
    const u = await findUpload(c.env.DB, c.var.libraryId, c.req.param('id'));
    return c.json({ upload: await session(c.env.DB, u) } satisfies UploadSessionResponse);
  })

  .put('/:id/parts/:n', async (c) => {
    const u = await findUpload(c.env.DB, c.var.libraryId, c.req.param('id'));
    const n = Number(c.req.param('n'));
    if (!Number.isInteger(n) || n < 1 || n > partCount(u)) throw new AppError('invalid_request', `Part numbers run from 1 to ${partCount(u)}.`);
    const expected = partLength(u, n);
    if (Number(c.req.header('Content-Length')) !== expected || !c.req.raw.body) {
      throw new AppError('length_mismatch', `Part ${n} must be exactly ${expected} bytes.`);
    }
    const multipart = c.env.PHOTOS.resumeMultipartUpload(originalKey(u.library_id, u.photo_id), u.r2_upload_id);
    let body: ReadableStream | ArrayBuffer = c.req.raw.body;
    if (n === 1) {
      // The head of the file is in this part: refuse a bad file before another byte is stored.
      body = await c.req.arrayBuffer();
      try {
        const settings = await getSettings(c.env.DB, u.library_id, c.env);
        await db.recordInspection(c.env.DB, u.id, await inspectHead(new Uint8Array(body, 0, Math.min(HEAD_BYTES, body.byteLength)), u.size, settings));
      } catch (err) {
        await multipart.abort().catch(() => {});
        await db.deleteUpload(c.env.DB, u.id);
        throw err;
      }
    }
    const part = await multipart.uploadPart(n, body);
    await db.recordPart(c.env.DB, u.id, n, part.etag);
    return c.json({ upload: await session(c.env.DB, u) } satisfies UploadSessionResponse);
  })

  .post('/:id/complete', async (c) => {
    const u = await findUpload(c.env.DB, c.var.libraryId, c.req.param('id'));
    const parts = await db.uploadParts(c.env.DB, u.id);
    const missing = Array.from({ length: partCount(u) }, (_, i) => i + 1).filter((n) => !parts.some((p) => p.part_number === n));
    if (missing.length || !u.mime || !u.kind) throw new AppError('conflict', `Parts still missing: ${missing.join(', ')}.`);
    const key = originalKey(u.library_id, u.photo_id);
    await c.env.PHOTOS.resumeMultipartUpload(key, u.r2_upload_id).complete(parts.map((p) => ({ partNumber: p.part_number, etag: p.etag })));
    await db.deleteUpload(c.env.DB, u.id);

    // Multipart objects carry no SHA-256 of their own: hash the stored bytes (streamed, natively).
    const obj = await c.env.PHOTOS.get(key);
    const digest = new crypto.DigestStream('SHA-256');
    await obj!.body.pipeTo(digest);
    const sha256 = toHex(await digest.digest);
    if (sha256 !== u.sha256) {
      await c.env.PHOTOS.delete(key);
      throw new AppError('checksum_mismatch', `The parts put together hash to ${sha256}, not the declared ${u.sha256}.`);
    }
    const settings = await getSettings(c.env.DB, u.library_id, c.env);
    const result = await recordPhoto(c.env, settings, {
      id: u.photo_id, libraryId: u.library_id, filename: u.filename, sha256, bytes: u.size, mime: u.mime, kind: u.kind,
      width: u.width, height: u.height, exif: u.exif ? JSON.parse(u.exif) : null,
    }, (w) => c.executionCtx.waitUntil(w));
    const photo = await present(c.env, u.library_id, result.photo);
    return c.json((result.duplicate ? { photo, duplicate: true } : { photo }) satisfies UploadResponse, result.duplicate ? 200 : 201);
  })

  .delete('/:id', async (c) => {
    const u = await findUpload(c.env.DB, c.var.libraryId, c.req.param('id'));
    await c.env.PHOTOS.resumeMultipartUpload(originalKey(u.library_id, u.photo_id), u.r2_upload_id).abort().catch(() => {});
    await db.deleteUpload(c.env.DB, u.id);
    return c.body(null, 204);
  });
