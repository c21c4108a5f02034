// Finds a file's metadata with as few bytes read as possible. Every container keeps it elsewhere:
// JPEG in APPn segments before the scan, TIFF in IFDs anywhere, HEIF/AVIF in an `Exif` item that iPhones
// sometimes place at the very end, WebP in a RIFF `EXIF` chunk (which exifr does not parse) and PNG in
// `eXIf`/`iTXt` chunks, ideally before the image data.
import type { ReadRange } from './bytes';
import { heifExifExtent } from './heif';
import { jpegMetadataEnd } from './jpeg';
import { webpExif } from './webp';

/** What to hand exifr: a prefix of the file it can parse itself, or a bare TIFF block (EXIF). */
export type MetadataSource = { kind: 'file'; bytes: Uint8Array } | { kind: 'tiff'; bytes: Uint8Array } | { kind: 'none' };

const FIRST_READ = 128 * 1024;
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
      const exif = await webpExif(head, { size, read, maxChunks: 64, maxPayload: WHOLE_FILE_LIMIT });
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

/** 'YYYY:MM:DD HH:MM:SS' (+ '+02:00') → ISO 8601, keeping local time and its offset when known. */
export function exifDate(value: string | null, offset: string | null): string | null {
  const m = value?.match(/^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!m || m[1] === '0000') return null;
  const zone = offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}
