// GET /api/status — counts, what is processing, recent results, timings, throughput and an ETA.
import { Hono } from 'hono';
import { ALL_STAGES, type StageName } from '../contract/photo';
import type { StatusResponse, Timing } from '../contract/status';
import { awaitingReanalysis } from '../analysis/model-change';
import { modelKey } from '../contract/analysis-models';
import { fallbackCounts } from '../db/engine-fallbacks';
import { countsFor, latestSeq } from '../db/events';
import { getSettings } from '../db/settings';
import * as q from '../db/status';
import { readBreakerState } from '../pipeline/breaker';
import type { AppEnv } from '../env';
import { signedUrl } from '../media/sign';
import { thumbnailFile } from '../storage/keys';

const HOUR = 3_600_000;
const MINUTE = 60_000;

function timing(values: number[]): Timing {
  if (!values.length) return { count: 0, avgMs: null, p95Ms: null };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: values.length,
    avgMs: Math.round(values.reduce((a, b) => a + b, 0) / values.length),
    p95Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)],
  };
}

export const status = new Hono<AppEnv>().get('/', async (c) => {
  const { DB } = c.env;
  const lib = c.var.libraryId;
  const now = Date.now();
  const { embedding } = (await getSettings(DB, lib, c.env)).analysis;
  const [counts, stageRows, processing, completed, failed, timings, finishedAt, { latest }, breaker, reanalysis, engineFallbacks] = await Promise.all([
    countsFor(DB, lib), q.stageCounts(DB, lib), q.processingNow(DB, lib), q.recentlyFinished(DB, lib, 'completed', 12),
    q.recentlyFinished(DB, lib, 'failed', 20), q.stageTimings(DB, lib, now - HOUR), q.completedSince(DB, lib, now - HOUR), latestSeq(DB, lib),
    readBreakerState(c.env), awaitingReanalysis(DB, lib, modelKey(embedding)), fallbackCounts(DB, lib),
  ]);

  const stages = Object.fromEntries(ALL_STAGES.map((s) => [s, {}])) as StatusResponse['stages'];
  for (const r of stageRows) if (r.stage in stages) stages[r.stage][r.status] = r.n;

  const perStage = new Map<StageName, number[]>(ALL_STAGES.map((s) => [s, []]));
  const perPhoto = new Map<string, number>();
  for (const t of timings) {
    perStage.get(t.stage)?.push(t.ms);
    perPhoto.set(t.photo_id, (perPhoto.get(t.photo_id) ?? 0) + t.ms);
  }

  const series = Array.from({ length: 30 }, (_, i) => finishedAt.filter((at) => at > now - (30 - i) * MINUTE && at <= now - (29 - i) * MINUTE).length);
  const lastTen = finishedAt.filter((at) => at > now - 10 * MINUTE).length;
  const perMinute = lastTen / 10;
  const backlog = counts.pending + counts.processing;

  const smallest = (json: string | null) => {
    const sizes = Object.keys(json ? JSON.parse(json) : {}).map(Number).sort((a, b) => a - b);
    return sizes.length ? thumbnailFile(sizes[Math.min(1, sizes.length - 1)]) : null;
  };
  const body: StatusResponse = {
    counts,
    stages,
    queueDepth: counts.pending,
    processing: processing.map((p) => ({ id: p.id, filename: p.filename, stage: p.stage, since: new Date(p.updated_at).toISOString() })),
    recentlyCompleted: await Promise.all(
      completed.map(async (p) => {
        const file = smallest(p.thumbnails);
        return {
          id: p.id, filename: p.filename, placeholder: p.placeholder, ms: p.ms,
          thumbnail: file ? await signedUrl(c.env, lib, p.id, file) : null,
          completedAt: new Date(p.updated_at).toISOString(),
        };
      }),
    ),
    recentlyFailed: failed.map((p) => ({ id: p.id, filename: p.filename, error: p.error ?? 'Failed.', failedAt: new Date(p.updated_at).toISOString(), retryable: p.retryable !== 0 })),
    stageTimes: Object.fromEntries([...perStage].map(([s, ms]) => [s, timing(ms)])) as StatusResponse['stageTimes'],
    photoTimes: timing([...perPhoto.values()]),
    throughput: { perMinute, lastHour: finishedAt.length, series },
    etaSeconds: backlog === 0 ? 0 : perMinute > 0 ? Math.round((backlog / perMinute) * 60) : null,
    awaitingReanalysis: reanalysis,
    breaker,
    engineFallbacks,
    seq: latest,
  };
  return c.json(body);
});
