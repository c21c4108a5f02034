// Turns typed words into a text embedding in the browser, in a model worker of its own (bridge.ts), so
// search needs no server GPU. The model is the library's embedding model (`settings.analysis.embedding`,
// or the one the analysed photos name) from the library's model host (`settings.analysis.modelHost`),
// like the analysis tab's: a query lands in the space of the photos' image embeddings. The first use
// downloads the text encoder (progress shown); the browser caches the files, and the worker keeps the
// model until it has been idle for a while. A model that cannot be loaded ends in the 'error' state
// with its message (search then matches the words as text).
import { ModelBridge } from '../analysis/bridge';
import { HUB_URL } from '../analysis/presets';
import type { ModelConfig } from '../analysis/protocol';
import type { Photo } from '../../../worker/contract/photo';
import type { AnalysisSettings } from '../../../worker/contract/settings';

export type EncoderState = 'idle' | 'loading' | 'ready' | 'error';

/** Recent queries' vectors: going back and forth between searches does not run the model again. */
const CACHE_SIZE = 50;

export interface ModelRef { id: string; version?: string }

/**
 * The library's embedding model: the one that made the analysed photos at hand (what the index holds),
 * else the server's setting (`analysis.embedding`). Null when neither is known: search falls back to text.
 */
export function libraryModel(settings: unknown, photos: readonly Photo[]): ModelRef | null {
  for (const photo of photos) {
    const m = photo.analysis?.models?.embedding;
    if (m?.id) return { id: m.id, ...(m.version && { version: m.version }) };
  }
  const setting = (settings as { analysis?: { embedding?: { id?: unknown; version?: unknown } } } | null)?.analysis?.embedding;
  if (typeof setting?.id === 'string') return { id: setting.id, ...(typeof setting.version === 'string' && { version: setting.version }) };
  return null;
}

/** Where the library's model files come from, as the analysis tab's worker is configured (presets.ts configFor). */
const hostConfig = (host: AnalysisSettings['modelHost']): ModelConfig => ({ host: host === 'self' ? 'self' : 'hub', hubUrl: HUB_URL });

export class QueryEncoder {
  state = $state<EncoderState>('idle');
  error = $state<string | null>(null);
  /** Model files being downloaded: bytes loaded of total. */
  files = $state<Record<string, { loaded: number; total: number; done: boolean }>>({});
  private bridge: ModelBridge | null = null;
  /** The model and host the bridge loads, as a key: another model or host starts another bridge. */
  private loaded: string | null = null;
  private cache = new Map<string, number[]>();

  /** `modelHost`: the library's `settings.analysis.modelHost`, read at each encode (the setting may change). */
  constructor(private readonly modelHost: () => AnalysisSettings['modelHost']) {}

  /** Overall download progress 0–1 while loading, for one progress bar. */
  get progress(): number {
    const all = Object.values(this.files);
    const total = all.reduce((n, f) => n + f.total, 0);
    return total ? all.reduce((n, f) => n + f.loaded, 0) / total : 0;
  }

  /** Not abortable on purpose: aborting would terminate the worker and its model; a stale answer is simply ignored by the caller. */
  async encode(model: ModelRef, text: string): Promise<number[]> {
    const config = hostConfig(this.modelHost());
    const loads = `${config.host}\n${model.id}\n${model.version ?? ''}`;
    const key = `${loads}\n${text}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    if (this.loaded !== loads) {
      this.bridge?.terminate();
      this.loaded = loads;
      this.files = {};
      this.bridge = new ModelBridge({
        config,
        device: 'wasm', // a dozen tokens: WASM answers in milliseconds and leaves the GPU to the analysis
        threads: 1,
        textModel: { id: model.id, ...(model.version && { version: model.version }) },
        onProgress: (p) => (this.files[p.file] = { loaded: p.loaded, total: p.total, done: p.done }),
      });
    }
    if (this.state !== 'ready') this.state = 'loading';
    try {
      const vector = await this.bridge!.encodeText(text);
      this.state = 'ready';
      this.error = null;
      this.cache.set(key, vector);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      return vector;
    } catch (err) {
      if ((err as Error)?.name !== 'AbortError') {
        this.state = 'error';
        this.error = err instanceof Error ? err.message : String(err);
      }
      throw err;
    }
  }

  close() {
    this.bridge?.terminate();
    this.bridge = null;
    this.loaded = null;
  }
}
