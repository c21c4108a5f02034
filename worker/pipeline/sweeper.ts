// The cron sweep. D1 is the truth about what still needs doing, so a lost message or a consumer that
// died costs a delay, never a photo: queued work that has not moved is queued again. And when a
// library processes on a schedule instead of on upload, its daily batch starts here.
import { expireAbandoned } from '../analysis/lease';
import { pruneEvents } from '../db/events';
import { pruneWindows } from '../db/rate-windows';
import { staleWindow } from '../rate-limit';
import { claimScheduledBatch, librariesWithUnqueued, releaseRunningStages, stuckPhotos, unqueuedPhotos } from '../db/pipeline-sweep';
import { getSettings } from '../db/settings';
import { reclusterDue } from '../people/recluster-job';
import type { Bindings } from '../env';
import type { PhotoKind } from '../contract/photo';
import type { Settings } from '../contract/settings';
import { abortStaleUploads } from '../upload/resumable';
import { enqueuePhotos } from './enqueue';
import { reconcileOrphans } from './reconcile';

const SCHEDULE_WINDOW_MS = 15 * 60_000;

export interface SweepReport {
  requeued: number;
  scheduled: number;
  orphansDeleted: number;
}

export async function sweep(env: Bindings, now = Date.now()): Promise<SweepReport> {
  const report: SweepReport = { requeued: 0, scheduled: 0, orphansDeleted: 0 };

  // Candidates idle for at least the shortest allowed timeout; each library's own timeout decides.
  const stuck = await stuckPhotos(env.DB, now - 30_000, 1000);
  const byLibrary = Map.groupBy(stuck, (p) => p.libraryId);
  for (const [libraryId, photos] of byLibrary) {
    const { stageTimeoutSeconds } = await getSettings(env.DB, libraryId, env);
    const ids = photos.filter((p) => p.updatedAt < now - stageTimeoutSeconds * 1000).map((p) => p.id);
    if (!ids.length) continue;
    await releaseRunningStages(env.DB, ids, now);
    await enqueuePhotos(env, libraryId, ids, 'backfill', now);
    report.requeued += ids.length;
  }

  for (const libraryId of await librariesWithUnqueued(env.DB)) {
    const settings = await getSettings(env.DB, libraryId, env);
    // Photos and videos each have their own batch (the seed: photos at 02:00, videos at 02:30).
    report.scheduled += await scheduledBatch(env, libraryId, 'image', settings, now);
    report.scheduled += await scheduledBatch(env, libraryId, 'video', settings.videos, now);
  }
  await pruneEvents(env.DB, now - 7 * 86_400_000);
  await pruneWindows(env.DB, staleWindow(now));
  await expireAbandoned(env.DB, now);
  await reclusterDue(env, now);
  // Resumable uploads abandoned for a week: free their parts.
  await abortStaleUploads(env, now - 7 * 86_400_000);
  // R2 objects whose photo row is gone (a run that outlived its DELETE, a crash before the row).
  report.orphansDeleted = (await reconcileOrphans(env, now)).deleted;
  return report;
}

type BatchSettings = Pick<Settings, 'autoProcessOnUpload' | 'scheduledProcessing' | 'schedule' | 'batchSize'>;

/** Queues the library's waiting photos (or videos) when their batch is due; answers how many. */
async function scheduledBatch(env: Bindings, libraryId: string, kind: PhotoKind, s: BatchSettings, now: number): Promise<number> {
  if (!s.autoProcessOnUpload) {
    if (!s.scheduledProcessing || !inWindow(s.schedule, now)) return 0;
    // Once a day per kind; the video batch's day key carries the kind (one table, no schema change).
    const day = new Date(now).toISOString().slice(0, 10);
    if (!(await claimScheduledBatch(env.DB, libraryId, kind === 'image' ? day : `${day}/video`))) return 0;
  }
  // Auto-processing on (switched back on: whatever waited for a batch goes now), or the batch is due.
  const ids = await unqueuedPhotos(env.DB, libraryId, kind, s.batchSize);
  await enqueuePhotos(env, libraryId, ids, 'backfill', now);
  return ids.length;
}

/** True during the window that starts at `schedule` ("HH:MM", UTC). */
export function inWindow(schedule: string, now: number): boolean {
  const [h, m] = schedule.split(':').map(Number);
  const start = new Date(now);
  start.setUTCHours(h, m, 0, 0);
  return now >= start.getTime() && now < start.getTime() + SCHEDULE_WINDOW_MS;
}
