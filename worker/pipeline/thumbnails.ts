// Stage 2: square-bounded thumbnails (longest side), WebP, largest first and each from the previous one
// (a cascade: only the first decodes the original), plus a ThumbHash placeholder from the smallest.
import { rgbaToThumbHash } from 'thumbhash';
import { photoPrefix } from '../storage/keys';
import { renderPng, renderWebp, type Rendition } from './engine';
import { decodePng } from './png';
import type { Dimensions, StageContext, StageResult } from './stage';

export const thumbnailFile = (size: number | string) => `thumb-${size}.webp`;

export async function runThumbnails({ env, photo, settings, source }: StageContext): Promise<StageResult> {
  const sizes = [...settings.thumbnailSizes].sort((a, b) => b - a);
  const thumbnails: Record<string, Dimensions> = {};
  let previous: Rendition | null = null;
  for (const size of sizes) {
    const box = { width: size, height: size };
    const input: ArrayBuffer | null = previous ? previous.bytes : null;
    const out: Rendition = input ? await renderWebp(env.IMAGES, input, box) : await source.render((i) => renderWebp(env.IMAGES, i, box));
    await env.PHOTOS.put(`${photoPrefix(photo.libraryId, photo.id)}${thumbnailFile(size)}`, out.bytes, {
      httpMetadata: { contentType: 'image/webp' },
    });
    thumbnails[size] = { width: out.width, height: out.height };
    previous = out;
  }
  return { thumbnails, placeholder: await placeholder(env.IMAGES, previous!.bytes) };
}

/** ThumbHash wants at most 100×100 RGBA. */
async function placeholder(images: ImagesBinding, smallest: ArrayBuffer): Promise<string> {
  const { width, height, data } = decodePng(await renderPng(images, smallest, { width: 100, height: 100 }));
  const hash = rgbaToThumbHash(width, height, data);
  return btoa(String.fromCharCode(...hash));
}
