// Develops one photo: runs every stage that is not completed yet, in order, stamping each one and
// publishing every change to the live feed. Bad input fails at once; other errors are retried with
// backoff until MAX_ATTEMPTS. A run claims its photo first and writes only while it holds the claim, so
// one photo is never developed twice at once; a run whose photo was deleted stops and removes what it wrote.
import { STAGES } from '../contract/photo';
import type { PipelineMessage } from '../contract/queue';
import type { Settings } from '../contract/settings';
import type { EventRow } from '../db/events';
import { setRetryable } from '../db/failure-kind';
import { claimRun, loadPipelinePhoto, LostClaim, type PipelinePhoto } from '../db/pipeline-claim';
import { completePhoto, completeStage, failStage, stageWillRetry, startStage } from '../db/pipeline-stages';
import { getSettings } from '../db/settings';
import type { Bindings } from '../env';
import { PermanentError } from '../errors';
import { publish } from '../feed/publish';
import { deletePhotoObjects } from '../storage/keys';
import { PhotoSource } from './source';
import { MAX_ATTEMPTS, RUNNERS } from './stages';

/** `failure`: the photo ended failed, for its own bad bytes (`permanent`) or after retries (`transient`). */
export type Outcome = { done: true; failure?: 'permanent' | 'transient' } | { done: false; retryInSeconds: number };

/** `probe`: the breaker's half-open probe (pipeline/breaker.ts); its transient failure never gives up. */
export async function developPhoto(env: Bindings, message: PipelineMessage, options: { probe?: boolean } = {}): Promise<Outcome> {
  const { libraryId, photoId } = message;
  const photo = await loadPipelinePhoto(env.DB, libraryId, photoId);
  // Deleted, already developed, failed or cancelled: a late or duplicate message has nothing to do.
  if (!photo || photo.status === 'completed' || photo.status === 'failed') return { done: true };
  const settings = await getSettings(env.DB, libraryId, env);
  // A processing photo whose run has not written for a stage timeout lost its consumer: take it over.
  const token = crypto.randomUUID();
  const now = Date.now();
  const claim = await claimRun(env.DB, libraryId, photoId, token, now - settings.stageTimeoutSeconds * 1000, now);
  if (!claim.claimed) return { done: true }; // another run holds it, or it was cancelled or deleted meanwhile
  try {
    return await runStages(env, photo, settings, token, claim.events, options);
  } catch (err) {
    if (!(err instanceof LostClaim)) throw err;
    // Deleted mid-run: whatever this run stored after the DELETE listed the objects is an orphan.
    if (!(await loadPipelinePhoto(env.DB, libraryId, photoId))) await deletePhotoObjects(env.PHOTOS, libraryId, photoId);
    return { done: true };
  }
}

async function runStages(
  env: Bindings, photo: PipelinePhoto, settings: Settings, token: string, claimed: EventRow[], options: { probe?: boolean },
): Promise<Outcome> {
  const { libraryId, id: photoId } = photo;
  // Events go out at stage boundaries: "exif completed" travels with "thumbnails running", so every
  // socket gets one frame per boundary instead of one per event.
  let unsent: EventRow[] = claimed;
  const flush = async (events: EventRow[]) => {
    await publish(env, libraryId, [...unsent, ...events]);
    unsent = [];
  };

  const source = new PhotoSource(env, photo, settings);
  try {
    for (const stage of STAGES) {
      const state = photo.stages[stage];
      if (!state || state.status === 'completed' || state.status === 'skipped') continue;
      const { attempt, events } = await startStage(env.DB, libraryId, photoId, stage, Date.now(), token);
      await flush(events);
      const started = performance.now();
      try {
        const result = await RUNNERS[stage]({ env, photo, settings, source });
        const ms = Math.round(performance.now() - started);
        unsent = await completeStage(env.DB, libraryId, photoId, stage, ms, result, Date.now(), token);
      } catch (err) {
        if (err instanceof LostClaim) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        const permanent = err instanceof PermanentError;
        if (permanent || (attempt >= MAX_ATTEMPTS && !options.probe)) {
          const why = permanent ? reason : `${reason} (gave up after ${attempt} attempts)`;
          await setRetryable(env.DB, photoId, !permanent);
          await flush(await failStage(env.DB, libraryId, photoId, stage, why, Date.now(), token));
          return { done: true, failure: permanent ? 'permanent' : 'transient' };
        }
        console.warn(`stage ${stage} of ${photoId} failed (attempt ${attempt}), retrying`, reason);
        await flush(await stageWillRetry(env.DB, libraryId, photoId, stage, reason, Date.now(), token));
        return { done: false, retryInSeconds: 2 ** attempt };
      }
    }
  } finally {
    source.close(); // the engine is held for one photo's stages, never longer
  }
  await flush(await completePhoto(env.DB, libraryId, photoId, Date.now(), token));
  return { done: true };
}
