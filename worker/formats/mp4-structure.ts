// Upload check: does the head of a file chain like a real MP4/QuickTime, or does it only start like one?
// `ftypisom` followed by HTML must be refused (security review L3), and so must a file whose boxes
// claim more bytes than were sent.
import { fourcc, readHeader, TOP_LEVEL, u32, VideoParseError, type VideoErrorReason } from './mp4-boxes';

/** Old QuickTime files may start with one of these instead of ftyp. */
export const QUICKTIME_FIRST = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

export type StructureCheck = { ok: true; boxes: string[] } | { ok: false; reason: VideoErrorReason; message: string };

/**
 * Walks the top-level boxes that start inside `head` (the first bytes of a file of `size` bytes).
 * Every box must have a sane size that ends within the file, the chain must land exactly on `size`
 * when the head covers it, and the box after ftyp must be a known top-level type.
 */
export function checkBoxStructure(head: Uint8Array, size: number): StructureCheck {
  const seen: string[] = [];
  try {
    if (head.length < 8) throw new VideoParseError('not_video', 'shorter than one box header');
    const first = fourcc(head, 4);
    if (first !== 'ftyp' && !QUICKTIME_FIRST.has(first)) throw new VideoParseError('not_video', 'no ftyp box');
    // ftyp holds a major brand, a version and whole compatible brands: 16 + 4n bytes, never kilobytes.
    const ftypSize = u32(head, 0);
    if (first === 'ftyp' && (ftypSize < 16 || ftypSize > 4096 || ftypSize % 4 !== 0)) {
      throw new VideoParseError('not_video', `an ftyp of ${ftypSize} bytes`);
    }
    for (let at = 0; at < size && at + 8 <= head.length; ) {
      const afterFtyp = seen.length === 1 && seen[0] === 'ftyp';
      const box = readHeader(head, at, 0, size, true, afterFtyp ? TOP_LEVEL : undefined);
      if (!box) break;
      seen.push(box.type);
      at = box.end;
      if (at < size && at + 8 > head.length && head.length >= size) {
        throw new VideoParseError('truncated', `${size - at} stray bytes after the last box`);
      }
    }
    if (seen.length < 2 && head.length >= size) throw new VideoParseError('not_video', 'nothing follows ftyp');
    return { ok: true, boxes: seen };
  } catch (e) {
    if (e instanceof VideoParseError) return { ok: false, reason: e.reason, message: e.message };
    throw e;
  }
}

export const isValidBoxStructure = (head: Uint8Array, size: number) => checkBoxStructure(head, size).ok;
