// The Images binding, for what our engine does not develop (HEIC, GIF, fallbacks): decoding happens
// outside the isolate (locally the binding is sharp inside miniflare). EXIF orientation is applied by the
// binding, so every output is upright. Inputs production's Cloudflare Images refuses are refused here
// too (images-limits.ts), so local runs fail where production would.
import { PermanentError } from '../errors';
import { webpSize } from '../formats/webp';
import { refuseLikeProduction } from './images-limits';

export interface Box {
  width: number;
  height: number;
}

export interface Rendition {
  bytes: ArrayBuffer;
  width: number;
  height: number;
}

export type EngineInput = ReadableStream<Uint8Array> | ArrayBuffer;

const QUALITY = 80;

/** Fit inside `box`, never upscaling, encoded as WebP. */
export async function renderWebp(images: ImagesBinding, input: EngineInput, box: Box): Promise<Rendition> {
  const bytes = await transform(images, input, box, 'image/webp');
  const size = webpSize(new Uint8Array(bytes));
  if (!size) throw new Error('the image service returned something that is not a WebP');
  return { bytes, width: size[0], height: size[1] };
}

/** A small PNG, for reading pixels back (ThumbHash). */
export function renderPng(images: ImagesBinding, input: EngineInput, box: Box): Promise<ArrayBuffer> {
  return transform(images, input, box, 'image/png');
}

async function transform(images: ImagesBinding, input: EngineInput, box: Box, format: 'image/webp' | 'image/png') {
  const checked = await refuseLikeProduction(input);
  // Each call is a billed Cloudflare Images transformation: one line each (bench:pipeline counts them).
  console.log(`images binding: ${format} within ${box.width}x${box.height}`);
  const stream = checked instanceof ArrayBuffer ? new Response(checked).body! : checked;
  try {
    const result = await images
      .input(stream)
      .transform({ width: box.width, height: box.height, fit: 'scale-down' })
      .output({ format, quality: QUALITY });
    return await new Response(result.image()).arrayBuffer();
  } catch (err) {
    throw classify(err);
  }
}

/**
 * The binding reports bad input (unsupported, truncated or corrupt data) with a 9xxx error code and the
 * decoder's words; those fail at once. Without words saying what is wrong with the file it is not about
 * the file: under load (~30 photos at once) the binding fails valid HEICs with a bare code or a lone
 * "bad seek" that decode fine on a second attempt. Those, and anything else (a network blip, an
 * overloaded service), are retried.
 */
export function classify(err: unknown): Error {
  const text = String(err instanceof Error ? err.message : err);
  const reason = readable(text);
  if (reason && /\b9\d{3}\b|unsupported|corrupt|premature end|truncated|bad seek|invalid|not a known file format|compression format/i.test(text)) {
    return new PermanentError(`The image could not be decoded: ${reason}`);
  }
  if (!reason) return new Error(`The image service failed without saying why (will retry): ${text.split('\n')[0].slice(0, 200)}`);
  return err instanceof Error ? err : new Error(text);
}

/** The decoder's own words, without transport noise, error codes and stack lines; null when it gave none. */
function readable(text: string): string | null {
  const noise = /^(\w*Error\b:?|Unexpected error response|\(?\d{3,4}\)?:|\(?\d{3,4}\)?$)\s*/i;
  const strip = (line: string) => {
    for (let l = line.trim(), prev = ''; ; prev = l, l = l.replace(noise, '')) if (l === prev) return l;
  };
  const reason = text.split('\n').map(strip).find((l) => l && !l.startsWith('at ') && !/^source: bad seek/.test(l));
  return reason ? reason.replace(/^(VipsJpeg|VipsPng|VipsWebp|heif):\s*/i, '').slice(0, 200) : null;
}
