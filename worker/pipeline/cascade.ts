// Thumbnails and variants are rendered as a cascade: largest first, each from the previous rendition, so
// only the first one decodes the original. Each is stored as soon as it exists.
import type { Size } from '../db/pipeline-stages';
import { mediaKey } from '../storage/keys';
import { renderWebp, type Box, type Rendition } from './engine';
import type { StageContext } from './stage-context';

export interface Output {
  /** Key in the photo's `thumbnails`/`variants` column. */
  name: string;
  /** R2 file name (storage/keys.ts). */
  file: string;
  box: Box;
}

/** `outputs` must be ordered largest first. Returns the stored sizes and the last (smallest) rendition. */
export async function renderCascade({ env, photo, source }: StageContext, outputs: Output[]): Promise<{ sizes: Record<string, Size>; last: Rendition | null }> {
  const sizes: Record<string, Size> = {};
  let previous: Rendition | null = null;
  for (const { name, file, box } of outputs) {
    const input: ArrayBuffer | null = previous ? previous.bytes : null;
    const out: Rendition = input ? await renderWebp(env.IMAGES, input, box) : await source.render((i) => renderWebp(env.IMAGES, i, box));
    await env.PHOTOS.put(mediaKey(photo.libraryId, photo.id, file), out.bytes, { httpMetadata: { contentType: 'image/webp' } });
    sizes[name] = { width: out.width, height: out.height };
    previous = out;
  }
  return { sizes, last: previous };
}
