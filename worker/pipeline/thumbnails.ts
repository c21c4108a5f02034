// Stage 2: square-bounded thumbnails (longest side), WebP, plus a ThumbHash placeholder. Our engine
// (JPEG/PNG/WebP/TIFF) makes them from the run's one decode, the hash from the same pixels; the binding
// (HEIC, GIF, fallbacks) renders a cascade: largest first, each from the previous one.
import { rgbaToThumbHash } from 'thumbhash';
import type { StageResult } from '../db/pipeline-stages';
import { decodePng } from '../formats/png';
import { thumbnailFile } from '../storage/keys';
import { renderCascade } from './cascade';
import { renderPng } from './engine';
import { thumbnailOutput } from './engine-session';
import { storeEngineOutputs } from './engine-store';
import type { StageContext } from './stage-context';

export async function runThumbnails(ctx: StageContext): Promise<StageResult> {
  const sizes = [...ctx.settings.thumbnailSizes].sort((a, b) => b - a);
  const session = await ctx.source.developed();
  if (session) {
    const thumbnails = await storeEngineOutputs(ctx, session, sizes.map((size) => ({ name: String(size), output: thumbnailOutput(size), file: thumbnailFile(size) })));
    return { thumbnails, placeholder: thumbHash(session.preview!) };
  }
  const { sizes: thumbnails, last } = await renderCascade(ctx, sizes.map((size) => ({ name: String(size), file: thumbnailFile(size), box: { width: size, height: size } })));
  return { thumbnails, placeholder: thumbHash(decodePng(await renderPng(ctx.env.IMAGES, last!.bytes, { width: 100, height: 100 }))) };
}

/** ThumbHash wants at most 100×100 RGBA. */
function thumbHash(p: { width: number; height: number; rgba?: Uint8Array; data?: Uint8Array }): string {
  const hash = rgbaToThumbHash(p.width, p.height, (p.rgba ?? p.data)!);
  return btoa(String.fromCharCode(...hash));
}
