// One upload, start to finish: store the bytes while validating the head, record the row, enqueue
// processing. A refused file leaves no object and no row behind.
import type { Photo, QuickExif } from '../contract/photo';
import { IMAGE_STAGES, VIDEO_STAGES } from '../contract/photo';
import type { PipelineMessage } from '../contract/queue';
import type { Settings } from '../contract/settings';
import type { Bindings } from '../env';
import { AppError } from '../errors';
import { getPhotoBySha, insertPhoto, type NewPhoto } from '../db/photos';
import { newPhotoId } from '../ids';
import { originalKey } from '../storage/keys';
import { publish } from '../feed/publish';
import { quickExif } from './quick-exif';
import { sniff, type Sniffed } from '../formats/sniff';
import { readImageSize } from '../formats/image-size';
import { checkBoxStructure } from '../formats/mp4-structure';
import { HEAD_BYTES, storeBuffered, storeStreamed, storeVerified } from './store';
import { laneQueue } from '../pipeline/enqueue';

export interface IngestInput {
  libraryId: string;
  filename: string;
  /** A request body is streamed; a Blob (a multipart field, already parsed into memory) is put whole. */
  body: ReadableStream<Uint8Array> | Blob;
  /** Declared byte length; R2 needs it up front and the upload must match it exactly. */
  length: number;
  /** Client-computed SHA-256: a known file skips the transfer, and R2 verifies the bytes against it. */
  sha256?: string;
  /** The photo of this library the file was made from; the caller has checked that it exists. */
  derivedFrom?: string;
}

export interface IngestResult {
  photo: Photo;
  duplicate: boolean;
}

export async function ingest(
  env: Bindings,
  limits: Settings,
  input: IngestInput,
  waitUntil: (work: Promise<unknown>) => void,
): Promise<IngestResult> {
  const { libraryId, length, body } = input;
  if (length === 0) throw new AppError('empty_file', 'The file is empty.');
  if (length > limits.maxUploadBytes) {
    throw new AppError('too_large', `The file is ${mb(length)}; the limit is ${mb(limits.maxUploadBytes)}.`);
  }
  if (input.sha256) {
    const known = await getPhotoBySha(env.DB, libraryId, input.sha256);
    if (known) {
      if (!(body instanceof Blob)) await body.cancel('duplicate');
      return { photo: known, duplicate: true };
    }
  }

  const id = newPhotoId();
  const key = originalKey(libraryId, id);
  const inspect = (head: Uint8Array) => inspectHead(head, length, limits);
  const stored =
    // A multipart field is already in memory and put whole. The multipart cap (32 MB) keeps the field and
    // its buffer well inside the isolate; workerd's Blob stream does not survive the tee + fixed-length pipe.
    body instanceof Blob ? await storeBuffered(env.PHOTOS, key, await body.arrayBuffer(), inspect)
    : length <= HEAD_BYTES ? await storeBuffered(env.PHOTOS, key, await new Response(body).arrayBuffer(), inspect)
    : input.sha256 ? await storeVerified(env.PHOTOS, key, body, input.sha256, inspect)
    : await storeStreamed(env.PHOTOS, key, body, length, inspect);
  const { sha256, meta } = stored;
  if (input.sha256 && input.sha256 !== sha256) {
    await env.PHOTOS.delete(key);
    throw new AppError('checksum_mismatch', `The bytes received hash to ${sha256}, not the declared ${input.sha256}.`);
  }
  return recordPhoto(env, limits, { id, libraryId, filename: input.filename, sha256, bytes: length, derivedFrom: input.derivedFrom, ...meta }, waitUntil);
}

export interface Inspected {
  mime: string;
  kind: Sniffed['kind'];
  width: number | null;
  height: number | null;
  exif: QuickExif | null;
}

/** Validates a file's head (type, declared size, pixel limit) and reads its quick metadata. */
export async function inspectHead(head: Uint8Array, length: number, limits: Settings): Promise<Inspected> {
  const sniffed = sniff(head, head.length >= length);
  if (sniffed.kind === 'video') checkVideoBoxes(head, length, sniffed.mime);
  const exif = sniffed.kind === 'image' ? await quickExif(head, sniffed.mime) : null;
  checkPixels(sniffed, limits.maxMegapixels);
  return { mime: sniffed.mime, kind: sniffed.kind, exif, ...displayed(sniffed, exif?.orientation) };
}

/**
 * Records stored bytes as a photo (or finds the photo that already has them) and queues processing.
 * The original must already be at `originalKey(libraryId, id)`; on a duplicate it is removed.
 */
export async function recordPhoto(
  env: Bindings,
  limits: Settings,
  p: Inspected & { id: string; libraryId: string; filename: string; sha256: string; bytes: number; derivedFrom?: string },
  waitUntil: (work: Promise<unknown>) => void,
): Promise<IngestResult> {
  const { id, libraryId, sha256 } = p;
  const key = originalKey(libraryId, id);
  if (p.kind === 'image' && (p.width === null || p.height === null)) {
    try {
      p = { ...p, ...(await sizeBeyondHead(env.PHOTOS, key, p, limits.maxMegapixels)) };
    } catch (err) {
      await env.PHOTOS.delete(key);
      throw err;
    }
  }
  const now = Date.now();
  const row: NewPhoto = { ...p, stages: p.kind === 'image' ? IMAGE_STAGES : VIDEO_STAGES };
  // Videos have their own choice (settings.videos), mirroring the photos'.
  const auto = p.kind === 'video' ? limits.videos.autoProcessOnUpload : limits.autoProcessOnUpload;
  let created: Photo | null;
  try {
    const { inserted, photo, events } = await insertPhoto(env.DB, row, now, auto);
    waitUntil(publish(env, libraryId, events));
    if (!inserted) {
      // Another upload of the same bytes won the race: answer with its photo, drop our copy.
      await env.PHOTOS.delete(key);
      const existing = await getPhotoBySha(env.DB, libraryId, sha256);
      if (!existing) throw new Error(`photo with sha256 ${sha256} vanished during dedupe`);
      return { photo: existing, duplicate: true };
    }
    created = photo;
  } catch (err) {
    await env.PHOTOS.delete(key);
    throw err;
  }

  // The ack does not wait for the queue. If the send fails, the row still says `pending` and the cron
  // sweep re-enqueues it: a lost message costs a delay, never a photo. With auto-processing off the
  // photo waits for the scheduled batch instead.
  if (auto) {
    const message: PipelineMessage = { type: 'photo.process', libraryId, photoId: id };
    waitUntil(laneQueue(env, 'interactive').send(message).catch((err) => console.error('enqueue failed; the sweep will retry', id, err)));
  }
  // Inserted in the batch that wrote the photo.created event, so that event (and this photo) exists.
  return { photo: created!, duplicate: false };
}

/**
 * A video must chain like one: `ftyp` then real top-level boxes whose sizes fit the file (security
 * review L3). Only an ftyp in front of something else is not a video at all; broken boxes are a damaged one.
 */
function checkVideoBoxes(head: Uint8Array, length: number, mime: string) {
  const check = checkBoxStructure(head, length);
  if (check.ok) return;
  if (check.reason === 'not_video') {
    throw new AppError('unsupported_type', `Not a real ${mime === 'video/mp4' ? 'MP4' : 'QuickTime'} video: ${check.message}.`);
  }
  throw new AppError('corrupt_video', `The video's box structure is damaged (${check.reason}): ${check.message}.`);
}

/**
 * The head did not hold the image's size (a JPEG frame header after large APPn segments, a TIFF IFD
 * at the end, a HEIF `meta` after `mdat`): read on in the stored object with range requests. No size
 * anywhere means the file is unusable; a size over the limit is a pixel bomb like any other.
 */
async function sizeBeyondHead(bucket: R2Bucket, key: string, p: Inspected & { bytes: number }, maxMegapixels: number) {
  const size = await readImageSize(p.mime, p.bytes, async (offset, length) => {
    const obj = await bucket.get(key, { range: { offset, length } });
    if (!obj) throw new Error(`object ${key} missing right after put`);
    return new Uint8Array(await obj.arrayBuffer());
  }).catch((err) => {
    if (err instanceof RangeError) return null; // a length or offset pointing past the end
    throw err;
  });
  if (!size || size[0] === 0 || size[1] === 0) {
    throw new AppError('corrupt_image', `The ${p.mime.split('/')[1].toUpperCase()} file holds no readable image dimensions.`);
  }
  const sniffed: Sniffed = { mime: p.mime, kind: 'image', width: size[0], height: size[1], rotationApplied: /^image\/(hei[cf]|avif)$/.test(p.mime) };
  checkPixels(sniffed, maxMegapixels);
  return displayed(sniffed, p.exif?.orientation);
}

export function checkPixels(s: Pick<Sniffed, 'width' | 'height'>, maxMegapixels: number) {
  if (s.width === null || s.height === null || s.width * s.height <= maxMegapixels * 1_000_000) return;
  throw new AppError(
    'too_many_pixels',
    `The image declares ${s.width}×${s.height} (${((s.width * s.height) / 1e6).toFixed(1)} MP); the limit is ${maxMegapixels} MP.`,
  );
}

/** Size as displayed: EXIF orientations 5–8 swap the axes, except in HEIF where `irot` already did. */
function displayed(s: Sniffed, orientation: number | undefined) {
  const swap = !s.rotationApplied && orientation !== undefined && orientation >= 5 && orientation <= 8;
  return swap ? { width: s.height, height: s.width } : { width: s.width, height: s.height };
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
