// Finds a HEIF/AVIF file's top-level `meta` box wherever it is. Most files put it right after `ftyp`,
// but a rewritten or streamed file may put it after a large `mdat`, far past any head we read.
import { ascii, u32be, type ReadRange } from './bytes';

/** `meta` holds item info, properties and maybe `idat`; a real one is kilobytes, never megabytes. */
export const MAX_META_BYTES = 4 * 1024 * 1024;
/** Top-level boxes we step over before giving up (ftyp, meta, mdat, free… rarely more than ten). */
const MAX_TOP_LEVEL_BOXES = 64;

/**
 * The bytes of the top-level `meta` box (starting at its header), read from `head` when it holds it
 * whole, else by range requests that step from box header to box header. Null when there is none,
 * the chain of boxes is broken, or it is larger than MAX_META_BYTES.
 */
export async function readHeifMeta(head: Uint8Array, size: number, read: ReadRange): Promise<Uint8Array | null> {
  let at = 0;
  for (let n = 0; n < MAX_TOP_LEVEL_BOXES && at + 8 <= size; n++) {
    const header = at + 16 <= head.length ? head.subarray(at, at + 16) : await read(at, Math.min(16, size - at));
    if (header.length < 8) return null;
    let boxSize = u32be(header, 0);
    const type = ascii(header, 4, 4);
    if (boxSize === 1) {
      if (header.length < 16) return null;
      boxSize = u32be(header, 8) * 2 ** 32 + u32be(header, 12);
    } else if (boxSize === 0) {
      boxSize = size - at;
    }
    if (boxSize < 8 || at + boxSize > size) return null;
    if (type === 'meta') {
      if (boxSize > MAX_META_BYTES) return null;
      return at + boxSize <= head.length ? head.subarray(at, at + boxSize) : read(at, boxSize);
    }
    at += boxSize;
  }
  return null;
}
