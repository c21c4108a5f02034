// The analysis loop of this tab: load the models, then claim jobs (leases), analyse each photo's display
// variant in a model worker, and post the results. Each lane of work has its own worker (bridge.ts), so
// "2 at a time" means two photos in two workers. A job whose lease is lost is dropped at once; closing
// the tab simply lets the leases expire, and another tab picks the jobs up.
import { ANALYSIS_TEXT_MAX, type AnalysisJob, type DeviceInfo } from '../../../worker/contract/analysis';
import type { AnalysisSettings } from '../../../worker/contract/settings';
import { ApiError, errorMessage, type Api } from '../lib/api';
import { ModelBridge, ModelLoadError } from './bridge';
import { analysisClientId } from './client-id';
import { chooseDevice, devicePreference, type DeviceChoice, type DevicePreference } from './device';
import { Lease } from './lease';
import { configFor, modelsKey } from './presets';
import { submission } from './submission';
import type { Analysis, Device, ModelConfig } from './protocol';
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

  /** One bridge (one worker) per lane, started on first use. */
  private bridges: ModelBridge[] = [];
  private leases = new Set<Lease>();
  private posting: Promise<unknown>[] = [];
  private config!: ModelConfig;
  private backend: Device = 'wasm';
  private startedAt = 0;
  private wake: (() => void) | null = null;
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
      this.choice = await chooseDevice(this.config, this.threads(), preferred);
      this.backend = this.choice.backend;
      const loaded = await this.bridge(0).load();
      this.device = { backend: loaded.device, threads: loaded.threads, ...(this.choice.adapter && { adapter: this.choice.adapter }), userAgent: navigator.userAgent.slice(0, 200) };
    } catch (err) {
      if (generation === this.generation) this.halt(err);
      return;
    }
    if (generation !== this.generation) return; // stopped while loading
    this.state = 'running';
    this.startedAt = performance.now();
    void this.loop(generation);
  }

  pause() {
    if (this.state === 'running') this.state = 'paused';
  }

  resume() {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.wake?.();
  }

  stop() {
    this.generation++;
    this.state = 'idle';
    this.wake?.();
    this.terminateAll();
  }

  /** The library's model set: this tab's results are only accepted when made with it. */
  private useModels(models: AnalysisSettings) {
    this.models = models;
    this.config = configFor(models);
    // Search's text encoder takes its host from here (search/query-encoder.svelte.ts).
    localStorage.setItem('darkroom.models', JSON.stringify({ host: this.config.host, hubUrl: this.config.hubUrl }));
  }

  /** Up to 4 threads in all, shared by the lanes: two lanes on four cores get two threads each. */
  private threads() {
    return Math.max(1, Math.floor(Math.min(4, navigator.hardwareConcurrency || 1) / this.concurrency));
  }

  private bridge(lane: number): ModelBridge {
    return (this.bridges[lane] ??= new ModelBridge({
      config: this.config,
      device: this.backend,
      threads: this.threads(),
      onProgress: (p) => (this.files[p.file] = { loaded: p.loaded, total: p.total, done: p.done }),
    }));
  }

  /** Drops every job in hand (their leases expire) and every worker with its models. */
  private terminateAll() {
    for (const lease of this.leases) lease.abandon('Analysis stopped.');
    this.leases.clear();
    for (const bridge of this.bridges) bridge.terminate();
    this.bridges = [];
  }

  /** New models from the library's setting: drop the workers (not the jobs); the next photo loads them. */
  private switchModels(models: AnalysisSettings) {
    if (modelsKey(models) !== modelsKey(this.models!)) this.files = {};
    this.useModels(models);
    for (const bridge of this.bridges) bridge.terminate();
    this.bridges = [];
  }

  /** The models cannot run here: say why and stop, rather than fail photos that are not at fault. */
  private halt(err: unknown) {
    this.stop();
    this.state = 'error';
    const why = err instanceof Error ? err.message : String(err);
    if ((err as Error)?.name === 'ModelShapeError') this.error = `The library's models cannot be used: ${why}`;
    else {
      this.error = `The models could not be loaded: ${why}. ${this.config?.host === 'self'
        ? 'Check that they are imported (npm run models:import).'
        : 'Check the connection to the model host (huggingface.co).'} Press Retry to try again.`;
    }
  }

  private async loop(generation: number) {
    const live = () => generation === this.generation;
    while (live() && (this.state === 'running' || this.state === 'paused')) {
      if (this.state === 'paused') {
        await this.sleep(IDLE_POLL_MS);
        continue;
      }
      let jobs: AnalysisJob[] = [];
      try {
        // Two per lane: while one photo is in the models, the next is fetched and decoded.
        const claim = await this.api.claimAnalysis(this.concurrency * 2, this.device!, this.clientId);
        jobs = claim.jobs;
        // The library's models changed since Start: later photos use the new set (the workers reload).
        if (claim.models && sameSet(claim.models) !== sameSet(this.models!)) this.switchModels(claim.models);
      } catch (err) {
        this.error = errorMessage(err, 'Could not ask for work.');
      }
      if (!live()) return;
      if (!jobs.length) {
        await this.sleep(IDLE_POLL_MS);
        continue;
      }
      this.error = null;
      // Every claimed job is kept alive from now on, including those waiting behind the current photo.
      const leases = jobs.map((job) => new Lease(job, this.api));
      for (const lease of leases) this.leases.add(lease);
      const lanes = this.concurrency;
      await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
        const mine = leases.filter((_, i) => i % lanes === lane);
        for (const [i, lease] of mine.entries()) {
          if (!live()) return;
          await this.process(this.bridge(lane), lease, mine[i + 1]?.job.makePoster ? undefined : mine[i + 1]?.job.imageUrl);
        }
      }));
      await Promise.all(this.posting); // every result is in before the next claim
      this.posting = [];
      for (const lease of leases) {
        lease.release();
        this.leases.delete(lease);
      }
    }
  }

  private async process(bridge: ModelBridge, lease: Lease, next: string | undefined) {
    const { job } = lease;
    if (lease.signal.aborted) return; // lost while it waited its turn
    this.current = [...this.current, job.photoId];
    try {
      if (job.makePoster) {
        // A video without a poster (video/poster-jobs.ts): the job comes back on the poster's variant.
        await posterForJob(this.api, job, lease.signal);
        return lease.release();
      }
      const called = performance.now();
      const result = await bridge.analyse(job.imageUrl, next, lease.signal);
      const finishedAt = performance.now();
      const entry: Record<string, number> = { ...result.timings, roundTripMs: finishedAt - called - result.timings.totalMs, finishedAt };
      this.history.push(entry);
      this.last = result.timings;
      // Posting runs alongside the next photo's models instead of in front of them. The lease keeps
      // beating until the post is answered: a slow post (faces joining people) must not outlive it.
      this.posting.push(this.post(lease, result, entry));
    } catch (err) {
      if (lease.signal.aborted) return; // stopped, or the lease was lost: the job is no longer ours
      // The photo is not at fault: its lease simply expires.
      if (err instanceof ModelLoadError || (err as Error)?.name === 'ModelShapeError') return this.halt(err);
      await this.reportFailure(job, err);
    } finally {
      this.current = this.current.filter((id) => id !== job.photoId);
      const minutes = (performance.now() - this.startedAt) / 60_000;
      this.perMinute = minutes > 0 ? this.done / minutes : 0;
    }
  }

  private async post(lease: Lease, result: Analysis, entry: Record<string, number>) {
    const { job } = lease;
    try {
      await this.api.postAnalysis(job.photoId, submission(job.lease, this.models!, result, this.device!));
      entry.postMs = performance.now() - entry.finishedAt;
      this.done++;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'lease_conflict') {
        console.warn(`Analysis of ${job.photoId} was not kept: ${err.message}`); // another tab has the job now
        return;
      }
      await this.reportFailure(job, err);
    } finally {
      lease.release();
    }
  }

  private async reportFailure(job: AnalysisJob, err: unknown) {
    this.failed++;
    const message = err instanceof Error ? err.message : String(err);
    // If this does not get through either, the lease expires and another claim retries the photo.
    await this.api.failAnalysis(job.photoId, job.lease, message.slice(0, ANALYSIS_TEXT_MAX)).catch(() => {});
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Everything about a model set that changes results, in a fixed order (JSON key order is not). */
const sameSet = (m: AnalysisSettings) => [m.modelHost, modelsKey(m), m.detailedDescription, m.ocr, m.tags.join('\n')].join('\n');
