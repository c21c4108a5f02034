// Stores outputs the engine developed: each one encoded from its kept pixels, then put to R2 while the
// next one encodes (the puts run side by side; encoding is synchronous WASM work).
import type { Size } from '../db/pipeline-stages';
import type { DevelopSession } from '../engine/develop-session';
import { mediaKey } from '../storage/keys';
import type { StageContext } from './stage-context';

export interface EngineOutput {
  /** Key in the photo's `thumbnails`/`variants` column. */
  name: string;
  /** Output name in the session (engine-session.ts). */
  output: string;
  /** R2 file name (storage/keys.ts). */
  file: string;
}

export async function storeEngineOutputs({ env, photo }: StageContext, session: DevelopSession, outputs: EngineOutput[]): Promise<Record<string, Size>> {
  const sizes: Record<string, Size> = {};
  const puts: Promise<unknown>[] = [];
  for (const { name, output, file } of outputs) {
    const out = session.encode(output);
    sizes[name] = { width: out.width, height: out.height };
    puts.push(env.PHOTOS.put(mediaKey(photo.libraryId, photo.id, file), out.bytes, { httpMetadata: { contentType: 'image/webp' } }));
    await Promise.resolve(); // let the put start before the next (synchronous) encode
  }
  await Promise.all(puts);
  return sizes;
}
