// Finds a file's metadata with as few bytes read as possible. Every container keeps it elsewhere:
// JPEG in APPn segments before the scan, TIFF in IFDs anywhere, HEIF/AVIF in an `Exif` item that iPhones
// sometimes place at the very end, WebP in a RIFF `EXIF` chunk (which exifr does not parse) and PNG in
// `eXIf`/`iTXt` chunks, ideally before the image data.
import { concat, type ReadRange } from './bytes';
import { heifExifLocation } from './heif';
import { readHeifMeta } from './heif-meta';
import { jpegMetadataEnd } from './jpeg';
import { webpExif } from './webp';

/** What to hand exifr: a prefix of the file it can parse itself, or a bare TIFF block (EXIF). */
export type MetadataSource = { kind: 'file'; bytes: Uint8Array } | { kind: 'tiff'; bytes: Uint8Array } | { kind: 'none' };

const FIRST_READ = 128 * 1024;
const WHOLE_FILE_LIMIT = 32 * 1024 * 1024;
/**
 * An Exif block is at most 64 KB in a JPEG (one APP1 segment), and a HEIF Exif item is a copy of one.
 * A longer declared item is read only this far, so an inflated `iloc` cannot make us buffer megabytes.
 */
export const MAX_EXIF_BYTES = 64 * 1024;
/** JPEG metadata segments read before the scan: Exif, XMP and IPTC come first; the rest is ICC. */
const MAX_JPEG_PREFIX = 1024 * 1024;

export async function locateMetadata(mime: string, size: number, read: ReadRange): Promise<MetadataSource> {
  const head = await read(0, Math.min(size, FIRST_READ));
  switch (mime) {
    case 'image/jpeg': {
      const end = jpegMetadataEnd(head);
      return { kind: 'file', bytes: end === null || end <= head.length ? head : await read(0, Math.min(end, MAX_JPEG_PREFIX)) };
    }
    case 'image/heic':
    case 'image/heif':
    case 'image/avif': {
      const meta = await readHeifMeta(head, size, read);
      const where = meta && heifExifLocation(meta);
      if (!where) return { kind: 'none' };
      const item = where.kind === 'bytes' ? where.bytes.subarray(0, MAX_EXIF_BYTES) : await readExtents(where.extents, size, head, read);
      if (item.length < 4) return { kind: 'none' };
      // The Exif item starts with a 4-byte offset to the TIFF header (usually past "Exif\0\0").
      const skip = 4 + new DataView(item.buffer, item.byteOffset).getUint32(0);
      return skip < item.length ? { kind: 'tiff', bytes: item.subarray(skip) } : { kind: 'none' };
    }
    case 'image/webp': {
      const exif = await webpExif(head, { size, read, maxChunks: 64, maxPayload: MAX_EXIF_BYTES });
      return exif ? { kind: 'tiff', bytes: exif } : { kind: 'none' };
    }
    case 'image/tiff':
    case 'image/png':
      // TIFF IFDs and a trailing PNG eXIf can sit anywhere; files of this kind are rarely large.
      return { kind: 'file', bytes: size <= WHOLE_FILE_LIMIT ? (size <= head.length ? head : await read(0, size)) : head };
    default:
      return { kind: 'none' };
  }
}

/** The item's extents in order, joined, up to MAX_EXIF_BYTES; extents outside the file end the read. */
async function readExtents(extents: { offset: number; length: number }[], size: number, head: Uint8Array, read: ReadRange): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let have = 0;
  for (const { offset, length } of extents) {
    const want = Math.min(length === 0 ? size - offset : length, MAX_EXIF_BYTES - have, size - offset);
    if (want <= 0) break;
    parts.push(offset + want <= head.length ? head.subarray(offset, offset + want) : await read(offset, want));
    have += want;
  }
  return concat(parts);
}

/** 'YYYY:MM:DD HH:MM:SS' (+ '+02:00') → ISO 8601, keeping local time and its offset when known. */
export function exifDate(value: string | null, offset: string | null): string | null {
  const m = value?.match(/^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!m || m[1] === '0000') return null;
  const zone = offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}
