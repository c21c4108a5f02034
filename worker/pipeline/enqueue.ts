// Sending photos to the pipeline queue, in batches (a queue batch holds at most 100 messages).
import type { PipelineMessage } from '../contract/queue';
import { markQueued } from '../db/pipeline';
import type { Bindings } from '../env';

export async function enqueuePhotos(env: Bindings, libraryId: string, ids: string[], now = Date.now()): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    const slice = ids.slice(i, i + 100);
    await markQueued(env.DB, slice, now);
    await env.PIPELINE.sendBatch(slice.map((photoId) => ({ body: { type: 'photo.process', libraryId, photoId } satisfies PipelineMessage })));
  }
}
