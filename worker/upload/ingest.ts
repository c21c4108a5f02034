// One upload, start to finish: read the head, validate it, stream the rest into R2 while hashing,
// record the row, enqueue processing. Nothing is written until the head has passed validation, and
// anything written is removed again if a later step refuses the file.
import type { Photo } from '../contract/photo';
import { STAGES } from '../contract/photo';
import type { PipelineMessage } from '../contract/queue';
import type { Limits } from '../config';
import type { Bindings } from '../env';
import { AppError } from '../errors';
import { getPhoto, getPhotoBySha, insertPhoto } from '../db/photos';
import { toHex } from '../hash';
import { newPhotoId } from '../ids';
import { originalKey } from '../storage/keys';
import { quickExif } from './quick-exif';
import { sniff } from './sniff';

/** Quick metadata never reads further than this. */
export const HEAD_BYTES = 256 * 1024;

export interface IngestInput {
  libraryId: string;
  filename: string;
  body: ReadableStream<Uint8Array>;
  /** Declared byte length; R2 needs it up front and the upload must match it exactly. */
  length: number;
  /** Optional client-computed SHA-256: lets a known file skip the transfer, and is verified otherwise. */
  sha256?: string;
}

export interface IngestResult {
  photo: Photo;
  duplicate: boolean;
}

export async function ingest(env: Bindings, limits: Limits, input: IngestInput): Promise<IngestResult> {
  const { libraryId, length } = input;
  if (length === 0) throw new AppError('empty_file', 'The file is empty.');
  if (length > limits.maxUploadBytes) {
    throw new AppError('too_large', `The file is ${mb(length)}; the limit is ${mb(limits.maxUploadBytes)}.`);
  }
  if (input.sha256) {
    const known = await getPhotoBySha(env.DB, libraryId, input.sha256);
    if (known) {
      await input.body.cancel('duplicate');
      return { photo: known, duplicate: true };
    }
  }

  const reader = input.body.getReader();
  const head = await readHead(reader, Math.min(HEAD_BYTES, length));
  const headBytes = concat(head, HEAD_BYTES);
  const sniffed = sniff(headBytes, headBytes.length >= length);
  const exif = sniffed.kind === 'image' ? await quickExif(headBytes, sniffed.mime) : null;
  const { width, height } = displayed(sniffed, exif?.orientation);
  if (width !== null && height !== null && width * height > limits.maxMegapixels * 1_000_000) {
    await reader.cancel('too many pixels');
    throw new AppError(
      'too_many_pixels',
      `The image declares ${width}×${height} (${((width * height) / 1e6).toFixed(1)} MP); the limit is ${limits.maxMegapixels} MP.`,
    );
  }

  const id = newPhotoId();
  const key = originalKey(libraryId, id);
  const sha256 = await streamToR2(env.PHOTOS, key, head, reader, length, sniffed.mime);
  try {
    if (input.sha256 && input.sha256 !== sha256) {
      throw new AppError('checksum_mismatch', `The upload's SHA-256 is ${sha256}, not the ${input.sha256} that was declared.`);
    }
    const inserted = await insertPhoto(env.DB, {
      id, libraryId, filename: input.filename, sha256, mime: sniffed.mime, kind: sniffed.kind,
      bytes: length, width, height, exif, stages: sniffed.kind === 'image' ? STAGES : [],
    });
    if (!inserted) {
      // Another upload of the same bytes won: keep its photo, drop our copy of the bytes.
      await env.PHOTOS.delete(key);
      const existing = await getPhotoBySha(env.DB, libraryId, sha256);
      if (!existing) throw new Error(`photo with sha256 ${sha256} vanished during dedupe`);
      return { photo: existing, duplicate: true };
    }
  } catch (err) {
    await env.PHOTOS.delete(key);
    throw err;
  }

  const message: PipelineMessage = { type: 'photo.process', libraryId, photoId: id };
  try {
    await env.PIPELINE.send(message);
  } catch (err) {
    // The photo is safely stored and its row says `pending`; the cron sweep re-enqueues pending photos,
    // so a failed send costs a delay, not the upload.
    console.error('enqueue failed; the sweep will pick the photo up', id, err);
  }
  const photo = await getPhoto(env.DB, libraryId, id);
  if (!photo) throw new Error(`photo ${id} missing right after insert`);
  return { photo, duplicate: false };
}

function displayed(s: ReturnType<typeof sniff>, orientation: number | undefined) {
  const swap = !s.rotationApplied && orientation !== undefined && orientation >= 5 && orientation <= 8;
  return swap ? { width: s.height, height: s.width } : { width: s.width, height: s.height };
}

async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>, want: number): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  let have = 0;
  while (have < want) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    have += value.byteLength;
  }
  return chunks;
}

function concat(chunks: Uint8Array[], max: number): Uint8Array {
  const total = Math.min(max, chunks.reduce((n, c) => n + c.byteLength, 0));
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    if (at >= total) break;
    const part = c.subarray(0, total - at);
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/**
 * Streams head + rest into R2 without buffering the file, hashing each chunk on the way through.
 * Returns the hex SHA-256. A body that is shorter or longer than declared fails and stores nothing.
 */
async function streamToR2(
  bucket: R2Bucket,
  key: string,
  head: Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
  length: number,
  mime: string,
): Promise<string> {
  const digest = new crypto.DigestStream('SHA-256');
  const hasher = digest.getWriter();
  let pending = [...head];
  const source = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = pending.shift() ?? (await reader.read()).value;
      if (!next) return controller.close();
      await hasher.write(next);
      controller.enqueue(next);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const sized = new FixedLengthStream(length);
  try {
    await Promise.all([
      source.pipeTo(sized.writable),
      bucket.put(key, sized.readable, { httpMetadata: { contentType: mime } }),
    ]);
  } catch (err) {
    pending = [];
    await bucket.delete(key);
    throw new AppError('length_mismatch', `The upload ended early or ran past its declared ${length} bytes.`, { cause: err });
  }
  await hasher.close();
  return toHex(await digest.digest);
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
