// Turns typed words into a CLIP text embedding in the browser, in a model worker of its own (bridge.ts),
// so search needs no server GPU. The first use downloads the text encoder (progress shown); the browser
// caches the files, and the worker keeps the model until it has been idle for a while.
import { ModelBridge } from '../analysis/bridge';
import { PRESETS } from '../analysis/presets';
import type { ModelConfig } from '../analysis/protocol';
import type { Photo } from '../../../worker/contract/photo';

export type EncoderState = 'idle' | 'loading' | 'ready' | 'error';

/** Recent queries' vectors: going back and forth between searches does not run the model again. */
const CACHE_SIZE = 50;

/** Where model files come from: the analysis tab's last choice of host, else this darkroom's /models/. */
function modelHost(): ModelConfig {
  try {
    const stored = localStorage.getItem('darkroom.models');
    if (stored) return { ...PRESETS.default, ...(JSON.parse(stored) as Partial<ModelConfig>) };
  } catch {
    // a malformed stored choice: fall back to the defaults below
  }
  return PRESETS.default;
}

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

export class QueryEncoder {
  state = $state<EncoderState>('idle');
  error = $state<string | null>(null);
  /** Model files being downloaded: bytes loaded of total. */
  files = $state<Record<string, { loaded: number; total: number; done: boolean }>>({});
  private bridge: ModelBridge | null = null;
  private model: string | null = null;
  private cache = new Map<string, number[]>();

  /** Overall download progress 0–1 while loading, for one progress bar. */
  get progress(): number {
    const all = Object.values(this.files);
    const total = all.reduce((n, f) => n + f.total, 0);
    return total ? all.reduce((n, f) => n + f.loaded, 0) / total : 0;
  }

  /** Not abortable on purpose: aborting would terminate the worker and its model; a stale answer is simply ignored by the caller. */
  async encode(model: string, text: string): Promise<number[]> {
    const key = `${model}\n${text}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    if (this.model !== model) {
      this.bridge?.terminate();
      this.model = model;
      this.files = {};
      this.bridge = new ModelBridge({
        config: modelHost(),
        device: 'wasm', // a dozen tokens: WASM answers in milliseconds and leaves the GPU to the analysis
        threads: 1,
        textModel: model,
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
    this.model = null;
  }
}
