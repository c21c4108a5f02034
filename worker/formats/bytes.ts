// Big- and little-endian readers over a byte slice, shared by the container parsers. Callers check bounds.
export const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
export const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
export const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
export const u32le = (b: Uint8Array, i: number) => ((b[i + 3] << 24) >>> 0) + ((b[i + 2] << 16) | (b[i + 1] << 8) | b[i]);
export const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

/** Reads `length` bytes at `offset` of a file that is not in memory (an R2 range GET). */
export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;
