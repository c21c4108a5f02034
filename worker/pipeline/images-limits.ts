// Who develops what. Our WASM engine (worker/engine) takes JPEG, PNG, WebP and TIFF; HEIC and GIF go to
// the Images binding. Cloudflare Images itself accepts JPEG, PNG, GIF, WebP, SVG and HEIC — not AVIF or
// TIFF — up to 12,000 px per side and 100 MP ("Limits and formats", "Transform images"). The local
// binding is sharp and takes far more; imagesRefusal() is what production would refuse, so that local
// runs and tests fail where production would.

export const IMAGES_MAX_SIDE = 12_000;
export const IMAGES_MAX_PIXELS = 100_000_000;
const IMAGES_FORMATS = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/svg+xml', 'image/heic', 'image/heif']);

/** Formats our engine decodes. */
export const ENGINE_FORMATS = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/tiff']);
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
