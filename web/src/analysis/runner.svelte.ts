// The analysis loop of this tab: load the models, then claim jobs (leases), analyse each photo's display
// variant in the model worker, heartbeat long jobs, and post the results. Closing the tab simply lets
// the leases expire; another tab picks the jobs up.
import type { AnalysisJob, DeviceInfo } from '../../../worker/contract/analysis';
import { errorMessage, type Api } from '../lib/api';
import { Comlink, ModelBridge } from './bridge';
import type { Device, Progress } from './model.worker';
import type { ModelConfig } from './models';

export type RunnerState = 'idle' | 'loading' | 'running' | 'paused' | 'error';

const IDLE_POLL_MS = 3_000;

export class AnalysisRunner {
  state = $state<RunnerState>('idle');
  error = $state<string | null>(null);
  device = $state<DeviceInfo | null>(null);
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

  private bridge = new ModelBridge();
  private config!: ModelConfig;
  private startedAt = 0;
  private wake: (() => void) | null = null;

  constructor(private readonly api: Pick<Api, 'claimAnalysis' | 'heartbeat' | 'postAnalysis' | 'failAnalysis'>) {}

  async start(config: ModelConfig, preferred: Device | 'auto' = 'auto') {
    if (this.state === 'running' || this.state === 'loading') return;
    this.state = 'loading';
    this.error = null;
    this.config = config;
    try {
      const device = preferred === 'auto' ? await chooseDevice() : preferred;
      const loaded = await this.bridge.api.load(config, device, Comlink.proxy((p: Progress) => {
        this.files[p.file] = { loaded: p.loaded, total: p.total, done: p.done };
      }));
      this.device = { backend: loaded.device, threads: loaded.threads, userAgent: navigator.userAgent.slice(0, 200) };
    } catch (err) {
      this.state = 'error';
      this.error = `The models could not be loaded: ${err instanceof Error ? err.message : String(err)}. Check that they are imported (npm run models:import) or that the model host is reachable.`;
      this.bridge.terminate();
      return;
    }
    this.state = 'running';
    this.startedAt = performance.now();
    void this.loop();
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
    this.state = 'idle';
    this.wake?.();
    this.bridge.terminate();
  }

  private async loop() {
    while (this.state === 'running' || this.state === 'paused') {
      if (this.state === 'paused') {
        await this.sleep(IDLE_POLL_MS);
        continue;
      }
      let jobs: AnalysisJob[] = [];
      try {
        // Two per lane: while one photo is in the models, the next is fetched and decoded.
        jobs = (await this.api.claimAnalysis(this.concurrency * 2, this.device!)).jobs;
      } catch (err) {
        this.error = errorMessage(err, 'Could not ask for work.');
      }
      if (!jobs.length) {
        await this.sleep(IDLE_POLL_MS);
        continue;
      }
      this.error = null;
      // Every claimed job is kept alive from now on, including those waiting behind the current photo.
      const heartbeats = jobs.map((job) => {
        const every = Math.max(1_000, (Date.parse(job.expiresAt) - Date.now()) / 3);
        return setInterval(() => void this.api.heartbeat(job.photoId, job.lease).catch(() => {}), every);
      });
      const lanes = Array.from({ length: this.concurrency }, (_, lane) => jobs.filter((_, i) => i % this.concurrency === lane));
      await Promise.all(lanes.map(async (lane) => {
        for (const [i, job] of lane.entries()) {
          if (this.state === 'idle') return;
          if (lane[i + 1]) void this.bridge.api.prefetch(lane[i + 1].imageUrl);
          await this.process(job);
        }
      }));
      await Promise.all(this.posting); // every result is in before the next claim
      this.posting = [];
      heartbeats.forEach(clearInterval);
    }
  }

  private posting: Promise<unknown>[] = [];

  private async process(job: AnalysisJob) {
    this.current = [...this.current, job.photoId];
    try {
      const called = performance.now();
      const result = await this.bridge.api.analyse(job.imageUrl);
      const finishedAt = performance.now();
      const roundTripMs = finishedAt - called - result.timings.totalMs;
      const entry: Record<string, number> = { ...result.timings, roundTripMs, finishedAt };
      this.history.push(entry);
      this.last = result.timings;
      // Posting runs alongside the next photo's models instead of in front of them.
      const posted = this.api
        .postAnalysis(job.photoId, {
          lease: job.lease,
          models: {
            embedding: { id: this.config.clip },
            ...(this.config.caption && { caption: { id: this.config.caption } }),
            ...(this.config.faces && { faces: { id: this.config.faces } }),
          },
          ...result,
          device: this.device!,
        })
        .then(
          () => {
            entry.postMs = performance.now() - finishedAt;
            this.done++;
          },
          async (err) => {
            this.failed++;
            const message = err instanceof Error ? err.message : String(err);
            await this.api.failAnalysis(job.photoId, job.lease, message.slice(0, 500)).catch(() => {});
          },
        );
      this.posting.push(posted);
    } catch (err) {
      if (this.state === 'idle') return; // stopped mid-job: the lease simply expires
      this.failed++;
      const message = err instanceof Error ? err.message : String(err);
      await this.api.failAnalysis(job.photoId, job.lease, message.slice(0, 500)).catch(() => {});
    } finally {
      this.current = this.current.filter((id) => id !== job.photoId);
      const minutes = (performance.now() - this.startedAt) / 60_000;
      this.perMinute = minutes > 0 ? this.done / minutes : 0;
    }
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

/**
 * WebGPU when a real adapter exists; software adapters (SwiftShader) are 20–150× slower than WASM
 * for these models, so they are only used when asked for.
 */
async function chooseDevice(): Promise<Device> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean } } | null> } }).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  return adapter && !adapter.info?.isFallbackAdapter ? 'webgpu' : 'wasm';
}
