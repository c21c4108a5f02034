// One model worker behind comlink, in the manner of Squoosh's worker bridge: the worker starts (and
// loads the models) on first use, calls run one at a time in order, aborting a call that is running
// terminates the worker (a model cannot be interrupted any other way), and a worker left idle is shut
// down, which frees the models' memory. The next call after either simply starts a fresh one.
import * as Comlink from 'comlink';
import type { Analysis, Device, ModelConfig, ModelWorkerApi, Progress, TextModel } from './protocol';

/** A worker idle this long is terminated. Reloading comes from the browser's cache, so this is cheap. */
const IDLE_MS = 120_000;

export interface BridgeSetup {
  config: ModelConfig;
  device: Device;
  /** WebAssembly threads for this worker: the lanes share the cores. */
  threads: number;
  onProgress: (p: Progress) => void;
  /** Load only this embedding model's text encoder (search), instead of every analysis model. */
  textModel?: TextModel;
  /** Load nothing up front: the worker only runs benchmark() (device.ts). */
  benchmarkOnly?: boolean;
}

/** The models could not be loaded: nothing about the photo at hand. */
export class ModelLoadError extends Error {}

interface Started {
  remote: Comlink.Remote<ModelWorkerApi>;
  loaded: Promise<{ device: Device; threads: number }>;
}

export class ModelBridge {
  private queue: Promise<unknown> = Promise.resolve();
  private worker: Worker | null = null;
  private started: Started | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Rejects the call in flight: a terminated worker never answers it. */
  private cancel: ((reason: unknown) => void) | null = null;

  constructor(private readonly setup: BridgeSetup, private readonly idleMs = IDLE_MS) {}

  /** Starts the worker and loads the models if need be; says what they run on. */
  load(signal?: AbortSignal): Promise<{ device: Device; threads: number }> {
    return this.call(signal, (s) => s.loaded);
  }

  analyse(imageUrl: string, next: string | undefined, signal?: AbortSignal): Promise<Analysis> {
    return this.call(signal, (s) => s.remote.analyse(imageUrl, next));
  }

  /** A text embedding (needs `textModel` in the setup). */
  encodeText(text: string, signal?: AbortSignal): Promise<number[]> {
    return this.call(signal, (s) => s.remote.encodeText(text));
  }

  /** The device micro-benchmark on this bridge's device (see ModelWorkerApi.benchmark). */
  benchmark(signal?: AbortSignal): Promise<number> {
    return this.call(signal, (s) => s.remote.benchmark(this.setup.config, this.setup.device, this.setup.threads));
  }

  /** The model set this bridge's worker runs: its results are named with it. */
  get models() {
    if (!this.setup.config.models) throw new Error('This bridge has no model set.');
    return this.setup.config.models;
  }

  /** Ends the worker once the calls already made are answered (the caller makes no more). */
  retire() {
    void this.queue.catch(() => {}).then(() => this.terminate());
  }

  /** Stops the worker now, failing the call in flight (queued calls start a fresh worker). */
  terminate(reason: unknown = new DOMException('The model worker was stopped.', 'AbortError')) {
    this.shutdown();
    this.cancel?.(reason);
    this.cancel = null;
  }

  private shutdown() {
    clearTimeout(this.idleTimer);
    this.worker?.terminate();
    this.worker = null;
    this.started = null;
  }

  private call<T>(signal: AbortSignal | undefined, fn: (started: Started) => Promise<T>): Promise<T> {
    const result = this.queue.catch(() => {}).then(() => this.run(signal, fn));
    this.queue = result;
    return result;
  }

  private async run<T>(signal: AbortSignal | undefined, fn: (started: Started) => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    clearTimeout(this.idleTimer);
    const stopped = new Promise<never>((_, reject) => (this.cancel = reject));
    const onAbort = () => this.terminate(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([stopped, (async () => {
        const started = this.start();
        await started.loaded;
        return fn(started);
      })()]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.cancel = null;
      if (this.worker) this.idleTimer = setTimeout(() => this.terminate(), this.idleMs);
    }
  }

  private start(): Started {
    if (!this.started) {
      const worker = new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module' });
      const remote = Comlink.wrap<ModelWorkerApi>(worker);
      const { config, device, threads, onProgress, textModel, benchmarkOnly } = this.setup;
      const load = benchmarkOnly
        ? Promise.resolve({ device, threads })
        : textModel
          ? remote.loadText(config, textModel, device, threads, Comlink.proxy(onProgress))
          : remote.load(config, device, threads, Comlink.proxy(onProgress));
      const loaded = load.catch((err: unknown) => {
        if (this.worker === worker) this.shutdown(); // a worker whose models failed is no use; the next call starts afresh
        throw new ModelLoadError(err instanceof Error ? err.message : String(err));
      });
      this.worker = worker;
      this.started = { remote, loaded };
    }
    return this.started;
  }
}
