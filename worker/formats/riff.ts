// The RIFF chunk walker (WebP): finds a chunk's payload, in memory or with small range reads.
import { ascii, type ReadRange } from './bytes';

/**
 * Payload of the first `want` chunk. Chunk headers past `head` are fetched with `read` (8 bytes each),
 * at most `maxChunks` of them; a payload past `head` is read up to `maxPayload` bytes. With only `head`
 * (the whole file, or as much as is known), the payload is clamped to it.
 */
export interface RiffRead {
  /** The file's size when `head` is only its start. */
  size?: number;
  read?: ReadRange;
  maxChunks?: number;
  maxPayload?: number;
}

export async function riffChunk(head: Uint8Array, want: string, opts: RiffRead = {}): Promise<Uint8Array | null> {
  const { size = head.length, read, maxChunks = Infinity, maxPayload = Infinity } = opts;
  let at = 12;
  for (let n = 0; n < maxChunks && at + 8 <= size; n++) {
    const inHead = at + 8 <= head.length;
    if (!inHead && !read) return null;
    const header = inHead ? head.subarray(at, at + 8) : await read!(at, 8);
    const length = (header[4] | (header[5] << 8) | (header[6] << 16) | (header[7] << 24)) >>> 0;
    if (ascii(header, 0, 4) === want) {
      const start = at + 8;
      if (start + length <= head.length || !read) return head.subarray(start, Math.min(start + length, head.length));
      return read(start, Math.min(length, maxPayload));
    }
    at += 8 + length + (length & 1); // chunks are padded to even length
  }
  return null;
}
