// The analysis loop of this tab: load the models, then take jobs from the queue of claimed jobs
// (job-queue.ts: claimed ahead, heartbeaten), analyse each photo's display variant in a model worker, and
// post the results. Each lane of work has its own worker (bridge.ts), so "2 at a time" means two photos in
// two workers. A job whose lease is lost is dropped at once; closing the tab simply lets the leases
// expire, and another tab picks the jobs up.
import { ANALYSIS_TEXT_MAX, type AnalysisJob, type DeviceInfo } from '../../../worker/contract/analysis';
import type { AnalysisSettings } from '../../../worker/contract/settings';
import { ApiError, type Api } from '../lib/api';
import { ModelBridge, ModelLoadError } from './bridge';
import { analysisClientId } from './client-id';
import { chooseDevice, devicePreference, type DeviceChoice, type DevicePreference } from './device';
import { JobQueue } from './job-queue';
import type { Lease } from './lease';
import { ModelWorkers } from './model-workers';
import { Naps } from './naps';
import { modelsKey } from './presets';
import { submission } from './submission';
import type { Analysis } from './protocol';
import { posterForJob } from '../video/poster-jobs';

export type RunnerState = 'idle' | 'loading' | 'running' | 'paused' | 'error';

const IDLE_POLL_MS = 3_000;

export class AnalysisRunner {
  state = $state<RunnerState>('idle');
  error = $state<string | null>(null);
  device = $state<DeviceInfo | null>(null);
  /** How the device was chosen (measured, by hand, or no WebGPU), shown with it. */
  choice = $state<DeviceChoice | null>(null);
  /** The library's model set this tab runs (settings.analysis; every claim returns it). */
  models = $state<AnalysisSettings | null>(null);
  /** Model files: bytes loaded of total, per file. */
  files = $state<Record<string, { loaded: number; total: number; done: boolean }>>({});
  done = $state(0);
  failed = $state(0);
  /** Timings of the last photo, per step. */
  last = $state<Record<string, number> | null>(null);
  /** Photos per minute since Start. */
  perMinute = $state(0);
  concurrency = $state(1);
  current = $state<string[]>([]);
  /** Per-photo timings, including what happens on this thread (the worker round trip and the post). */
  history: Array<Record<string, number>> = [];
  /** When Start was pressed (performance.now()): the first photo's time includes loading the models. */
  startedLoadingAt = 0;

  private readonly workers = new ModelWorkers(
    () => this.concurrency,
    (p) => (this.files[p.file] = { loaded: p.loaded, total: p.total, done: p.done }),
  );
  private queue: JobQueue | null = null;
  private startedAt = 0;
  private readonly naps = new Naps();
  /** Bumped by every start and stop, so a loop left over from before ends instead of running twice. */
  private generation = 0;
  /** Leases are capped per client: this tab is one (see client-id.ts). */
  private readonly clientId = analysisClientId();

  constructor(private readonly api: Pick<Api, 'claimAnalysis' | 'heartbeat' | 'postAnalysis' | 'failAnalysis' | 'settings' | 'putPoster'>) {}

  /** Loads the library's models (settings.analysis) on the device chosen by `preferred`, then works. */
  async start(preferred: DevicePreference = devicePreference()) {
    if (this.state === 'running' || this.state === 'loading') return;
    const generation = ++this.generation;
    this.state = 'loading';
    this.startedLoadingAt = performance.now();
    this.error = null;
    this.files = {};
    this.terminateAll();
    try {
      this.useModels((await this.api.settings()).settings.analysis);
      this.choice = await chooseDevice(this.workers.config, this.workers.threads(), preferred);
      this.workers.device = this.choice.backend;
      const loaded = await this.workers.lane(0).load();
      this.device = { backend: loaded.device, threads: loaded.threads, ...(this.choice.adapter && { adapter: this.choice.adapter }), userAgent: navigator.userAgent.slice(0, 200) };
    } catch (err) {
      if (generation === this.generation) this.halt(err);
      return;
    }
    if (generation !== this.generation) return; // stopped while loading
    this.state = 'running';
    this.startedAt = performance.now();
    this.queue = new JobQueue({
      api: this.api,
      clientId: this.clientId,
      device: () => this.device!,
      // Two per lane: while one photo is in the models, the next is fetched and decoded.
      depth: () => this.concurrency * 2,
      // The library's models changed since Start: later photos use the new set (the workers reload).
      onModels: (models) => sameSet(models) !== sameSet(this.models!) && this.switchModels(models),
      onError: (message) => (this.error = message),
    });
    void this.loop(generation, this.queue);
  }

  pause() {
    if (this.state === 'running') this.state = 'paused';
  }

  resume() {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.naps.wakeAll();
  }

  stop() {
    this.generation++;
    this.state = 'idle';
    this.naps.wakeAll();
    this.terminateAll();
  }

  /** The library's model set: this tab's results are only accepted when made with it. */
  private useModels(models: AnalysisSettings) {
    this.models = models;
    this.workers.use(models);
  }

  /** Drops every job in hand (their leases expire) and every worker with its models. */
  private terminateAll() {
    this.queue?.abandonAll('Analysis stopped.');
    this.queue = null;
    this.workers.terminate();
  }

  /**
   * New models from the library's setting: the workers retire once their photo in hand is done (its
   * result, named with the models that made it, is refused and the job comes back); the next photo
   * loads the new set.
   */
  private switchModels(models: AnalysisSettings) {
    if (modelsKey(models) !== modelsKey(this.models!)) this.files = {};
    this.useModels(models);
    this.workers.retire();
  }

  /** The models cannot run here: say why and stop, rather than fail photos that are not at fault. */
  private halt(err: unknown) {
    this.stop();
    this.state = 'error';
    const why = err instanceof Error ? err.message : String(err);
    if ((err as Error)?.name === 'ModelShapeError') this.error = `The library's models cannot be used: ${why}`;
    else {
      this.error = `The models could not be loaded: ${why}. ${this.workers.config?.host === 'self'
        ? 'Check that they are imported (npm run models:import).'
        : 'Check the connection to the model host (huggingface.co).'} Press Retry to try again.`;
    }
  }

  /** Keeps one lane per unit of "how hard to work" going; the setting can change while running. */
  private async loop(generation: number, queue: JobQueue) {
    const lanes = new Set<number>();
    while (generation === this.generation) {
      for (let lane = 0; lane < this.concurrency; lane++) {
        if (lanes.has(lane)) continue;
        lanes.add(lane);
        void this.lane(generation, lane, queue).finally(() => lanes.delete(lane));
      }
      await this.naps.sleep(IDLE_POLL_MS);
    }
  }

  private async lane(generation: number, lane: number, queue: JobQueue) {
    const live = () => generation === this.generation;
    while (live() && lane < this.concurrency) {
      if (this.state === 'paused') {
        await this.naps.sleep(IDLE_POLL_MS);
        continue;
      }
      const lease = await queue.take();
      if (!live()) return; // stopped meanwhile: every lease was dropped
      if (!lease) {
        await this.naps.sleep(IDLE_POLL_MS);
        continue;
      }
      const next = queue.peek();
      await this.process(this.workers.lane(lane), lease, queue, next?.makePoster ? undefined : next?.imageUrl);
    }
  }

  private async process(bridge: ModelBridge, lease: Lease, queue: JobQueue, next: string | undefined) {
    const { job } = lease;
    let posting = false;
    this.current = [...this.current, job.photoId];
    try {
      if (job.makePoster) {
        // A video without a poster (video/poster-jobs.ts): the job comes back on the poster's variant.
        return await posterForJob(this.api, job, lease.signal);
      }
      const called = performance.now();
      const result = await bridge.analyse(job.imageUrl, next, lease.signal);
      const finishedAt = performance.now();
      const entry: Record<string, number> = { ...result.timings, roundTripMs: finishedAt - called - result.timings.totalMs, finishedAt };
      this.history.push(entry);
      this.last = result.timings;
      // Posting runs alongside the next photo's models instead of in front of them. The lease keeps
      // beating until the post is answered: a slow post (faces joining people) must not outlive it.
      posting = true;
      void this.post(lease, queue, bridge.models, result, entry);
    } catch (err) {
      if (lease.signal.aborted) return; // stopped, or the lease was lost: the job is no longer ours
      // The photo is not at fault: its lease simply expires.
      if (err instanceof ModelLoadError || (err as Error)?.name === 'ModelShapeError') return this.halt(err);
      await this.reportFailure(job, err);
    } finally {
      if (!posting) queue.release(lease);
      this.current = this.current.filter((id) => id !== job.photoId);
      const minutes = (performance.now() - this.startedAt) / 60_000;
      this.perMinute = minutes > 0 ? this.done / minutes : 0;
    }
  }

  /** Posts one photo's results, named with the models that made them. */
  private async post(lease: Lease, queue: JobQueue, models: AnalysisSettings, result: Analysis, entry: Record<string, number>) {
    const { job } = lease;
    try {
      await this.api.postAnalysis(job.photoId, submission(job.lease, models, result, this.device!));
      entry.postMs = performance.now() - entry.finishedAt;
      this.done++;
    } catch (err) {
      // Another tab has the job now, or the library's models changed under it: the job comes back.
      if (err instanceof ApiError && (err.code === 'lease_conflict' || err.code === 'model_mismatch')) {
        console.warn(`Analysis of ${job.photoId} was not kept: ${err.message}`);
        return;
      }
      await this.reportFailure(job, err);
    } finally {
      queue.release(lease);
    }
  }

  private async reportFailure(job: AnalysisJob, err: unknown) {
    this.failed++;
    const message = err instanceof Error ? err.message : String(err);
    // If this does not get through either, the lease expires and another claim retries the photo.
    await this.api.failAnalysis(job.photoId, job.lease, message.slice(0, ANALYSIS_TEXT_MAX)).catch(() => {});
  }
}

/** Everything about a model set that changes results, in a fixed order (JSON key order is not). */
const sameSet = (m: AnalysisSettings) => [m.modelHost, modelsKey(m), m.detailedDescription, m.ocr, m.tags.join('\n')].join('\n');
