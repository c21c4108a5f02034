// Shared by the mp4 tests: fixtures through the FIXTURES binding, a byte-counting virtual file whose
// gigabytes of mdat are never allocated, and tiny box builders.
import { testEnv } from '../test/helpers';
import { VideoParseError, type RangeReader } from './mp4';

export interface VideoExpectation {
  expected_outcome: 'accept' | 'reject';
  bytes: number;
  validStructure: boolean;
  error?: string;
  topLevel?: string[];
  durationMs?: number;
  codec?: string;
  rotation?: number;
  width?: number;
  height?: number;
  fps?: number;
  audio?: boolean;
  createdAt?: string | null;
  gps?: { lat: number; lon: number; alt?: number } | null;
  make?: string | null;
  model?: string | null;
}

export async function video(name: string): Promise<Uint8Array> {
  const res = await testEnv.FIXTURES.fetch(`http://fixtures/videos/${encodeURIComponent(name)}`);
  if (!res.ok) throw new Error(await res.text());
  return new Uint8Array(await res.arrayBuffer());
}

export const truth = (await (await testEnv.FIXTURES.fetch('http://fixtures/videos/expectations.json')).json<{
  files: Record<string, VideoExpectation>;
}>()).files;

/** A file made of real byte runs and virtual zero runs (gigabytes of mdat that are never allocated). */
export function virtualFile(parts: (Uint8Array | number)[]) {
  const runs: { at: number; bytes: Uint8Array | null; length: number }[] = [];
  let size = 0;
  for (const p of parts) {
    const length = typeof p === 'number' ? p : p.length;
    runs.push({ at: size, bytes: typeof p === 'number' ? null : p, length });
    size += length;
  }
  const stats = { bytesRead: 0, reads: 0 };
  const read: RangeReader = async (offset, length) => {
    if (offset < 0 || length < 0 || offset + length > size) throw new Error(`read ${offset}+${length} outside ${size}`);
    stats.reads++;
    stats.bytesRead += length;
    const out = new Uint8Array(length);
    for (const r of runs) {
      const from = Math.max(offset, r.at);
      const to = Math.min(offset + length, r.at + r.length);
      if (from < to && r.bytes) out.set(r.bytes.subarray(from - r.at, to - r.at), from - offset);
    }
    return out;
  };
  return { read, size, stats };
}

export const memory = (b: Uint8Array) => virtualFile([b]);

export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VideoParseError) return e.reason;
    throw e;
  }
  throw new Error('expected a VideoParseError');
}

export const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
export const bytes = (...parts: (number[] | string | Uint8Array)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : [...p])));
export const box = (type: string, ...body: (number[] | string | Uint8Array)[]) => {
  const payload = bytes(...body);
  return bytes(be32(payload.length + 8), type, payload);
};
export const largeHeader = (type: string, size: number) => bytes(be32(1), type, be32(Math.floor(size / 2 ** 32)), be32(size >>> 0));
export const FTYP = box('ftyp', 'isom', be32(512), 'isomiso2mp41');

/** The moov box of a real fixture (its chunk offsets do not matter to a metadata reader). */
export async function realMoov(name: string): Promise<Uint8Array> {
  const b = await video(name);
  for (let at = 0; at + 8 <= b.length; ) {
    const size = new DataView(b.buffer, b.byteOffset).getUint32(at);
    if (String.fromCharCode(...b.subarray(at + 4, at + 8)) === 'moov') return b.subarray(at, at + size);
    at += size;
  }
  throw new Error(`no moov in ${name}`);
}
