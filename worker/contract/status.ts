// GET /api/status — the processing dashboard's data, and the polling fallback when the feed is down.
import type { BreakerState, Counts } from './feed';
import type { StageName, StageStatus } from './photo';

export interface Timing {
  count: number;
  avgMs: number | null;
  p95Ms: number | null;
}

export interface StatusResponse {
  counts: Counts;
  stages: Record<StageName, Partial<Record<StageStatus, number>>>;
  /** Photos waiting for the pipeline (pending, queued or waiting for the scheduled batch). */
  queueDepth: number;
  processing: Array<{ id: string; filename: string; stage: StageName | null; since: string }>;
  recentlyCompleted: Array<{ id: string; filename: string; thumbnail: string | null; placeholder: string | null; completedAt: string; ms: number | null }>;
  /** `retryable: false`: the file itself is bad (corrupt, unsupported): a retry cannot help. */
  recentlyFailed: Array<{ id: string; filename: string; error: string; failedAt: string; retryable: boolean }>;
  /** Over the last hour. */
  stageTimes: Record<StageName, Timing>;
  /** All stages of one photo, over the last hour. */
  photoTimes: Timing;
  throughput: {
    /** Photos completed per minute over the last 10 minutes. */
    perMinute: number;
    lastHour: number;
    /** Completed per minute for the last 30 minutes, oldest first. */
    series: number[];
  };
  /** Seconds until the backlog is done at the current rate; null when nothing is moving. */
  etaSeconds: number | null;
  /**
   * Photos whose embedding was made with another model than the library's (settings.analysis.embedding):
   * their analysis is reopened as backfill and runs again in the analysis tabs.
   */
  awaitingReanalysis: number;
  /**
   * Photos our image engine handed to the Images binding, by reason: `over_budget` (decoding would pass
   * the 64 MB wasm budget), `unsupported` (a variant the codec does not decode), `input_size` (the file is
   * over 40 MB). Only formats and sizes production's Cloudflare Images takes are handed over.
   */
  engineFallbacks: Record<string, number>;
  /** The image service's circuit breaker; the pipeline is paused unless `closed`. */
  breaker: BreakerState;
  /** The feed's latest seq: a poller can hand it to the socket when it comes back. */
  seq: number;
}
