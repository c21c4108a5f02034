// The jobs this tab holds: claimed ahead of the models, so a photo never waits for a claim. Each time a
// lane takes a job, the queue is topped up in the background, so the job after the one in the models is
// already known when it starts, and its photo is fetched and decoded meanwhile (bridge.analyse's `next`).
// Each claimed job is kept alive (lease.ts) until its result is posted or it is dropped.
import type { AnalysisJob, ClaimResponse, DeviceInfo } from '../../../worker/contract/analysis';
import type { AnalysisSettings } from '../../../worker/contract/settings';
import { errorMessage, type Api } from '../lib/api';
import { Lease } from './lease';

export interface QueueSetup {
  api: Pick<Api, 'claimAnalysis' | 'heartbeat'>;
  clientId: string;
  device: () => DeviceInfo;
  /** Jobs to hold waiting: two per lane, so each lane's next photo is known while one is in the models. */
  depth: () => number;
  /** Every claim says the library's model set; the runner switches when it changed. */
  onModels: (models: AnalysisSettings) => void;
  /** A claim that failed (offline, 429…): said, and retried by the next take(). */
  onError: (message: string | null) => void;
}

export class JobQueue {
  private waiting: Lease[] = [];
  /** Every lease not yet released: waiting, in the models, or being posted. */
  private readonly held = new Set<Lease>();
  private claiming: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly setup: QueueSetup) {}

  /**
   * The next job, or null when the library has nothing pending. Taking one claims more in the background;
   * only an empty queue waits for the claim.
   */
  async take(): Promise<Lease | null> {
    while (!this.stopped) {
      const lease = this.waiting.shift();
      if (lease?.signal.aborted) continue; // lost while it waited (another tab has it)
      if (this.waiting.length < this.setup.depth()) void this.refill(); // topped up while this one runs
      if (lease) return lease;
      await this.refill();
      if (!this.waiting.length) return null;
    }
    return null;
  }

  /** The job after the ones in hand, whose photo can be fetched while the models are busy. */
  peek(): AnalysisJob | undefined {
    return this.waiting.find((l) => !l.signal.aborted)?.job;
  }

  /** The job's result is in (or it was dropped): its heartbeats stop. */
  release(lease: Lease) {
    lease.release();
    this.held.delete(lease);
  }

  /** Drops every job held: their work is aborted and their leases expire for another tab to take. */
  abandonAll(reason: string) {
    this.stopped = true;
    for (const lease of this.held) lease.abandon(reason);
    this.held.clear();
    this.waiting = [];
  }

  /** One claim at a time, topping the queue up to its depth. */
  private refill(): Promise<void> {
    return (this.claiming ??= this.claim().finally(() => (this.claiming = null)));
  }

  private async claim() {
    const want = this.setup.depth() - this.waiting.length;
    if (want <= 0 || this.stopped) return;
    let claim: ClaimResponse;
    try {
      claim = await this.setup.api.claimAnalysis(want, this.setup.device(), this.setup.clientId);
    } catch (err) {
      if (!this.stopped) this.setup.onError(errorMessage(err, 'Could not ask for work.'));
      return;
    }
    if (this.stopped) return; // its leases simply expire
    this.setup.onError(null);
    if (claim.models) this.setup.onModels(claim.models);
    for (const job of claim.jobs) {
      const lease = new Lease(job, this.setup.api);
      this.held.add(lease);
      this.waiting.push(lease);
    }
  }
}
