// Retry and cancel, as the API offers them. A retry makes failed or unfinished stages pending again and
// queues the photo; a developed photo whose browser analysis failed only goes back to the analysis pool.
// A cancel only takes work that has not started. Each answers the feed events of its change.
import * as analysis from '../analysis/lease';
import type { Photo } from '../contract/photo';
import type { EventRow } from '../db/events';
import { cancelPending, failedPhotoIds, photosUpdated, resetForRetry } from '../db/pipeline-retry';
import type { Bindings } from '../env';
import { AppError } from '../errors';
import { enqueuePhotos } from './enqueue';

/** A retry-failed call resets, queues and announces this many photos at a time (one D1 batch, one queue send, one feed frame). */
export const RETRY_BATCH = 100;

/**
 * Every failed photo of the library (up to 10,000 per call), queued again in bounded batches, so that no
 * single D1 batch, queue send or feed frame grows with the library. `publish` is called once per batch.
 */
export async function retryFailed(env: Bindings, libraryId: string, publish: (events: EventRow[]) => void): Promise<{ retried: number }> {
  const failed = await failedPhotoIds(env.DB, libraryId, 10_000);
  let retried = 0;
  for (let i = 0; i < failed.length; i += RETRY_BATCH) {
    const reset = await resetForRetry(env.DB, libraryId, failed.slice(i, i + RETRY_BATCH), Date.now());
    await enqueuePhotos(env, libraryId, reset, 'backfill');
    publish(await photosUpdated(env.DB, libraryId, reset, Date.now()));
    retried += reset.length;
  }
  return { retried };
}

export async function retryPhoto(env: Bindings, libraryId: string, photo: Photo): Promise<EventRow[]> {
  if (photo.status === 'processing') throw new AppError('conflict', 'The photo is being processed right now.');
  if (photo.status === 'completed') {
    if (photo.stages.analysis?.status !== 'failed') throw new AppError('conflict', 'The photo is already developed: nothing to retry.');
    // Only the browser analysis failed: put it back in the pool for the next analysis tab.
    return analysis.retry(env.DB, libraryId, photo.id, Date.now());
  }
  const [id] = await resetForRetry(env.DB, libraryId, [photo.id], Date.now());
  if (!id) return [];
  await enqueuePhotos(env, libraryId, [id], 'interactive');
  return photosUpdated(env.DB, libraryId, [id], Date.now());
}

export async function cancelPhoto(env: Bindings, libraryId: string, photo: Photo): Promise<EventRow[]> {
  if (!(await cancelPending(env.DB, libraryId, photo.id, Date.now()))) {
    throw new AppError('conflict', `Only work that has not started can be cancelled; this photo is ${photo.status}.`);
  }
  return photosUpdated(env.DB, libraryId, [photo.id], Date.now());
}
