// WebP (a RIFF container): the size from its first chunk's header, and its EXIF chunk.
import { ascii, u16le, u32le } from './bytes';
import { riffChunk, type RiffRead } from './riff';

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

/** The TIFF block of the `EXIF` chunk (exifr does not parse WebP itself). */
export async function webpExif(head: Uint8Array, opts?: RiffRead): Promise<Uint8Array | null> {
  const found = await riffChunk(head, 'EXIF', opts);
  return found && stripExifHeader(found);
}

/** Some writers keep the JPEG-style "Exif\0\0" prefix in the chunk. */
const stripExifHeader = (b: Uint8Array) => (b[0] === 0x45 && b[1] === 0x78 && b[2] === 0x69 && b[3] === 0x66 ? b.subarray(6) : b);
