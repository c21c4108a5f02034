// Shared by the codec tests: the output set, and readers for what a develop() produced (WebP chunks,
// preview pixels) compared with what the source holds.
import { expect } from 'vitest';
import type { Developed, OutputSpec } from './codec';

export const SET: OutputSpec[] = [
  { name: 't150', long: 150, short: 150 },
  { name: 'd1080', long: 1920, short: 1080 },
  { name: 't600', long: 600, short: 600 },
  { name: 'd2160', long: 3840, short: 2160 },
  { name: 't300', long: 300, short: 300 },
];
export const ONE: OutputSpec[] = [{ name: 'full', long: 4000, short: 4000 }];

/** RIFF chunks of a WebP file, by FourCC. */
export function chunks(b: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let off = 12; off + 8 <= b.length; ) {
    const size = view.getUint32(off + 4, true);
    out.set(String.fromCharCode(...b.subarray(off, off + 4)), b.subarray(off + 8, off + 8 + size));
    off += 8 + size + (size & 1);
  }
  return out;
}

/** The ICC profile of a JPEG (APP2 ICC_PROFILE chunks, in order). */
export function jpegIcc(b: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let off = 2; off + 4 <= b.length && b[off] === 0xff && b[off + 1] !== 0xda; ) {
    const len = (b[off + 2] << 8) | b[off + 3];
    const seg = b.subarray(off + 4, off + 2 + len);
    if (b[off + 1] === 0xe2 && new TextDecoder().decode(seg.subarray(0, 11)) === 'ICC_PROFILE') parts[seg[12]] = seg.subarray(14);
    off += 2 + len;
  }
  const all = parts.filter(Boolean);
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  all.reduce((o, p) => (out.set(p, o), o + p.length), 0);
  return out;
}

export function pixel(p: NonNullable<Developed['preview']>, x: number, y: number): number[] {
  const i = (Math.floor(y) * p.width + Math.floor(x)) * 4;
  return [...p.rgba.subarray(i, i + 4)];
}

/** Mean absolute difference per channel between two same-size RGBA previews. */
export function meanDiff(a: NonNullable<Developed['preview']>, b: NonNullable<Developed['preview']>): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.rgba.length; i++) if (i % 4 !== 3) sum += Math.abs(a.rgba[i] - b.rgba[i]);
  return sum / ((a.rgba.length / 4) * 3);
}

export function expectColour(actual: number[], expected: readonly number[], tolerance = 12) {
  for (let c = 0; c < expected.length; c++) expect(Math.abs(actual[c] - expected[c]), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

/** An uncompressed 8-bit CIELab TIFF (L* 0–255 for 0–100, a* and b* signed), pixels from `lab(x, y)`. */
export function labTiff(width: number, height: number, lab: (x: number, y: number) => [number, number, number]): Uint8Array {
  const tags: [number, number, number][] = [ // tag, type (3 SHORT, 4 LONG), value
    [256, 3, width], [257, 3, height], [258, 3, 134], [259, 3, 1], [262, 3, 8], [273, 4, 140], [277, 3, 3], [278, 3, height],
    [279, 4, width * height * 3], [284, 3, 1],
  ];
  const b = new Uint8Array(140 + width * height * 3);
  const v = new DataView(b.buffer);
  b.set([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  v.setUint16(8, tags.length, true);
  tags.forEach(([tag, type, value], i) => {
    const at = 10 + 12 * i;
    v.setUint16(at, tag, true), v.setUint16(at + 2, type, true), v.setUint32(at + 4, tag === 258 ? 3 : 1, true);
    if (type === 3) v.setUint16(at + 8, value, true);
    else v.setUint32(at + 8, value, true);
  });
  [8, 8, 8].forEach((bits, i) => v.setUint16(134 + 2 * i, bits, true)); // BitsPerSample, at 134 (after the IFD)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [L, a, bb] = lab(x, y);
      b.set([Math.round((L * 255) / 100), a & 0xff, bb & 0xff], 140 + 3 * (y * width + x));
    }
  return b;
}

/** CIE L*a*b* (D65) to 8-bit sRGB, by the book: XYZ, the sRGB matrix, the sRGB transfer curve. */
export function labToSrgb(L: number, a: number, b: number): number[] {
  const finv = (t: number) => (t > 6 / 29 ? t ** 3 : 3 * (6 / 29) ** 2 * (t - 4 / 29));
  const fy = (L + 16) / 116, X = 0.95047 * finv(fy + a / 500), Y = finv(fy), Z = 1.08883 * finv(fy - b / 200);
  const lin = [3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z, -0.969266 * X + 1.8760108 * Y + 0.041556 * Z, 0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z];
  return lin.map((c) => Math.round(255 * Math.min(1, Math.max(0, c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055))));
}
