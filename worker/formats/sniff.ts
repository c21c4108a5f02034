// Identifies an upload by its magic bytes and reads its declared size from the header alone, so a
// pixel bomb is refused before anything decodes it. Names and Content-Type headers are never trusted.
// Hand-written because image-size and friends take the first `ispe` of a HEIF rather than the primary
// item's, ignore `irot`, and accept a GIF header followed by a PHP payload.
import { AppError } from '../errors';
import type { PhotoKind } from '../contract/photo';
import { ascii, u16le, u32be } from './bytes';
import { heifSize } from './heif';
import { jpegSize } from './jpeg';
import { pngSize } from './png';
import { tiffSize } from './tiff';
import { webpSize } from './webp';

export interface Sniffed {
  mime: string;
  kind: PhotoKind;
  /** Stored size from the header; null when the header lies beyond the bytes we were given. */
  width: number | null;
  height: number | null;
  /** HEIF/AVIF already applied `irot`, so EXIF orientation must not swap them again. */
  rotationApplied: boolean;
}

/**
 * @param head the first bytes of the file (up to 256 KB)
 * @param complete true when `head` is the whole file, so a missing header means a corrupt file
 */
export function sniff(head: Uint8Array, complete: boolean): Sniffed {
  const found = identify(head);
  if (!found) throw new AppError('unsupported_type', 'Not a supported photo or video: the file content is not JPEG, PNG, WebP, HEIC, AVIF, TIFF, GIF, MP4 or QuickTime.');
  if (found.kind === 'image' && complete && (found.width === null || found.height === null)) {
    throw new AppError('corrupt_image', `The ${label(found.mime)} header is damaged: no image dimensions could be read.`);
  }
  if (found.kind === 'image' && (found.width === 0 || found.height === 0)) {
    throw new AppError('corrupt_image', `The ${label(found.mime)} header declares an empty image.`);
  }
  return found;
}

const label = (mime: string) => mime.split('/')[1].toUpperCase();

function identify(b: Uint8Array): Sniffed | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return image('image/jpeg', jpegSize(b));
  if (b.length >= 8 && u32be(b, 0) === 0x89504e47 && u32be(b, 4) === 0x0d0a1a0a) return image('image/png', pngSize(b));
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return gif(b);
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return image('image/webp', webpSize(b));
  if (b.length >= 8 && (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*')) return image('image/tiff', tiffSize(b));
  if (b.length >= 12) return isoMedia(b);
  return null;
}

function image(mime: string, size: [number, number] | null, rotationApplied = false): Sniffed {
  return { mime, kind: 'image', width: size?.[0] ?? null, height: size?.[1] ?? null, rotationApplied };
}

function gif(b: Uint8Array): Sniffed | null {
  if (b.length < 13) return image('image/gif', null);
  const packed = b[10];
  const palette = packed & 0x80 ? 3 * (1 << ((packed & 7) + 1)) : 0;
  const next = 13 + palette;
  // A real GIF continues with an extension (0x21) or an image (0x2c). Anything else is a script or
  // archive wearing a GIF header (the classic GIF89a + PHP polyglot).
  if (next < b.length && b[next] !== 0x21 && b[next] !== 0x2c) return null;
  return image('image/gif', [u16le(b, 6), u16le(b, 8)]);
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIF_BRANDS = new Set(['mif1', 'msf1']);
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'M4V ', 'MSNV', 'dash', '3gp4', '3gp5', '3gp6']);

function isoMedia(b: Uint8Array): Sniffed | null {
  const type = ascii(b, 4, 4);
  // Old QuickTime files start straight with an atom rather than `ftyp`.
  if (type === 'moov' || type === 'mdat' || type === 'wide') return video('video/quicktime');
  if (type !== 'ftyp') return null;
  const size = Math.min(u32be(b, 0), b.length);
  const brands = [ascii(b, 8, 4)];
  for (let i = 16; i + 4 <= size; i += 4) brands.push(ascii(b, i, 4));
  const has = (set: Set<string>) => brands.some((x) => set.has(x));
  if (has(AVIF_BRANDS)) return heif(b, 'image/avif');
  if (has(HEIC_BRANDS)) return heif(b, 'image/heic');
  if (has(HEIF_BRANDS)) return heif(b, 'image/heif');
  if (brands[0] === 'qt  ') return video('video/quicktime');
  if (has(MP4_BRANDS)) return video('video/mp4');
  return null;
}

function video(mime: string): Sniffed {
  return { mime, kind: 'video', width: null, height: null, rotationApplied: false };
}

/** HEIF and AVIF report the primary item's size with `irot` already applied. */
function heif(b: Uint8Array, mime: string): Sniffed {
  return image(mime, heifSize(b), true);
}
