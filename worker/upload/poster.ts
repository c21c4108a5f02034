// A video's poster frame, made by a browser (the upload page or an analysis tab) and sent as an image:
// validated like any image upload (type by content, pixel limit, a readable size), stored in R2, then
// developed by the same thumbnails (+ ThumbHash) and variants stages as a photo.
import type { Photo } from '../contract/photo';
import type { Settings } from '../contract/settings';
import type { PosterRecord } from '../db/poster';
import type { Bindings } from '../env';
import { AppError } from '../errors';
import { readImageSize } from '../formats/image-size';
import { toHex } from '../hash';
import { posterKey } from '../storage/keys';
import { checkPixels, inspectHead } from './ingest';
import { HEAD_BYTES } from './store';

/** Posters are held in memory while checked: a 4K JPEG is ~2 MB, so 16 MB is room to spare. */
export const POSTER_MAX_BYTES = 16 * 1024 * 1024;

export function checkPosterTarget(photo: Photo, length: number, settings: Settings) {
  if (photo.kind !== 'video') throw new AppError('not_a_video', 'Only a video has a poster; this is a photo.');
  if (length === 0) throw new AppError('empty_file', 'The poster is empty.');
  const max = Math.min(POSTER_MAX_BYTES, settings.maxUploadBytes);
  if (length > max) throw new AppError('too_large', `The poster is ${length} bytes; the limit is ${max}.`);
}

/** Validates the poster and stores it at the video's poster key; answers what the row keeps of it. */
export async function storePoster(env: Bindings, settings: Settings, libraryId: string, photoId: string, bytes: ArrayBuffer): Promise<PosterRecord> {
  const all = new Uint8Array(bytes);
  const inspected = await inspectHead(all.subarray(0, HEAD_BYTES), all.length, settings);
  if (inspected.kind !== 'image') throw new AppError('unsupported_type', 'A poster is an image (JPEG, PNG, WebP, AVIF…), not a video.');
  let { width, height } = inspected;
  if (width === null || height === null) {
    // The size sits past the head (large APPn segments): the whole poster is in memory, read on there.
    const size = await readImageSize(inspected.mime, all.length, async (offset, length) => all.subarray(offset, offset + length)).catch((err) => {
      if (err instanceof RangeError) return null;
      throw err;
    });
    if (!size || !size[0] || !size[1]) throw new AppError('corrupt_image', 'The poster holds no readable image dimensions.');
    checkPixels({ width: size[0], height: size[1] }, settings.maxMegapixels);
    const o = inspected.exif?.orientation ?? 1;
    [width, height] = o >= 5 && o <= 8 && !/^image\/(hei[cf]|avif)$/.test(inspected.mime) ? [size[1], size[0]] : size;
  }
  const sha256 = toHex(await crypto.subtle.digest('SHA-256', bytes));
  await env.PHOTOS.put(posterKey(libraryId, photoId), bytes, { sha256, httpMetadata: { contentType: inspected.mime } });
  return { mime: inspected.mime, width, height, bytes: all.length, sha256 };
}

/** The poster's SHA-256, to answer a repeated PUT of the same bytes without developing it again. */
export async function posterSha256(bytes: ArrayBuffer): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', bytes));
}
