// HEIC without a HEVC-capable image service. Cloudflare Images decodes HEIC in production; the local
// binding (sharp's prebuilt libvips) cannot, so locally we decode with libheif (WASM) inside the
// Worker, shrink to the largest size the pipeline needs, and hand the service a PNG. libheif applies
// `irot`/`imir` while decoding, so the result is upright.
// Memory: a 12 MP HEIC needs ~100 MB of WASM heap here, which is why this is the fallback only.
import libheifFactory from 'libheif-js/libheif-wasm/libheif.js';
import libheifWasm from 'libheif-js/libheif-wasm/libheif.wasm';
import { PermanentError } from '../errors';
import type { Box } from './engine';
import { encodePng, type Rgba } from '../formats/png';

interface HeifImage {
  get_width(): number;
  get_height(): number;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: unknown) => void): void;
  free(): void;
}
interface Libheif {
  HeifDecoder: new () => { decode(bytes: Uint8Array): HeifImage[] };
}

let libheif: Promise<Libheif> | undefined;

function load(): Promise<Libheif> {
  libheif ??= withoutNodeDetection(() =>
    (libheifFactory as (opts: object) => Promise<Libheif>)({
      // Workers cannot compile WASM at runtime: instantiate the module the bundler imported.
      instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
        const instance = new WebAssembly.Instance(libheifWasm, imports);
        done(instance, libheifWasm);
        return instance.exports;
      },
    }),
  );
  return libheif;
}

/**
 * Emscripten's glue takes the Node path (require('fs'), __dirname) whenever a `process` global exists,
 * which the Workers runtime may provide. Hide it while the module initialises.
 */
function withoutNodeDetection<T>(init: () => T): T {
  const g = globalThis as { process?: unknown };
  const descriptor = Object.getOwnPropertyDescriptor(g, 'process');
  if (!descriptor) return init();
  Object.defineProperty(g, 'process', { value: undefined, configurable: true, writable: true });
  try {
    return init();
  } finally {
    Object.defineProperty(g, 'process', descriptor);
  }
}

// One decode at a time per isolate: two concurrent 12 MP decodes would not fit in memory.
let queue: Promise<unknown> = Promise.resolve();

export function decodeHeifToPng(bytes: ArrayBuffer, fit: Box): Promise<ArrayBuffer> {
  const run = queue.then(() => decode(bytes, fit));
  queue = run.catch(() => {}); // the caller gets the error through `run`; the queue only has to move on
  return run;
}

async function decode(bytes: ArrayBuffer, fit: Box): Promise<ArrayBuffer> {
  const lib = await load();
  const images = new lib.HeifDecoder().decode(new Uint8Array(bytes));
  const image = images[0];
  if (!image) throw new PermanentError('The HEIF file contains no decodable image.');
  try {
    const width = image.get_width();
    const height = image.get_height();
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const ok = await new Promise((resolve) => image.display(target, resolve));
    if (!ok) throw new PermanentError('The HEIF image could not be decoded.');
    const full: Rgba = { width, height, data: new Uint8Array(target.data.buffer) };
    return encodePng(shrinkToFit(full, fit));
  } finally {
    for (const img of images) img.free();
  }
}

/** Area-average downscale so the PNG is no bigger than the largest output needs. */
function shrinkToFit(src: Rgba, box: Box): Rgba {
  const scale = Math.min(1, box.width / src.width, box.height / src.height);
  if (scale === 1) return src;
  const width = Math.max(1, Math.round(src.width * scale));
  const height = Math.max(1, Math.round(src.height * scale));
  const data = new Uint8Array(width * height * 4);
  const fx = src.width / width;
  const fy = src.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * fy), y1 = Math.max(y0 + 1, Math.floor((y + 1) * fy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * fx), x1 = Math.max(x0 + 1, Math.floor((x + 1) * fx));
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0, i = (sy * src.width + x0) * 4; sx < x1; sx++, i += 4) {
          r += src.data[i]; g += src.data[i + 1]; b += src.data[i + 2]; a += src.data[i + 3];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * width + x) * 4;
      data[o] = r / n; data[o + 1] = g / n; data[o + 2] = b / n; data[o + 3] = a / n;
    }
  }
  return { width, height, data };
}
