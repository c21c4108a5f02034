// Big- and little-endian readers over a byte slice, shared by the container parsers. Callers check bounds.
export const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
export const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
export const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
export const u32le = (b: Uint8Array, i: number) => ((b[i + 3] << 24) >>> 0) + ((b[i + 2] << 16) | (b[i + 1] << 8) | b[i]);
export const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

/** The parts joined. One part comes back as it is, not copied: an AVIF's colour item can be most of the file. */
export function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** Reads `length` bytes at `offset` of a file that is not in memory (an R2 range GET). */
export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;
