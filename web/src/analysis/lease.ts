// One claimed job, for as long as this tab holds it. Heartbeats keep the lease alive; a heartbeat
// answered with `lease_conflict` (the lease expired, or another tab has the job now) abandons the job
// at once: its model call is aborted and nothing is posted for it.
import type { AnalysisJob } from '../../../worker/contract/analysis';
import { ApiError, type Api } from '../lib/api';

export class Lease {
  private readonly ctrl = new AbortController();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(readonly job: AnalysisJob, private readonly api: Pick<Api, 'heartbeat'>) {
    // Five beats per lease: a lost beat, or a server slow to answer one, never costs the job.
    const every = Math.max(1_000, (Date.parse(job.expiresAt) - Date.now()) / 5);
    this.timer = setInterval(() => void this.beat(), every);
  }

  /** Aborted when the job is abandoned: the lease was lost, or the runner stopped. */
  get signal(): AbortSignal {
    return this.ctrl.signal;
  }

  /** Stops the heartbeats and aborts the job's work. */
  abandon(reason: string) {
    clearInterval(this.timer);
    if (!this.signal.aborted) this.ctrl.abort(new DOMException(reason, 'AbortError'));
  }

  /** The result is posted (or the job is dropped): no more heartbeats. */
  release() {
    clearInterval(this.timer);
  }

  private async beat() {
    try {
      await this.api.heartbeat(this.job.photoId, this.job.lease);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'lease_conflict') this.abandon('This job is no longer leased to this tab.');
      // Anything else (offline, a 5xx) is let pass: the lease is ours until it expires, and the next
      // beat may get through.
    }
  }
}
