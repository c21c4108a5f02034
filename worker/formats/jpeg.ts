// The JPEG marker-segment walker: size at upload (SOF) and where the metadata ends (SOS) both use it.
import { u16be } from './bytes';

/**
 * Walks the marker segments after SOI, calling `visit(marker, at)` for every segment that has a length
 * (`at` is the offset of its 0xFF). Stops when `visit` returns true and answers that `at`; answers the
 * offset where the walk left the buffer, or null when a marker is missing where one must be.
 */
function walkJpeg(b: Uint8Array, visit: (marker: number, at: number) => boolean | void): number | null {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null; // lost sync: not a marker where one must be
    const marker = b[i + 1];
    if (marker === 0xff) { i++; continue; } // fill byte
    if ((marker >= 0xd0 && marker <= 0xd9) || marker === 0x01) { i += 2; continue; } // standalone markers
    if (visit(marker, i)) return i;
    i += 2 + u16be(b, i + 2);
  }
  return i;
}

const isSof = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** [width, height] from the first SOF segment; null when it lies beyond the bytes given. */
export function jpegSize(b: Uint8Array): [number, number] | null {
  let size: [number, number] | null = null;
  walkJpeg(b, (marker, at) => {
    if (!isSof(marker)) return false;
    if (at + 9 <= b.length) size = [u16be(b, at + 7), u16be(b, at + 5)];
    return true;
  });
  return size;
}

/** Offset of the first scan (SOS): every APPn segment lies before it. Past the buffer: where the walk stopped. */
export const jpegMetadataEnd = (b: Uint8Array): number | null => walkJpeg(b, (marker) => marker === 0xda);
