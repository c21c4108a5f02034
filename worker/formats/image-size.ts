// An image's stored size when it is not in the first bytes we inspected: JPEG frame headers after
// large APPn segments (multi-segment ICC profiles), TIFF IFDs at the end of the file, a HEIF `meta`
// after `mdat`. Read on with range requests; never the whole file.
import { u16be, u16le, u32be, u32le, type ReadRange } from './bytes';
import { heifSize } from './heif';
import { readHeifMeta } from './heif-meta';
import { ifdSize } from './tiff';

/** Marker segments stepped over before a JPEG counts as unreadable (a real one has a few dozen). */
const MAX_JPEG_SEGMENTS = 4096;
const BLOCK = 64 * 1024;

/**
 * [width, height] as stored (HEIF: with `irot` applied), or null when the file holds no readable size.
 * PNG, WebP and GIF keep it in their first bytes, so for them there is nothing further to read.
 */
export async function readImageSize(mime: string, size: number, read: ReadRange): Promise<[number, number] | null> {
  switch (mime) {
    case 'image/jpeg':
      return jpegSizeAnywhere(size, blocks(read, size));
    case 'image/tiff':
      return tiffSizeAnywhere(size, read);
    case 'image/heic':
    case 'image/heif':
    case 'image/avif': {
      const meta = await readHeifMeta(new Uint8Array(0), size, read);
      return meta ? heifSize(meta) : null;
    }
    default:
      return null;
  }
}

/** Reads in 64 KB blocks so a walk over many small segments costs one request per block, not per segment. */
function blocks(read: ReadRange, size: number) {
  const cache = new Map<number, Uint8Array>();
  const block = async (n: number) => {
    let b = cache.get(n);
    if (!b) {
      if (cache.size > 4) cache.clear(); // the walk only moves forward
      b = await read(n * BLOCK, Math.min(BLOCK, size - n * BLOCK));
      cache.set(n, b);
    }
    return b;
  };
  return async (offset: number, length: number): Promise<Uint8Array> => {
    const out = new Uint8Array(length);
    for (let at = 0; at < length; ) {
      const n = Math.floor((offset + at) / BLOCK);
      const b = await block(n);
      const from = offset + at - n * BLOCK;
      const part = b.subarray(from, Math.min(b.length, from + length - at));
      if (!part.length) throw new RangeError('read past the end');
      out.set(part, at);
      at += part.length;
    }
    return out;
  };
}

async function jpegSizeAnywhere(size: number, read: ReadRange): Promise<[number, number] | null> {
  let i = 2;
  for (let n = 0; n < MAX_JPEG_SEGMENTS && i + 4 <= size; n++) {
    const m = await read(i, 2);
    if (m[0] !== 0xff) return null; // lost sync
    const marker = m[1];
    if (marker === 0xff) { i++; continue; }
    if ((marker >= 0xd0 && marker <= 0xd9) || marker === 0x01) { i += 2; continue; }
    if (marker === 0xda) return null; // the scan started without a frame header
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 9 > size) return null;
      const sof = await read(i, 9);
      return [u16be(sof, 7), u16be(sof, 5)];
    }
    const len = await read(i + 2, 2);
    i += 2 + u16be(len, 0);
  }
  return null;
}

async function tiffSizeAnywhere(size: number, read: ReadRange): Promise<[number, number] | null> {
  const header = await read(0, 8);
  const le = header[0] === 0x49;
  const ifd = le ? u32le(header, 4) : u32be(header, 4);
  if (ifd < 8 || ifd + 2 > size) return null;
  const countBytes = await read(ifd, 2);
  const count = le ? u16le(countBytes, 0) : u16be(countBytes, 0);
  const entries = await read(ifd + 2, Math.min(count * 12, size - ifd - 2));
  return ifdSize(entries, le, 0, count);
}
