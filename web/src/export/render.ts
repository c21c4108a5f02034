// Pixels in and files out, on OffscreenCanvas (this runs in the export worker): decode a fetched photo
// upright, cut a rectangle out and scale it, encode as PNG/WebP/JPEG. Canvas encoders write no
// metadata at all, so stripping is the default; exif.ts writes back only what the user chose to keep.
import type { Rect } from './crop';
import { MIME, type OutputFormat } from './options';

export async function decode(blob: Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' }).catch((err: unknown) => {
    throw new Error(`This browser cannot decode the ${blob.type || 'file'} (${err instanceof Error ? err.message : String(err)}); export the display variant instead.`);
  });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(bitmap, 0, 0);
    return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/** `rect` of `pixels` (all of it by default), scaled to width×height and encoded. */
export async function encode(
  pixels: ImageData, format: OutputFormat, quality: number, size: { width: number; height: number }, rect?: Rect,
): Promise<Uint8Array> {
  const r = rect ?? { x: 0, y: 0, w: pixels.width, h: pixels.height };
  const source = await createImageBitmap(pixels, r.x, r.y, r.w, r.h, { premultiplyAlpha: 'none' });
  try {
    const canvas = new OffscreenCanvas(size.width, size.height);
    const ctx = canvas.getContext('2d')!;
    if (format === 'jpeg') {
      // JPEG has no alpha: a removed background becomes white rather than the encoder's black.
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, size.width, size.height);
    }
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, 0, 0, size.width, size.height);
    const blob = await canvas.convertToBlob({ type: MIME[format], quality });
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    source.close();
  }
}
