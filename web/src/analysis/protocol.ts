// The model worker's API, shared by both sides: bridge.ts calls it, model.worker.ts implements it. Only
// types and plain data cross; the models themselves never leave the worker.
import type { AnalysisSubmission, DeviceInfo, Face } from '../../../worker/contract/analysis';

export type Device = DeviceInfo['backend'];

/** Which models the analysis tab runs, and where their files come from. Every model is configurable by id. */
export interface ModelConfig {
  /** 'self': this darkroom's /models/ route (files imported into R2); 'hub': a Hugging Face-style hub. */
  host: 'self' | 'hub';
  hubUrl: string;
  /** transformers.js image-to-text model ('' skips captions). */
  caption: string;
  /** CLIP model: image embeddings, and text embeddings of the tag vocabulary for zero-shot tags. */
  clip: string;
  /** Folder with face_config.json, a face detector and a face embedder, run with onnxruntime-web ('' skips faces). */
  faces: string;
  /** Labels for zero-shot tagging, scored against the image as "a photo of <label>". */
  tags: string[];
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
  embedding: AnalysisSubmission['embedding'];
  tags: NonNullable<AnalysisSubmission['tags']>;
  faces?: Face[];
  timings: Record<string, number>;
}

export interface ModelWorkerApi {
  /** Loads every model (once per worker); progress is reported per file. */
  /** `threads`: WebAssembly threads for this worker (used when the page is cross-origin isolated). */
  load(config: ModelConfig, device: Device, threads: number, onProgress: (p: Progress) => void): Promise<{ device: Device; threads: number }>;
  /** Loads only a CLIP text encoder (search): no vision, caption or face model. */
  loadText(config: ModelConfig, model: string, device: Device, threads: number, onProgress: (p: Progress) => void): Promise<{ device: Device; threads: number }>;
  /** The L2-normalised text embedding of a query, in the same space as the photos' image embeddings. */
  encodeText(text: string): Promise<number[]>;
  /** Runs every model on a display variant, and starts fetching and decoding `next` meanwhile. */
  analyse(imageUrl: string, next?: string): Promise<Analysis>;
}
