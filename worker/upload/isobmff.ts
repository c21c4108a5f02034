// Minimal ISO base media (HEIF, AVIF, MP4) box walker over an in-memory slice.

export interface Box {
  type: string;
  /** Offset of the payload (after size/type and any 64-bit size). */
  body: number;
  /** Offset just past the box, clamped to the slice. */
  end: number;
}

/** The sibling boxes in [start, end). Stops at the first box that does not fit a sane header. */
export function isoBoxes(b: Uint8Array, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  let i = start;
  const limit = Math.min(end, b.length);
  while (i + 8 <= limit) {
    let size = ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
    const type = String.fromCharCode(b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    let body = i + 8;
    if (size === 1) {
      if (i + 16 > limit) break;
      // 64-bit size: the high word only matters past 4 GB, which the upload limit rules out.
      size = ((b[i + 12] << 24) >>> 0) + ((b[i + 13] << 16) | (b[i + 14] << 8) | b[i + 15]);
      body = i + 16;
    } else if (size === 0) {
      size = limit - i;
    }
    if (size < body - i) break;
    boxes.push({ type, body, end: Math.min(i + size, limit) });
    i += size;
  }
  return boxes;
}

export const findBox = (boxes: Box[], type: string) => boxes.find((x) => x.type === type);
