// Stage 2: square-bounded thumbnails (longest side), WebP, largest first and each from the previous one
// (a cascade: only the first decodes the original), plus a ThumbHash placeholder from the smallest.
import { rgbaToThumbHash } from 'thumbhash';
import type { StageResult } from '../db/pipeline';
import { decodePng } from '../formats/png';
import { thumbnailFile } from '../storage/keys';
import { renderCascade } from './cascade';
import { renderPng } from './engine';
import type { StageContext } from './stage-context';

export async function runThumbnails(ctx: StageContext): Promise<StageResult> {
  const sizes = [...ctx.settings.thumbnailSizes].sort((a, b) => b - a);
  const { sizes: thumbnails, last } = await renderCascade(ctx, sizes.map((size) => ({ name: String(size), file: thumbnailFile(size), box: { width: size, height: size } })));
  return { thumbnails, placeholder: await placeholder(ctx.env.IMAGES, last!.bytes) };
}

/** ThumbHash wants at most 100×100 RGBA. */
async function placeholder(images: ImagesBinding, smallest: ArrayBuffer): Promise<string> {
  const { width, height, data } = decodePng(await renderPng(images, smallest, { width: 100, height: 100 }));
  const hash = rgbaToThumbHash(width, height, data);
  return btoa(String.fromCharCode(...hash));
}
