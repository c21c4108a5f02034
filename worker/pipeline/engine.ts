// The image engine: every resize and encode goes through the Images binding, so decoding happens outside
// the Worker's 128 MB isolate (locally the binding is sharp inside miniflare). EXIF orientation is
// applied by the binding, so every output is upright and carries no orientation tag.
import { PermanentError } from '../errors';
import { webpSize } from '../formats/webp';

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
  const stream = input instanceof ArrayBuffer ? new Response(input).body! : input;
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
 * The binding reports bad input (unsupported, truncated or corrupt data) with a 9xxx error code; those
 * fail at once. Anything else (a network blip, an overloaded service) is worth retrying.
 */
function classify(err: unknown): Error {
  const text = String(err instanceof Error ? err.message : err);
  if (/\b9\d{3}\b|unsupported|corrupt|premature end|truncated|bad seek|invalid|not a known file format|compression format/i.test(text)) {
    return new PermanentError(`The image could not be decoded: ${readable(text)}`);
  }
  return err instanceof Error ? err : new Error(text);
}

/** The decoder's own words, without transport noise and stack lines. */
function readable(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/^.*?(Unexpected error response \d+:\s*)?(Error:\s*)+/i, '').trim());
  const reason = lines.find((l) => l && !l.startsWith('at ') && !/^source: bad seek/.test(l)) ?? 'unknown decoder error';
  return reason.replace(/^(VipsJpeg|VipsPng|VipsWebp|heif):\s*/i, '').slice(0, 200);
}
