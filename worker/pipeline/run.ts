// Develops one photo: runs every stage that is not completed yet, in order, stamping each one.
// Bad input fails at once; other errors are retried with backoff until MAX_ATTEMPTS.
import { STAGES } from '../contract/photo';
import type { PipelineMessage } from '../contract/queue';
import * as db from '../db/pipeline';
import { getSettings } from '../db/settings';
import type { Bindings } from '../env';
import { PermanentError } from '../errors';
import { PhotoSource } from './source';
import { MAX_ATTEMPTS, RUNNERS } from './stages';

export type Outcome = { done: true } | { done: false; retryInSeconds: number };

export async function developPhoto(env: Bindings, message: PipelineMessage): Promise<Outcome> {
  const photo = await db.loadPipelinePhoto(env.DB, message.libraryId, message.photoId);
  // Deleted, already developed, failed or cancelled: a late or duplicate message has nothing to do.
  if (!photo || photo.status === 'completed' || photo.status === 'failed') return { done: true };
  await db.markProcessing(env.DB, photo.id, Date.now());

  const settings = await getSettings(env.DB, photo.libraryId, env);
  const source = new PhotoSource(env, photo, settings);
  for (const stage of STAGES) {
    const state = photo.stages[stage];
    if (!state || state.status === 'completed' || state.status === 'skipped') continue;
    const attempt = await db.startStage(env.DB, photo.id, stage, Date.now());
    const started = performance.now();
    try {
      const result = await RUNNERS[stage]({ env, photo, settings, source });
      await db.completeStage(env.DB, photo.id, stage, Math.round(performance.now() - started), result, Date.now());
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof PermanentError || attempt >= MAX_ATTEMPTS) {
        const why = err instanceof PermanentError ? reason : `${reason} (gave up after ${attempt} attempts)`;
        await db.failStage(env.DB, photo.id, stage, why, Date.now());
        return { done: true };
      }
      console.warn(`stage ${stage} of ${photo.id} failed (attempt ${attempt}), retrying`, reason);
      await db.stageWillRetry(env.DB, photo.id, stage, reason, Date.now());
      return { done: false, retryInSeconds: 2 ** attempt };
    }
  }
  await db.completePhoto(env.DB, photo.id, Date.now());
  return { done: true };
}
