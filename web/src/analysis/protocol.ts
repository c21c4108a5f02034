// The model worker's API, shared by both sides: bridge.ts calls it, model.worker.ts implements it. Only
// types and plain data cross; the models themselves never leave the worker.
import type { AnalysisSubmission, DeviceInfo, Face } from '../../../worker/contract/analysis';
import type { AnalysisSettings } from '../../../worker/contract/settings';

export type Device = DeviceInfo['backend'];

/**
 * Where model files come from and, for analysis, which models: the library's set (`settings.analysis`,
 * also returned with every claim), so every tab and device makes comparable results.
 */
export interface ModelConfig {
  /** 'self': this darkroom's /models/ route (files imported into R2); 'hub': a Hugging Face-style hub. */
  host: 'self' | 'hub';
  hubUrl: string;
  /** The library's model set; not needed by a text-only bridge (search). */
  models?: AnalysisSettings;
}

/** The library's embedding model (`settings.analysis.embedding`) whose text encoder search loads. */
export interface TextModel {
  id: string;
  /** The revision the index holds ("main" when absent). */
  version?: string;
}

/** Download progress of one model file. */
export interface Progress {
  file: string;
  loaded: number;
  total: number;
  done: boolean;
}

/** What the models found in one photo, with the time each step took (ms). */
export interface Analysis {
  caption?: string;
  detailedDescription?: string;
  ocrText?: string;
  embedding: AnalysisSubmission['embedding'];
  tags: NonNullable<AnalysisSubmission['tags']>;
  faces?: Face[];
  timings: Record<string, number>;
}

export interface ModelWorkerApi {
  /** Loads every model of `config.models` (once per worker); progress is reported per file. */
  /** `threads`: WebAssembly threads for this worker (used when the page is cross-origin isolated). */
  load(config: ModelConfig, device: Device, threads: number, onProgress: (p: Progress) => void): Promise<{ device: Device; threads: number }>;
  /** Loads only the text encoder of the library's embedding model (search): no vision, caption or face model. */
  loadText(config: ModelConfig, model: TextModel, device: Device, threads: number, onProgress: (p: Progress) => void): Promise<{ device: Device; threads: number }>;
  /** The L2-normalised text embedding of a query, in the same space as the photos' image embeddings. */
  encodeText(text: string): Promise<number[]>;
  /** Runs every model on a display variant, and starts fetching and decoding `next` meanwhile. */
  analyse(imageUrl: string, next?: string): Promise<Analysis>;
  /**
   * The device micro-benchmark: loads the library's image embedder alone on `device` and returns the
   * median time (ms) of a few runs on a synthetic photo, after one warm-up run.
   */
  benchmark(config: ModelConfig, device: Device, threads: number): Promise<number>;
}
