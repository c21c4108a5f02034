// The runtimes under the models, configured once per worker: where transformers.js finds model files,
// where ONNX Runtime finds its WASM build (our own /models/ route, never a CDN), and how many threads.
//
// Stable API, shared with other model users (export studio): call `configureRuntime(config, threads)`
// once in a worker before loading anything; then load transformers.js models by id (they resolve on
// config.host) with `progressCallback(onProgress)`, or fetch other files at `modelFileUrl(config, id,
// file)`. `wasmThreads()` says how many WASM threads ORT got; `l2normalize` normalises an embedding.
import { env, type ProgressInfo } from '@huggingface/transformers';
import type { Face } from '../../../../worker/contract/analysis';
import type { ModelConfig, Progress } from '../protocol';
import { namedFetch } from './named-fetch';

export function configureRuntime(config: ModelConfig, threads: number) {
  const origin = self.location.origin;
  if (config.host === 'self') {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = '/models/'; // a path, not a URL: transformers.js skips local checks for http(s) paths
  } else {
    // The Hugging Face hub (or a mirror of it), fetched by this browser: model files only, never photos.
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    env.remoteHost = config.hubUrl;
    env.remotePathTemplate = '{model}/resolve/{revision}/';
  }
  env.useBrowserCache = true; // model files are cached by the browser after the first download
  env.fetch = namedFetch(globalThis.fetch.bind(globalThis));
  env.backends.onnx.wasm!.wasmPaths = {
    mjs: `${origin}/models/_ort/ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${origin}/models/_ort/ort-wasm-simd-threaded.asyncify.wasm`,
  };
  env.backends.onnx.wasm!.numThreads = self.crossOriginIsolated ? Math.max(1, threads) : 1; // threads need SharedArrayBuffer
}

export const wasmThreads = () => env.backends.onnx.wasm!.numThreads ?? 1;

/**
 * The backend ONNX Runtime really started, not the one we asked for: its WebGPU execution provider puts
 * the GPUDevice it created on `env.webgpu.device` when its first session is made, so a load that asked
 * for WebGPU and has no device there did not run on it.
 */
export function startedBackend(requested: 'webgpu' | 'wasm'): 'webgpu' | 'wasm' {
  if (requested === 'wasm') return 'wasm';
  const webgpu = env.backends.onnx.webgpu as { device?: unknown } | undefined;
  if (!webgpu?.device) throw new Error('WebGPU was chosen, but ONNX Runtime did not start a WebGPU device.');
  return 'webgpu';
}

/** transformers.js reports progress per file in its own shape; the page wants ours. */
export function progressCallback(onProgress: (p: Progress) => void) {
  return (p: ProgressInfo) => {
    if (p.status === 'progress') onProgress({ file: `${p.name}/${p.file}`, loaded: p.loaded, total: p.total, done: false });
    if (p.status === 'done') onProgress({ file: `${p.name}/${p.file}`, loaded: 1, total: 1, done: true });
  };
}

/** A model file's URL on the configured host, for the models loaded without transformers.js. */
export function modelFileUrl(config: ModelConfig, model: string, file: string): string {
  return config.host === 'self' ? `${self.location.origin}/models/${model}/${file}` : `${config.hubUrl}${model}/resolve/main/${file}`;
}

/** Times one step of a photo's analysis under its name (ms). */
export type Timer = <T>(step: string, fn: () => Promise<T>) => Promise<T>;

/**
 * The shortest side, in pixels, a photo needs for a transformers.js processor (or image processor): its
 * resize target (`size` as height/width or shortest_edge) or crop, whichever is larger.
 */
export function processorSide(processor: unknown): number {
  const p = processor as { image_processor?: { config?: Record<string, unknown> }; config?: Record<string, unknown> };
  const config = p.image_processor?.config ?? p.config ?? (processor as Record<string, unknown>);
  const sides = [config.size, config.crop_size].flatMap((s) => {
    if (typeof s === 'number') return [s];
    const { height, width, shortest_edge } = (s ?? {}) as Record<string, unknown>;
    return [height, width, shortest_edge].filter((v): v is number => typeof v === 'number');
  });
  return Math.max(0, ...sides);
}

export function l2normalize(v: Float32Array): number[] {
  const norm = Math.hypot(...v) || 1;
  return Array.from(v, (x) => x / norm);
}

/** The library's setting promises output sizes; a model answering otherwise is refused before anything is posted. */
export function checkDims(embedding: number, faces: Face[], dims: { embedding: number; face: number }) {
  if (embedding !== dims.embedding) throw new ModelShapeError(`The embedding model answered ${embedding} numbers; the library's setting says ${dims.embedding}.`);
  const face = faces.find((f) => f.embedding && f.embedding.length !== dims.face);
  if (face) throw new ModelShapeError(`The face embedder answered ${face.embedding!.length} numbers; the library's setting says ${dims.face}.`);
}

/** A model whose output does not match the library's setting: no photo is at fault. */
export class ModelShapeError extends Error {
  override name = 'ModelShapeError';
}
