// Sending photos to the pipeline, in one of two lanes. `interactive` (a fresh upload, a single retry)
// goes to darkroom-pipeline; `backfill` (retry-all, the scheduled batch, sweep re-queues, re-runs after
// a settings or model change) goes to darkroom-backfill, whose consumer develops one photo at a time
// and steps aside while interactive work is queued (pipeline/lanes.ts). Batches of 100 (a queue batch
// holds at most 100 messages).
import type { PipelineMessage } from '../contract/queue';
import { markQueuedIn, type Lane } from '../db/lanes';
import type { Bindings } from '../env';

export type { Lane } from '../db/lanes';

/** wrangler.toml's queue names; a consumer learns which queue a batch came from by name. */
export const QUEUES = { interactive: 'darkroom-pipeline', backfill: 'darkroom-backfill' } as const satisfies Record<Lane, string>;

export function laneQueue(env: Bindings, lane: Lane): Queue<PipelineMessage> {
  return lane === 'interactive' ? env.PIPELINE : env.BACKFILL;
}

export async function enqueuePhotos(env: Bindings, libraryId: string, ids: string[], lane: Lane, now = Date.now()): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    const slice = ids.slice(i, i + 100);
    await markQueuedIn(env.DB, slice, lane, now);
    await laneQueue(env, lane).sendBatch(slice.map((photoId) => ({ body: { type: 'photo.process', libraryId, photoId } satisfies PipelineMessage })));
  }
}
