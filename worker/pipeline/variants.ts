// Stage 3: display variants (default 1080p and 4K), fit inside their box turned to the photo's
// orientation, never upscaled, WebP. Our engine encodes them from the run's one decode (the thumbnails
// stage already made the pixels); the binding renders a cascade, largest first, each from the previous.
// The browser's AI analysis reads a variant, never the original.
import type { StageResult } from '../db/pipeline-stages';
import { variantFile } from '../storage/keys';
import { renderCascade } from './cascade';
import { variantOutput } from './engine-session';
import { storeEngineOutputs } from './engine-store';
import type { StageContext } from './stage-context';

export async function runVariants(ctx: StageContext): Promise<StageResult> {
  const portrait = (ctx.photo.height ?? 0) > (ctx.photo.width ?? 0);
  const boxes = ctx.settings.variantSizes
    .map((v) => ({ name: v.name, long: Math.max(v.width, v.height), short: Math.min(v.width, v.height) }))
    .sort((a, b) => b.long * b.short - a.long * a.short);
  const session = await ctx.source.developed();
  if (session) {
    // Smallest first: the 1080 variant is ready for the gallery while the 4K one encodes.
    const variants = await storeEngineOutputs(ctx, session, [...boxes].reverse().map((v) => ({ name: v.name, output: variantOutput(v.name), file: variantFile(v.name) })));
    return { variants };
  }
  const { sizes: variants } = await renderCascade(ctx, boxes.map((v) => ({
    name: v.name,
    file: variantFile(v.name),
    box: portrait ? { width: v.short, height: v.long } : { width: v.long, height: v.short },
  })));
  return { variants };
}
