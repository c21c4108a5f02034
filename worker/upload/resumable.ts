// Resumable uploads for large files, on R2 multipart. A dropped connection costs one part, not the file:
// the client asks which parts arrived and sends the rest. The first part is inspected like any upload's
// head, so a refused file stops there; completion verifies the declared SHA-256.
import type { Photo } from '../contract/photo';
import type { UploadSession } from '../contract/uploads';
import { getPhoto, getPhotoBySha } from '../db/photos';
import { getSettings } from '../db/settings';
import * as db from '../db/uploads';
import type { Bindings } from '../env';
import { AppError } from '../errors';
import { toHex } from '../hash';
import { newPhotoId } from '../ids';
import { originalKey } from '../storage/keys';
import { cleanFilename } from './filename';
import { inspectHead, recordPhoto, type IngestResult } from './ingest';
import { HEAD_BYTES } from './store';

/** R2 parts must be at least 5 MiB (except the last); 10 MiB keeps a lost part cheap. */
export const PART_SIZE = 10 * 1024 * 1024;
/** Open sessions per library: each holds an R2 multipart upload until it completes, is cancelled or expires (L5). */
export const MAX_OPEN_UPLOADS = 32;
/** A completion that has not finished in this long died with its request; another may take over. */
const COMPLETION_STALE_MS = 10 * 60_000;

const partCount = (u: db.UploadRow) => Math.ceil(u.size / u.part_size);
const partLength = (u: db.UploadRow, n: number) => (n < partCount(u) ? u.part_size : u.size - (n - 1) * u.part_size);
const multipart = (env: Bindings, u: db.UploadRow) => env.PHOTOS.resumeMultipartUpload(originalKey(u.library_id, u.photo_id), u.r2_upload_id);

async function session(d1: D1Database, u: db.UploadRow): Promise<UploadSession> {
  const parts = (await db.uploadParts(d1, u.id)).map((p) => p.part_number);
  return { id: u.id, filename: u.filename, size: u.size, partSize: u.part_size, partCount: partCount(u), parts };
}

async function findUpload(d1: D1Database, libraryId: string, id: string) {
  const u = await db.getUpload(d1, libraryId, id);
  if (!u) throw new AppError('not_found', 'No such upload (it may have completed, been cancelled or expired).');
  return u;
}

/** Opens a session, or answers the photo the library already has with these bytes. */
export async function createUpload(
  env: Bindings, libraryId: string, req: { filename: string; size: number; sha256: string },
): Promise<{ duplicate: Photo } | { upload: UploadSession }> {
  const settings = await getSettings(env.DB, libraryId, env);
  if (req.size === 0) throw new AppError('empty_file', 'The file is empty.');
  if (req.size > settings.maxUploadBytes) throw new AppError('too_large', `The file is larger than the ${settings.maxUploadBytes}-byte limit.`);
  const known = await getPhotoBySha(env.DB, libraryId, req.sha256);
  if (known) return { duplicate: known };
  if ((await db.openUploadCount(env.DB, libraryId)) >= MAX_OPEN_UPLOADS) {
    throw new AppError('too_many_uploads', `This library already has ${MAX_OPEN_UPLOADS} unfinished uploads: complete or cancel some first.`);
  }

  const photoId = newPhotoId();
  const { uploadId } = await env.PHOTOS.createMultipartUpload(originalKey(libraryId, photoId));
  const row = {
    id: crypto.randomUUID(), library_id: libraryId, photo_id: photoId, r2_upload_id: uploadId,
    filename: cleanFilename(req.filename), size: req.size, sha256: req.sha256, part_size: PART_SIZE, created_at: Date.now(),
  };
  await db.insertUpload(env.DB, row);
  return { upload: await session(env.DB, { ...row, mime: null, kind: null, width: null, height: null, exif: null, completing_at: null }) };
}

export async function getSession(env: Bindings, libraryId: string, id: string): Promise<UploadSession> {
  return session(env.DB, await findUpload(env.DB, libraryId, id));
}

/** Stores part `n`, which must be exactly its share of the file; the first part is inspected first. */
export async function putPart(env: Bindings, libraryId: string, id: string, n: number, req: Request): Promise<UploadSession> {
  const u = await findUpload(env.DB, libraryId, id);
  if (!Number.isInteger(n) || n < 1 || n > partCount(u)) throw new AppError('invalid_request', `Part numbers run from 1 to ${partCount(u)}.`);
  const expected = partLength(u, n);
  if (Number(req.headers.get('Content-Length')) !== expected || !req.body) {
    throw new AppError('length_mismatch', `Part ${n} must be exactly ${expected} bytes.`);
  }
  const upload = multipart(env, u);
  let body: ReadableStream | ArrayBuffer = req.body;
  if (n === 1) {
    // The head of the file is in this part: refuse a bad file before another byte is stored.
    body = await req.arrayBuffer();
    try {
      const settings = await getSettings(env.DB, u.library_id, env);
      await db.recordInspection(env.DB, u.id, await inspectHead(new Uint8Array(body, 0, Math.min(HEAD_BYTES, body.byteLength)), u.size, settings));
    } catch (err) {
      await abortQuietly(upload, u.id);
      await db.deleteUpload(env.DB, u.id);
      throw err;
    }
  }
  const part = await upload.uploadPart(n, body);
  await db.recordPart(env.DB, u.id, n, part.etag);
  return session(env.DB, u);
}

/** Joins the parts, checks the declared SHA-256 and records the photo like any upload. */
export async function completeUpload(
  env: Bindings, libraryId: string, id: string, waitUntil: (work: Promise<unknown>) => void,
): Promise<IngestResult> {
  const u = await findUpload(env.DB, libraryId, id);
  const parts = await db.uploadParts(env.DB, u.id);
  const missing = Array.from({ length: partCount(u) }, (_, i) => i + 1).filter((n) => !parts.some((p) => p.part_number === n));
  if (missing.length || !u.mime || !u.kind) throw new AppError('conflict', `Parts still missing: ${missing.join(', ')}.`);
  const now = Date.now();
  if (!(await db.claimCompletion(env.DB, u.id, now, now - COMPLETION_STALE_MS))) {
    throw new AppError('conflict', 'This upload is already being completed by another request.');
  }
  const key = originalKey(u.library_id, u.photo_id);
  try {
    await completeParts(env, u, parts);
  } catch (err) {
    await db.releaseCompletion(env.DB, u.id);
    throw err;
  }

  // Multipart objects carry no SHA-256 of their own: hash the stored bytes (streamed, natively).
  const obj = await env.PHOTOS.get(key);
  const digest = new crypto.DigestStream('SHA-256');
  await obj!.body.pipeTo(digest);
  const sha256 = toHex(await digest.digest);
  if (sha256 !== u.sha256) {
    await env.PHOTOS.delete(key);
    await db.deleteUpload(env.DB, u.id);
    throw new AppError('checksum_mismatch', `The parts put together hash to ${sha256}, not the declared ${u.sha256}.`);
  }
  const settings = await getSettings(env.DB, u.library_id, env);
  const result = await recordPhoto(env, settings, {
    id: u.photo_id, libraryId: u.library_id, filename: u.filename, sha256, bytes: u.size, mime: u.mime, kind: u.kind,
    width: u.width, height: u.height, exif: u.exif ? JSON.parse(u.exif) : null,
  }, waitUntil).catch(async (err: unknown) => {
    // recordPhoto removed the joined object: the session has nothing left to complete.
    await db.deleteUpload(env.DB, u.id);
    throw err;
  });
  // Only now: had we died before this, the row would still point the sweep at the object (L5).
  await db.deleteUpload(env.DB, u.id);
  return result;
}

/** Joins the parts; a join that already happened (a completion that died after it) is taken as done. */
async function completeParts(env: Bindings, u: db.UploadRow, parts: Array<{ part_number: number; etag: string }>) {
  try {
    await multipart(env, u).complete(parts.map((p) => ({ partNumber: p.part_number, etag: p.etag })));
  } catch (err) {
    const head = await env.PHOTOS.head(originalKey(u.library_id, u.photo_id));
    if (!head || head.size !== u.size) throw err;
  }
}

export async function cancelUpload(env: Bindings, libraryId: string, id: string): Promise<void> {
  const u = await findUpload(env.DB, libraryId, id);
  await abortQuietly(multipart(env, u), u.id);
  await db.deleteUpload(env.DB, u.id);
}

/** Sessions abandoned since `before` (the cron sweep): free their parts. */
export async function abortStaleUploads(env: Bindings, before: number): Promise<void> {
  for (const u of await db.staleUploads(env.DB, before)) {
    await abortQuietly(multipart(env, u), u.id);
    // A completion that died after joining the parts left an object no photo row names.
    if (u.completing_at !== null && !(await getPhoto(env.DB, u.library_id, u.photo_id))) await env.PHOTOS.delete(originalKey(u.library_id, u.photo_id));
    await db.deleteUpload(env.DB, u.id);
  }
}

/**
 * Best effort: R2 forgets an unfinished multipart upload by itself after a week, and the session row is
 * deleted right after, so a failed abort (already aborted, say) only leaves parts that expire anyway.
 */
async function abortQuietly(upload: R2MultipartUpload, id: string): Promise<void> {
  await upload.abort().catch((err: unknown) => console.warn('multipart abort failed; R2 expires the parts', id, String(err)));
}
