// Who develops what. Our WASM engine (worker/engine) takes JPEG, PNG, WebP, TIFF and AVIF; HEIC and GIF go to
// the Images binding. Cloudflare Images itself accepts JPEG, PNG, GIF, WebP, SVG and HEIC — not AVIF or
// TIFF — up to 12,000 px per side and 100 MP ("Limits and formats", "Transform images"). The local
// binding is sharp and takes far more; imagesRefusal() is what production would refuse, so that local
// runs and tests fail where production would.
import { PermanentError } from '../errors';
import { concat } from '../formats/bytes';
import { sniff, type Sniffed } from '../formats/sniff';

type EngineInput = ReadableStream<Uint8Array> | ArrayBuffer; // engine.ts's, without importing it

export const IMAGES_MAX_SIDE = 12_000;
export const IMAGES_MAX_PIXELS = 100_000_000;
const IMAGES_FORMATS = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/svg+xml', 'image/heic', 'image/heif']);

/** Formats our engine decodes. */
export const ENGINE_FORMATS = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/avif']);
/** Originals bigger than this are not read into the isolate for the engine (the input lives in JS and wasm). */
export const ENGINE_MAX_INPUT_BYTES = 40 * 1024 * 1024;

const name = (mime: string) => (mime.split('/')[1] ?? mime).replace('+xml', '').toUpperCase();

/** Why Cloudflare Images would refuse this input, or null when it takes it. */
export function imagesRefusal(mime: string, width: number | null, height: number | null): string | null {
  if (!IMAGES_FORMATS.has(mime)) return `Cloudflare Images does not take ${name(mime)} input`;
  if (width !== null && height !== null) {
    if (Math.max(width, height) > IMAGES_MAX_SIDE) return `Cloudflare Images takes at most ${IMAGES_MAX_SIDE} px per side (this is ${width}×${height})`;
    if (width * height > IMAGES_MAX_PIXELS) return `Cloudflare Images takes at most ${IMAGES_MAX_PIXELS / 1e6} MP (this is ${((width * height) / 1e6).toFixed(1)} MP)`;
  }
  return null;
}

/**
 * The Images binding as production has it: an input Cloudflare Images would refuse (format, side, pixel
 * count, read from its header) fails here as bad input with the reason, instead of being decoded by the
 * local sharp. Returns the input to hand on (a stream is teed to read its head).
 */
export async function refuseLikeProduction(input: EngineInput): Promise<EngineInput> {
  let head: Uint8Array, rest: EngineInput;
  if (input instanceof ArrayBuffer) {
    head = new Uint8Array(input, 0, Math.min(input.byteLength, HEAD));
    rest = input;
  } else {
    const [peek, pass] = input.tee();
    head = await readHead(peek);
    rest = pass;
  }
  let found: Sniffed | null = null;
  try {
    found = sniff(head, input instanceof ArrayBuffer && input.byteLength <= HEAD);
  } catch {
    return rest; // not an image we know: the binding's own decoder says what is wrong with it
  }
  const refused = imagesRefusal(found.mime, found.width, found.height);
  if (refused) {
    if (!(rest instanceof ArrayBuffer)) await rest.cancel().catch(() => {});
    throw new PermanentError(`The image could not be decoded: ${refused}.`);
  }
  return rest;
}

const HEAD = 256 * 1024;

async function readHead(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  while (n < HEAD) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.length;
  }
  await reader.cancel().catch(() => {});
  return concat(parts);
}
