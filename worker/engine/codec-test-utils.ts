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
