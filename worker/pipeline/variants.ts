// Stage 3: display variants (default 1080p and 4K), fit inside their box turned to the photo's
// orientation, never upscaled, WebP; largest first, each smaller one from the previous (a cascade).
// The browser's AI analysis reads a variant, never the original.
import { photoPrefix } from '../storage/keys';
import { renderWebp, type Rendition } from './engine';
import type { Dimensions, StageContext, StageResult } from './stage';

export const variantFile = (name: string) => `variant-${name}.webp`;

export async function runVariants({ env, photo, settings, source }: StageContext): Promise<StageResult> {
  const portrait = (photo.height ?? 0) > (photo.width ?? 0);
  const boxes = settings.variantSizes
    .map((v) => ({ name: v.name, long: Math.max(v.width, v.height), short: Math.min(v.width, v.height) }))
    .sort((a, b) => b.long * b.short - a.long * a.short);
  const variants: Record<string, Dimensions> = {};
  let previous: Rendition | null = null;
  for (const v of boxes) {
    const box = portrait ? { width: v.short, height: v.long } : { width: v.long, height: v.short };
    const input: ArrayBuffer | null = previous ? previous.bytes : null;
    const out: Rendition = input ? await renderWebp(env.IMAGES, input, box) : await source.render((i) => renderWebp(env.IMAGES, i, box));
    await env.PHOTOS.put(`${photoPrefix(photo.libraryId, photo.id)}${variantFile(v.name)}`, out.bytes, {
      httpMetadata: { contentType: 'image/webp' },
    });
    variants[v.name] = { width: out.width, height: out.height };
    previous = out;
  }
  return { variants };
}
