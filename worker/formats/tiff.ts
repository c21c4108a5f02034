// TIFF: the image size from the first IFD.
import { u16be, u16le, u32be, u32le } from './bytes';

export function tiffSize(b: Uint8Array): [number, number] | null {
  const le = b[0] === 0x49;
  const r16 = (i: number) => (le ? u16le(b, i) : u16be(b, i));
  const r32 = (i: number) => (le ? u32le(b, i) : u32be(b, i));
  const ifd = r32(4);
  if (ifd + 2 > b.length) return null;
  let width: number | null = null;
  let height: number | null = null;
  const count = r16(ifd);
  for (let e = 0; e < count; e++) {
    const at = ifd + 2 + e * 12;
    if (at + 12 > b.length) break;
    const tag = r16(at);
    const value = r16(at + 2) === 3 ? r16(at + 8) : r32(at + 8); // SHORT or LONG
    if (tag === 256) width = value;
    if (tag === 257) height = value;
  }
  return width !== null && height !== null ? [width, height] : null;
}
