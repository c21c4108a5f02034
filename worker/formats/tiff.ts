// TIFF: the image size from the first IFD.
import { u16be, u16le, u32be, u32le } from './bytes';

export function tiffSize(b: Uint8Array): [number, number] | null {
  const le = b[0] === 0x49;
  const ifd = le ? u32le(b, 4) : u32be(b, 4);
  if (ifd + 2 > b.length) return null;
  return ifdSize(b, le, ifd + 2, le ? u16le(b, ifd) : u16be(b, ifd));
}

/**
 * ImageWidth (256) and ImageLength (257) from `count` IFD entries of 12 bytes starting at `start`.
 * Entries past the end of `b` are not read (a truncated file or a partial read).
 */
export function ifdSize(b: Uint8Array, le: boolean, start: number, count: number): [number, number] | null {
  const r16 = (i: number) => (le ? u16le(b, i) : u16be(b, i));
  const r32 = (i: number) => (le ? u32le(b, i) : u32be(b, i));
  let width: number | null = null;
  let height: number | null = null;
  for (let e = 0; e < count; e++) {
    const at = start + e * 12;
    if (at + 12 > b.length) break;
    const tag = r16(at);
    const value = r16(at + 2) === 3 ? r16(at + 8) : r32(at + 8); // SHORT or LONG
    if (tag === 256) width = value;
    if (tag === 257) height = value;
  }
  return width !== null && height !== null ? [width, height] : null;
}
