// Our image codec (WASM: libjpeg-turbo, libspng, libwebp, libtiff, dav1d from Debian; worker/scripts/build-codec.sh).
// develop() decodes a JPEG, PNG, WebP, TIFF or AVIF once — JPEGs DCT-scaled to the smallest M/8 that
// covers the largest output — then makes every output largest-first, each rescaled from the previous
// pixels (never from a re-decoded lossy output; a small lossy WebP, up to 4 MP, has its smaller outputs
// decoded again from the original by libwebp's scaled decode, as sharp does), turned upright by the EXIF
// orientation, encoded as WebP with the source's ICC profile (unless sRGB), and finally a small upright
// RGBA of the same pixels for ThumbHash.
import type { CodecModule } from './codec/codec.mjs';
import { AvifUnsupported, isAvif, readAvif } from '../formats/avif';
import { CodecError, CodecInputError, codecError } from './codec-errors';
import { memoryBytes, withCodec } from './codec-instance';

export type CodecFormat = 'jpeg' | 'png' | 'webp' | 'tiff' | 'avif';

/** An output fits inside a box given by its long and short side, whatever the photo's orientation. */
export interface OutputSpec {
  name: string;
  long: number;
  short: number;
  /** WebP quality 0–100 and method 0–6 (effort); default to DevelopOptions'. */
  quality?: number;
  method?: number;
}

export interface DevelopOptions {
  outputs: OutputSpec[];
  quality?: number; // default 80
  method?: number; // default 4
  /** Longest side of the RGBA preview; 0 for none. Default 100 (what ThumbHash wants). */
  preview?: number;
  /** Wasm memory the job may reach (bytes). Over it: decoded smaller, or a CodecError 'over_budget'. */
  budgetBytes?: number;
  /** Larger images fail as bad input before anything is allocated. Default 268,402,689 (sharp's). */
  maxPixels?: number;
}

export interface Encoded {
  name: string;
  width: number;
  height: number;
  bytes: Uint8Array;
}

export interface Developed {
  format: CodecFormat;
  /** Upright size of the original. */
  width: number;
  height: number;
  /** EXIF orientation found in the file (already applied to every output). */
  orientation: number;
  /** Size the pixels were decoded at (stored orientation) and whether the budget made it smaller. */
  decoded: { width: number; height: number; reduced: boolean };
  /** Bytes of the ICC profile embedded in each output (0: none or sRGB). */
  iccBytes: number;
  outputs: Record<string, Encoded>;
  preview: { width: number; height: number; rgba: Uint8Array } | null;
  /** Wasm memory after the job (= its peak: wasm memory never shrinks). */
  wasmBytes: number;
}

export const DEFAULT_BUDGET = 64 * 1024 * 1024;
const FORMATS: CodecFormat[] = ['jpeg', 'png', 'webp', 'tiff', 'avif'];
// Keys of cx_get() in codec.c.
export const K = { format: 0, srcW: 1, srcH: 2, orientation: 3, curW: 4, curH: 5, reduced: 7, iccLen: 8, outPtr: 9, outLen: 10, outW: 11, outH: 12 };

/** Same fit as the C side (cx_fit): inside (long, short), never enlarging, rounded like sharp. */
export function fitBox(width: number, height: number, long: number, short: number): { width: number; height: number } {
  const s = Math.min(1, long / Math.max(width, height), short / Math.min(width, height));
  return { width: Math.max(1, Math.floor(width * s + 0.5)), height: Math.max(1, Math.floor(height * s + 0.5)) };
}

export function develop(bytes: Uint8Array, options: DevelopOptions): Promise<Developed> {
  return withCodec((m) => developWith(m, bytes, options));
}

/** develop() on a given instance (inside withCodec); exported for tests that shape the instance first. */
export function developWith(m: CodecModule, bytes: Uint8Array, o: DevelopOptions): Developed {
  const info = decodeOnce(m, bytes, o);
  const outputs: Record<string, Encoded> = {};
  for (const spec of largestFirst(info, o.outputs)) {
    check(m, m._cx_output(spec.long, spec.short, spec.quality ?? o.quality ?? 80, spec.method ?? o.method ?? 4));
    outputs[spec.name] = { name: spec.name, ...lastOutput(m) };
  }
  return { ...info, outputs, preview: makePreview(m, o), wasmBytes: memoryBytes(m) };
}

export type DecodedInfo = Omit<Developed, 'outputs' | 'preview' | 'wasmBytes'>;

export function check(m: CodecModule, rc: number) {
  if (rc !== 0) throw codecError(rc, message(m));
}

/** The one decode: at the smallest size covering the largest long side and largest short side asked for. */
export function decodeOnce(m: CodecModule, bytes: Uint8Array, o: DevelopOptions): DecodedInfo {
  if (o.outputs.length === 0) throw new Error('develop: no outputs requested');
  const coverLong = Math.max(...o.outputs.map((s) => s.long));
  const coverShort = Math.max(...o.outputs.map((s) => s.short));
  const budget = o.budgetBytes ?? DEFAULT_BUDGET, maxPixels = o.maxPixels ?? 268_402_689;
  if (isAvif(bytes)) {
    decodeAvif(m, bytes, coverLong, coverShort, budget, maxPixels);
  } else {
    withCopies(m, [bytes], ([input]) => check(m, m._cx_decode(input, bytes.length, coverLong, coverShort, budget, maxPixels)));
  }
  const srcW = m._cx_get(K.srcW), srcH = m._cx_get(K.srcH), orientation = m._cx_get(K.orientation);
  const upright = orientation >= 5;
  return {
    format: FORMATS[m._cx_get(K.format) - 1],
    width: upright ? srcH : srcW,
    height: upright ? srcW : srcH,
    orientation,
    decoded: { width: m._cx_get(K.curW), height: m._cx_get(K.curH), reduced: m._cx_get(K.reduced) === 1 },
    iccBytes: m._cx_get(K.iccLen),
  };
}

/** AVIF: the container read here (formats/avif.ts), the AV1 data decoded by dav1d inside the module. */
function decodeAvif(m: CodecModule, bytes: Uint8Array, coverLong: number, coverShort: number, budget: number, maxPixels: number) {
  let avif;
  try {
    avif = readAvif(bytes);
  } catch (err) {
    if (err instanceof AvifUnsupported) throw new CodecError('unsupported', err.message);
    throw new CodecInputError(`The image could not be decoded: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { colour, alpha, icc } = avif;
  const parts = [colour, alpha ?? new Uint8Array(0), icc ?? new Uint8Array(0)];
  withCopies(m, parts, ([c, a, i]) =>
    check(m, m._cx_decode_avif(c, colour.length, a, alpha?.length ?? 0, avif.width, avif.height, avif.orientation, i, icc?.length ?? 0, coverLong, coverShort, budget, maxPixels)),
  );
}

/** Copies `parts` into wasm memory for `use`, freed afterwards (the encoded input is not needed once decoded). */
function withCopies(m: CodecModule, parts: Uint8Array[], use: (ptrs: number[]) => void) {
  const ptrs: number[] = [];
  try {
    for (const p of parts) {
      const ptr = m._malloc(Math.max(1, p.length));
      if (!ptr) throw codecError(-4, `out of memory for a ${p.length}-byte input`);
      ptrs.push(ptr);
      m.HEAPU8.set(p, ptr);
    }
    use(ptrs);
  } finally {
    for (const ptr of ptrs) m._free(ptr);
  }
}

/** Outputs in cascade order: largest area first (sizes in the photo's upright frame). */
export function largestFirst(info: DecodedInfo, outputs: OutputSpec[]): OutputSpec[] {
  const area = (s: OutputSpec) => {
    const f = fitBox(info.width, info.height, s.long, s.short);
    return f.width * f.height;
  };
  return [...outputs].sort((a, b) => area(b) - area(a));
}

/** The small upright RGBA (ThumbHash) of the current — smallest — pixels. */
export function makePreview(m: CodecModule, o: DevelopOptions): Developed['preview'] {
  if ((o.preview ?? 100) <= 0) return null;
  check(m, m._cx_rgba(o.preview ?? 100));
  const { width, height, bytes: rgba } = lastOutput(m);
  return { width, height, rgba };
}

export function lastOutput(m: CodecModule) {
  const ptr = m._cx_get(K.outPtr), len = m._cx_get(K.outLen);
  return { width: m._cx_get(K.outW), height: m._cx_get(K.outH), bytes: m.HEAPU8.slice(ptr, ptr + len) };
}

export function message(m: CodecModule): string {
  const ptr = m._cx_message();
  const end = m.HEAPU8.indexOf(0, ptr);
  return new TextDecoder().decode(m.HEAPU8.subarray(ptr, end < 0 ? ptr : end));
}

/** The API version compiled into the module (manifest.json records the one the build script wrote). */
export function codecVersion(): Promise<number> {
  return withCodec((m) => m._cx_version());
}
