// Finds a file's metadata with as few bytes read as possible. Every container keeps it elsewhere:
// JPEG in APPn segments before the scan, TIFF in IFDs anywhere, HEIF/AVIF in an `Exif` item that iPhones
// sometimes place at the very end, WebP in a RIFF `EXIF` chunk (which exifr does not parse) and PNG in
// `eXIf`/`iTXt` chunks, ideally before the image data.
import { findBox, isoBoxes } from '../upload/isobmff';

export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

/** What to hand exifr: a prefix of the file it can parse itself, or a bare TIFF block (EXIF). */
export type MetadataSource = { kind: 'file'; bytes: Uint8Array } | { kind: 'tiff'; bytes: Uint8Array } | { kind: 'none' };

export const FIRST_READ = 128 * 1024;
const WHOLE_FILE_LIMIT = 32 * 1024 * 1024;

export async function locateMetadata(mime: string, size: number, read: ReadRange): Promise<MetadataSource> {
  const head = await read(0, Math.min(size, FIRST_READ));
  switch (mime) {
    case 'image/jpeg': {
      const end = jpegMetadataEnd(head);
      return { kind: 'file', bytes: end === null || end <= head.length ? head : await read(0, Math.min(end, WHOLE_FILE_LIMIT)) };
    }
    case 'image/heic':
    case 'image/heif':
    case 'image/avif': {
      const extent = heifExifExtent(head);
      if (!extent) return { kind: 'none' };
      const item = extent.offset + extent.length <= head.length
        ? head.subarray(extent.offset, extent.offset + extent.length)
        : await read(extent.offset, extent.length);
      // The Exif item starts with a 4-byte offset to the TIFF header (usually past "Exif\0\0").
      const skip = 4 + new DataView(item.buffer, item.byteOffset).getUint32(0);
      return { kind: 'tiff', bytes: item.subarray(skip) };
    }
    case 'image/webp': {
      const found = await riffChunk(head, size, read, 'EXIF');
      if (!found) return { kind: 'none' };
      const exif = found[0] === 0x45 && found[1] === 0x78 ? found.subarray(6) : found; // optional "Exif\0\0"
      return { kind: 'tiff', bytes: exif };
    }
    case 'image/tiff':
    case 'image/png':
      // TIFF IFDs and a trailing PNG eXIf can sit anywhere; files of this kind are rarely large.
      return { kind: 'file', bytes: size <= WHOLE_FILE_LIMIT ? (size <= head.length ? head : await read(0, size)) : head };
    default:
      return { kind: 'none' };
  }
}

/** Offset of the first scan (SOS): every APPn segment lies before it. */
export function jpegMetadataEnd(b: Uint8Array): number | null {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) { i++; continue; }
    if (marker === 0xda) return i;
    if ((marker >= 0xd0 && marker <= 0xd9) || marker === 0x01) { i += 2; continue; }
    i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  }
  return i; // the walk left the buffer: read up to where it stopped
}

/** File extent of the HEIF `Exif` item, from `iinf` and `iloc` in the `meta` box. */
export function heifExifExtent(b: Uint8Array): { offset: number; length: number } | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const meta = findBox(isoBoxes(b, 0, b.length), 'meta');
  if (!meta) return null;
  const children = isoBoxes(b, meta.body + 4, meta.end);
  const iinf = findBox(children, 'iinf');
  const iloc = findBox(children, 'iloc');
  if (!iinf || !iloc) return null;

  let exifId: number | null = null;
  const countSize = b[iinf.body] === 0 ? 2 : 4;
  for (const infe of isoBoxes(b, iinf.body + 4 + countSize, iinf.end)) {
    const version = b[infe.body];
    if (infe.type !== 'infe' || version < 2) continue;
    const idSize = version === 2 ? 2 : 4;
    const id = idSize === 2 ? v.getUint16(infe.body + 4) : v.getUint32(infe.body + 4);
    const type = String.fromCharCode(...b.subarray(infe.body + 4 + idSize + 2, infe.body + 8 + idSize + 2));
    if (type === 'Exif') exifId = id;
  }
  if (exifId === null) return null;

  const version = b[iloc.body];
  let i = iloc.body + 4;
  const offsetSize = b[i] >> 4, lengthSize = b[i] & 15, baseSize = b[i + 1] >> 4;
  const indexSize = version === 1 || version === 2 ? b[i + 1] & 15 : 0;
  i += 2;
  const uint = (size: number) => {
    const value = size === 0 ? 0 : size === 2 ? v.getUint16(i) : size === 4 ? v.getUint32(i) : Number(v.getBigUint64(i));
    i += size;
    return value;
  };
  const items = uint(version < 2 ? 2 : 4);
  for (let n = 0; n < items && i < iloc.end; n++) {
    const id = uint(version < 2 ? 2 : 4);
    const method = version >= 1 ? uint(2) & 15 : 0;
    uint(2); // data_reference_index
    const base = uint(baseSize);
    const extents = uint(2);
    let first: { offset: number; length: number } | null = null;
    for (let e = 0; e < extents; e++) {
      uint(indexSize);
      const offset = uint(offsetSize);
      const length = uint(lengthSize);
      first ??= { offset: base + offset, length };
    }
    // Construction method 0 is "file offset"; 1 (inside idat) is rare for Exif and not handled.
    if (id === exifId) return method === 0 ? first : null;
  }
  return null;
}

/** Payload of a RIFF chunk, walking chunk headers with small range reads when they lie past the head. */
async function riffChunk(head: Uint8Array, size: number, read: ReadRange, want: string): Promise<Uint8Array | null> {
  let at = 12;
  for (let guard = 0; guard < 64 && at + 8 <= size; guard++) {
    const header = at + 8 <= head.length ? head.subarray(at, at + 8) : await read(at, 8);
    const type = String.fromCharCode(...header.subarray(0, 4));
    const length = (header[4] | (header[5] << 8) | (header[6] << 16) | (header[7] << 24)) >>> 0;
    if (type === want) {
      const start = at + 8;
      return start + length <= head.length ? head.subarray(start, start + length) : read(start, Math.min(length, WHOLE_FILE_LIMIT));
    }
    at += 8 + length + (length & 1);
  }
  return null;
}
