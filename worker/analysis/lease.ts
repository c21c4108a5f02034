// The analysis lifecycle, in one place. The stage opens once a photo has display variants (db/pipeline-stages'
// completePhoto runs openAnalysisStatements); a tab claims jobs under a lease, heartbeats it, and posts
// results (submission.ts) or a failure. A lease that expires returns the job to the pool with its attempt
// counted; after MAX_ATTEMPTS expiries the sweep fails it. A retry puts a failed analysis back.
import type { AnalysisJob, DeviceInfo } from '../contract/analysis';
import * as db from '../db/analysis';
import type { EventRow } from '../db/events';
import type { Bindings } from '../env';
import { AppError } from '../errors';
import { signedUrl } from '../media/sign';
import { variantFile } from '../storage/keys';

/** Leases that expired this many times fail the job instead of leasing it again. */
export const MAX_ATTEMPTS = 5;

/** Unexpired leases one client may hold: a tab analyses a few photos at a time, so 8 is plenty and leaves the rest to other tabs. */
export const LEASES_PER_CLIENT = 8;

/** Heartbeats keep a lease alive up to this long after its claim; a job still running then goes back to the pool. */
export const LEASE_LIFETIME_MS = 10 * 60_000;

/** How long a claim holds a job without a heartbeat (ANALYSIS_LEASE_SECONDS overrides; tests shorten it). */
const leaseMs = (env: Pick<Bindings, 'ANALYSIS_LEASE_SECONDS'>) =>
  Number(env.ANALYSIS_LEASE_SECONDS) > 0 ? Number(env.ANALYSIS_LEASE_SECONDS) * 1000 : 3 * 60_000;

const NOT_YOURS = 'This job is no longer leased to you (it expired, or another tab has it).';

/**
 * Leases up to `max` jobs to one tab, within its client's allowance (`client`: analysis/clients.ts);
 * `events` are the analysis stages now running.
 */
export async function claim(
  env: Bindings, libraryId: string, max: number, device: DeviceInfo, client: string, now: number,
): Promise<{ jobs: AnalysisJob[]; events: EventRow[] }> {
  const lease = crypto.randomUUID();
  const expiresAt = now + leaseMs(env);
  const claimed = await db.claimJobs(env.DB, libraryId, { max, device, lease, expiresAt, maxAttempts: MAX_ATTEMPTS, client, perClient: LEASES_PER_CLIENT }, now);
  const events = claimed.length ? await db.stageEvents(env.DB, libraryId, claimed.map((j) => j.photoId), now) : [];
  const jobs: AnalysisJob[] = [];
  for (const { photoId, variants, kind } of claimed) {
    const name = smallest(variants);
    if (name === null && kind === 'video') {
      // No poster yet: the tab makes it from the original (AnalysisJob.makePoster).
      jobs.push({ photoId, lease, imageUrl: await signedUrl(env, libraryId, photoId, 'original'), expiresAt: new Date(expiresAt).toISOString(), makePoster: true });
      continue;
    }
    if (name === null) continue; // deleted in between
    jobs.push({ photoId, lease, imageUrl: await signedUrl(env, libraryId, photoId, variantFile(name)), expiresAt: new Date(expiresAt).toISOString() });
  }
  return { jobs, events };
}

/** The smallest display variant is plenty for 224–768 px models and cheapest to fetch. */
function smallest(variants: Record<string, { width: number; height: number }> | null): string | null {
  const sizes = Object.entries(variants ?? {});
  if (!sizes.length) return null;
  return sizes.reduce((a, b) => (b[1].width * b[1].height < a[1].width * a[1].height ? b : a))[0];
}

/** Extends the caller's lease (never past LEASE_LIFETIME_MS after its claim); answers the new expiry. */
export async function heartbeat(env: Bindings, libraryId: string, photoId: string, lease: string, now: number): Promise<Date> {
  const expiresAt = await db.extendLease(env.DB, libraryId, photoId, lease, now + leaseMs(env), LEASE_LIFETIME_MS, now);
  if (expiresAt === null) throw new AppError('lease_conflict', NOT_YOURS);
  return new Date(expiresAt);
}

/** The tab reports a failure (the image would not decode, a model threw). */
export async function fail(env: Bindings, libraryId: string, photoId: string, lease: string, error: string, now: number): Promise<EventRow[]> {
  const events = await db.failAnalysis(env.DB, libraryId, photoId, lease, error || 'Analysis failed in the browser.', now);
  if (!events) throw new AppError('lease_conflict', 'This job is no longer leased to you.');
  return events;
}

/** Completes the stage with the tab's results if the lease is still its own. */
export async function complete(...args: Parameters<typeof db.completeAnalysis>): Promise<EventRow[]> {
  const events = await db.completeAnalysis(...args);
  if (!events) throw new AppError('lease_conflict', NOT_YOURS);
  return events;
}

/** Jobs whose leases kept expiring (a tab crashing on them, say) fail with the reason (the cron sweep). */
export function expireAbandoned(dbh: D1Database, now: number): Promise<void> {
  return db.failAbandonedAnalyses(dbh, `Analysis never finished: ${MAX_ATTEMPTS} leases expired.`, MAX_ATTEMPTS, now);
}

/** Puts a failed analysis back in the pool for the next analysis tab. */
export const retry = (dbh: D1Database, libraryId: string, photoId: string, now: number) => db.retryAnalysis(dbh, libraryId, photoId, now);
