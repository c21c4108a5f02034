// Identifies an upload by its magic bytes and reads its declared size from the header alone, so a
// pixel bomb is refused before anything decodes it. Names and Content-Type headers are never trusted.
// Hand-written because image-size and friends take the first `ispe` of a HEIF rather than the primary
// item's, ignore `irot`, and accept a GIF header followed by a PHP payload.
import { AppError } from '../errors';
import type { PhotoKind } from '../contract/photo';
import { findBox, isoBoxes, type Box } from './isobmff';

export interface Sniffed {
  mime: string;
  kind: PhotoKind;
  /** Stored size from the header; null when the header lies beyond the bytes we were given. */
  width: number | null;
  height: number | null;
  /** HEIF/AVIF already applied `irot`, so EXIF orientation must not swap them again. */
  rotationApplied: boolean;
}

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
const u32le = (b: Uint8Array, i: number) => ((b[i + 3] << 24) >>> 0) + ((b[i + 2] << 16) | (b[i + 1] << 8) | b[i]);
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

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

function jpegSize(b: Uint8Array): [number, number] | null {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null; // lost sync: not a marker where one must be
    const marker = b[i + 1];
    if (marker === 0xff) { i++; continue; } // fill byte
    if ((marker >= 0xd0 && marker <= 0xd9) || marker === 0x01) { i += 2; continue; } // standalone markers
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return i + 9 <= b.length ? [u16be(b, i + 7), u16be(b, i + 5)] : null;
    i += 2 + u16be(b, i + 2);
  }
  return null;
}

function pngSize(b: Uint8Array): [number, number] | null {
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
  return [u32be(b, 16), u32be(b, 20)];
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

/** Width and height from a WebP header (VP8, VP8L or VP8X). */
export function webpSize(b: Uint8Array): [number, number] | null {
  if (b.length < 30) return null;
  const chunk = ascii(b, 12, 4);
  const d = 20; // chunk payload
  if (chunk === 'VP8X') return [1 + (b[d + 4] | (b[d + 5] << 8) | (b[d + 6] << 16)), 1 + (b[d + 7] | (b[d + 8] << 8) | (b[d + 9] << 16))];
  if (chunk === 'VP8 ' && b[d + 3] === 0x9d && b[d + 4] === 0x01 && b[d + 5] === 0x2a) return [u16le(b, d + 6) & 0x3fff, u16le(b, d + 8) & 0x3fff];
  if (chunk === 'VP8L' && b[d] === 0x2f) {
    const bits = u32le(b, d + 1);
    return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
  }
  return null;
}

function tiffSize(b: Uint8Array): [number, number] | null {
  const le = b[0] === 0x49;
  const r16 = (i: number) => (le ? u16le(b, i) : u16be(b, i));
  const r32 = (i: number) => (le ? u32le(b, i) : u32be(b, i));
  const ifd = r32(4);
  if (ifd + 2 > b.length) return null;
  let width: number | null = null;
  let height: number | null = null;
  const count = r16(ifd);
  for (let e = 0; e < count; e++) {
    const at = ifd + 2 + e * 12;
    if (at + 12 > b.length) break;
    const tag = r16(at);
    const value = r16(at + 2) === 3 ? r16(at + 8) : r32(at + 8); // SHORT or LONG
    if (tag === 256) width = value;
    if (tag === 257) height = value;
  }
  return width !== null && height !== null ? [width, height] : null;
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

/** Size of the primary item: its `ispe`, turned by its `irot` (libheif applies both when decoding). */
function heif(b: Uint8Array, mime: string): Sniffed {
  const meta = findBox(isoBoxes(b, 0, b.length), 'meta');
  if (!meta) return image(mime, null, true);
  const children = isoBoxes(b, meta.body + 4, meta.end); // meta is a FullBox
  const pitm = findBox(children, 'pitm');
  const iprp = findBox(children, 'iprp');
  if (!pitm || !iprp) return image(mime, null, true);
  const primary = b[pitm.body] === 0 ? u16be(b, pitm.body + 4) : u32be(b, pitm.body + 4);
  const iprpChildren = isoBoxes(b, iprp.body, iprp.end);
  const ipco = findBox(iprpChildren, 'ipco');
  const properties: Box[] = ipco ? isoBoxes(b, ipco.body, ipco.end) : [];
  let width: number | null = null;
  let height: number | null = null;
  let quarterTurns = 0;
  for (const ipma of iprpChildren.filter((x) => x.type === 'ipma')) {
    for (const index of associations(b, ipma, primary)) {
      const prop = properties[index - 1];
      if (prop?.type === 'ispe' && prop.body + 12 <= b.length) {
        width = u32be(b, prop.body + 4);
        height = u32be(b, prop.body + 8);
      }
      if (prop?.type === 'irot' && prop.body < b.length) quarterTurns = b[prop.body] & 3;
    }
  }
  if (width === null || height === null) return image(mime, null, true);
  return image(mime, quarterTurns % 2 ? [height, width] : [width, height], true);
}

/** Property indexes (1-based) associated with `item` in an `ipma` box. */
function associations(b: Uint8Array, ipma: Box, item: number): number[] {
  const version = b[ipma.body];
  const wide = (b[ipma.body + 3] & 1) === 1;
  let i = ipma.body + 4;
  const entries = u32be(b, i);
  i += 4;
  for (let e = 0; e < entries && i < ipma.end; e++) {
    const id = version < 1 ? u16be(b, i) : u32be(b, i);
    i += version < 1 ? 2 : 4;
    const n = b[i++];
    const found: number[] = [];
    for (let a = 0; a < n; a++) {
      found.push(wide ? u16be(b, i) & 0x7fff : b[i] & 0x7f);
      i += wide ? 2 : 1;
    }
    if (id === item) return found;
  }
  return [];
}
