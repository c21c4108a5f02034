// Bounded ISO-BMFF/QuickTime box primitives shared by the MP4 reader and the upload structure check.

/** Why a file is not a readable video, in words the upload route and the pipeline can map to codes. */
export type VideoErrorReason = 'not_video' | 'truncated' | 'bad_box' | 'moov_too_large' | 'no_moov' | 'no_video_track';

export class VideoParseError extends Error {
  constructor(
    readonly reason: VideoErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'VideoParseError';
  }
}

export interface Box {
  type: string;
  /** Absolute offset of the box's first byte. */
  start: number;
  /** Absolute offset of the payload (after size, type and any 64-bit largesize). */
  body: number;
  /** Absolute offset just past the box. */
  end: number;
}

export const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
export const u32 = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
export const i32 = (b: Uint8Array, i: number) => u32(b, i) | 0;
/** 64-bit big-endian as a Number: exact up to 2^53, and anything larger is absurd for a file here anyway. */
export const u64 = (b: Uint8Array, i: number) => u32(b, i) * 2 ** 32 + u32(b, i + 4);
export const fourcc = (b: Uint8Array, i: number) => String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);

/** Box types are four printable Latin-1 bytes (© is 0xA9 in QuickTime's `©xyz`). Text or garbage is not. */
export function isBoxType(b: Uint8Array, i: number): boolean {
  for (let k = i; k < i + 4; k++) if (!((b[k] >= 0x20 && b[k] <= 0x7e) || b[k] === 0xa9)) return false;
  return true;
}

/**
 * Reads one box header at `at` from `b` (where `b[0]` is at absolute `base`), inside a parent ending at
 * `limit`. Returns null when fewer than 8 bytes remain (QuickTime pads some lists with 4 zero bytes).
 * Throws on sizes that cannot be right, so no caller can loop on a zero or a garbage size.
 * `known`: the types allowed here (the box after ftyp), checked before the size so that text after
 * an ftyp is called what it is (not a video) rather than a truncated box.
 */
export function readHeader(b: Uint8Array, at: number, base: number, limit: number, topLevel: boolean, known?: Set<string>): Box | null {
  const start = base + at;
  if (limit - start < 8 || at + 8 > b.length) return null;
  let size = u32(b, at);
  let body = start + 8;
  if (size === 1) {
    if (at + 16 > b.length) throw new VideoParseError('truncated', `box at ${start} ends inside its largesize`);
    size = u64(b, at + 8);
    body = start + 16;
  } else if (size === 0) {
    // "Extends to the end of the file" is only meaningful at the top level; inside, it ends a list.
    if (!topLevel) return null;
    size = limit - start;
  }
  // Inside moov, ilst items are typed by binary key indexes, so only top-level types must be text.
  if (topLevel && !isBoxType(b, at + 4)) throw new VideoParseError('not_video', `no box type at ${start}`);
  const type = fourcc(b, at + 4);
  if (known && !known.has(type)) throw new VideoParseError('not_video', `'${type}' at ${start} is not a top-level box`);
  if (size < body - start) throw new VideoParseError('bad_box', `box '${type}' at ${start} declares ${size} bytes`);
  if (start + size > limit) {
    throw new VideoParseError(topLevel ? 'truncated' : 'bad_box', `box '${type}' at ${start} runs past ${limit} (size ${size})`);
  }
  return { type, start, body, end: start + size };
}

/** The children of an in-memory box (`b[0]` at absolute `base`). */
export function children(b: Uint8Array, base: number, from: number, to: number): Box[] {
  const out: Box[] = [];
  for (let at = from; ; ) {
    const box = readHeader(b, at - base, base, to, false);
    if (!box) return out;
    out.push(box);
    at = box.end;
  }
}

/** Top-level boxes of real MP4/QuickTime files; the box right after ftyp must be one of them. */
export const TOP_LEVEL = new Set(['moov', 'mdat', 'free', 'skip', 'wide', 'uuid', 'moof', 'mfra', 'sidx', 'ssix', 'styp', 'prft', 'pdin', 'meta', 'udta', 'emsg', 'junk', 'pnot']);

export const child = (boxes: Box[], type: string) => boxes.find((x) => x.type === type);
