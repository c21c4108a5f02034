// The model workers of one analysis tab: one bridge (one Web Worker with its own copy of the models) per
// lane, all on the library's model set and the chosen device, sharing the cores between them.
import type { AnalysisSettings } from '../../../worker/contract/settings';
import { ModelBridge } from './bridge';
import { configFor } from './presets';
import type { Device, ModelConfig, Progress } from './protocol';

export class ModelWorkers {
  config!: ModelConfig;
  device: Device = 'wasm';
  private bridges: ModelBridge[] = [];

  constructor(private readonly lanes: () => number, private readonly onProgress: (p: Progress) => void) {}

  /** The library's model set; workers started from now on load it. */
  use(models: AnalysisSettings) {
    this.config = configFor(models);
    // Search's text encoder takes its host from here (search/query-encoder.svelte.ts).
    localStorage.setItem('darkroom.models', JSON.stringify({ host: this.config.host, hubUrl: this.config.hubUrl }));
  }

  /** Up to 4 threads in all, shared by the lanes: two lanes on four cores get two threads each. */
  threads() {
    return Math.max(1, Math.floor(Math.min(4, navigator.hardwareConcurrency || 1) / this.lanes()));
  }

  /** The lane's worker, started (and its models loaded) on first use. */
  lane(lane: number): ModelBridge {
    return (this.bridges[lane] ??= new ModelBridge({ config: this.config, device: this.device, threads: this.threads(), onProgress: this.onProgress }));
  }

  /** New models: each worker ends once its photo in hand is done; the next photo starts a new one. */
  retire() {
    for (const bridge of this.bridges) bridge.retire();
    this.bridges = [];
  }

  /** Stops every worker now, failing its call in flight, and frees the models' memory. */
  terminate() {
    for (const bridge of this.bridges) bridge.terminate();
    this.bridges = [];
  }
}
