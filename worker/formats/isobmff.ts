// Minimal ISO base media (HEIF, AVIF, MP4/MOV) box walker over an in-memory slice.
import { ascii, u32be } from './bytes';

export interface IsoBox {
  type: string;
  /** Offset of the payload (after size/type and any 64-bit size). */
  body: number;
  /** Offset just past the box, clamped to the slice. */
  end: number;
}

/** The sibling boxes in [start, end). Stops at the first box that does not fit a sane header. */
export function isoBoxes(b: Uint8Array, start: number, end: number): IsoBox[] {
  const boxes: IsoBox[] = [];
  let i = start;
  const limit = Math.min(end, b.length);
  while (i + 8 <= limit) {
    let size = u32be(b, i);
    const type = ascii(b, i + 4, 4);
    let body = i + 8;
    if (size === 1) {
      if (i + 16 > limit) break;
      // 64-bit size: the high word only matters past 4 GB, which the upload limit rules out.
      size = u32be(b, i + 12);
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

export const findBox = (boxes: IsoBox[], type: string) => boxes.find((x) => x.type === type);
