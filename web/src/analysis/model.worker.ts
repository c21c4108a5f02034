// The analysis models in a dedicated Web Worker, behind the comlink API of protocol.ts: the library's model
// set (config.models). Captions, detailed descriptions and OCR (models/caption.ts), CLIP embeddings and tags (models/clip.ts) and faces (models/faces.ts). The
// models are loaded once per worker and cached as a promise; inference never touches the main thread.
import { RawImage } from '@huggingface/transformers';
import * as Comlink from 'comlink';
import { benchmarkEmbedder } from './models/benchmark';
import { loadCaptioner, type Captioner } from './models/caption';
import { loadClip, loadClipText, type Clip } from './models/clip';
import { loadFaces, type FaceFinder } from './models/faces';
import { checkDims, configureRuntime, progressCallback, startedBackend, wasmThreads } from './models/runtime';
import type { Analysis, Device, ModelConfig, ModelWorkerApi, Progress } from './protocol';

interface Models {
  captioner: Captioner;
  clip: Clip;
  faces: FaceFinder;
  /** The output sizes the library's setting promises: a model answering otherwise is refused. */
  dims: { embedding: number; face: number };
  /** The shortest side photos are decoded at: the largest any of the models needs. */
  side: number;
}

let loading: Promise<Models> | undefined;
let textEncoder: Promise<(text: string) => Promise<number[]>> | undefined;
let device: Device = 'wasm';

async function loadModels(config: ModelConfig, onProgress: (p: Progress) => void): Promise<Models> {
  const m = config.models;
  if (!m) throw new Error('No model set to load.');
  const progress = progressCallback(onProgress);
  // One model at a time: the WebGPU execution provider refuses to create two sessions at once.
  const captioner = await named(m.caption.id, () => loadCaptioner(m, device, progress));
  const clip = await named(m.embedding.id, () => loadClip(m.embedding, m.tags, device, progress));
  const faces = await named(m.faces.id, () => loadFaces(config, m.faces, m.faceEmbedding, device, onProgress));
  const side = Math.max(captioner.side, clip.side, faces.side);
  return { captioner, clip, faces, dims: { embedding: m.embedding.dims, face: m.faceEmbedding.dims }, side };
}

/** A load error names the model (transformers.js names the missing file; ONNX Runtime's parse errors name nothing). */
async function named<T>(model: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(message.includes(model) ? message : `${model}: ${message}`);
  }
}

type Decoded = { image: RawImage; fetchMs: number; decodeMs: number };

// The photo in hand and the next one, fetched and decoded ahead while the models are busy.
const images = new Map<string, Promise<Decoded>>();

function fetchImage(imageUrl: string, side: number): Promise<Decoded> {
  let entry = images.get(imageUrl);
  if (!entry) {
    entry = (async () => {
      const t0 = performance.now();
      const res = await fetch(imageUrl);
      if (!res.ok) throw new Error(`The display variant could not be fetched (${res.status}).`);
      const blob = await res.blob();
      const t1 = performance.now();
      const image = await decode(blob, side);
      return { image, fetchMs: Math.round(t1 - t0), decodeMs: Math.round(performance.now() - t1) };
    })();
    images.set(imageUrl, entry);
  }
  return entry;
}

/**
 * The photo as the models take it: decoded by the browser (off this thread), scaled once so its shortest
 * side is the largest any model needs (never enlarged), as RGB. Every model's own resize then starts from
 * that, not from the display variant's full size.
 */
async function decode(blob: Blob, side: number): Promise<RawImage> {
  const bitmap = await createImageBitmap(blob);
  const scale = side > 0 ? Math.min(1, side / Math.min(bitmap.width, bitmap.height)) : 1;
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = new OffscreenCanvas(width, height).getContext('2d')!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return new RawImage(ctx.getImageData(0, 0, width, height).data, width, height, 4).rgb();
}

const api: ModelWorkerApi = {
  async load(config, d, threads, onProgress) {
    if (!loading) {
      configureRuntime(config, threads);
      device = d;
      loading = loadModels(config, onProgress);
      loading.catch(() => (loading = undefined)); // a failed load can be retried
    }
    await loading;
    return { device: startedBackend(device), threads: wasmThreads() };
  },

  async loadText(config, model, d, threads, onProgress) {
    if (!textEncoder) {
      configureRuntime(config, threads);
      device = d;
      textEncoder = named(model.id, () => loadClipText(model, device, progressCallback(onProgress)));
      textEncoder.catch(() => (textEncoder = undefined)); // a failed load can be retried
    }
    await textEncoder;
    return { device, threads: wasmThreads() };
  },

  async encodeText(text) {
    if (!textEncoder) throw new Error('The text encoder is not loaded.');
    return (await textEncoder)(text);
  },

  async analyse(imageUrl, next) {
    if (!loading) throw new Error('The models are not loaded.');
    const m = await loading;
    // Only the photo in hand and the next are kept: a job dropped in between leaves nothing behind.
    for (const url of images.keys()) if (url !== imageUrl && url !== next) images.delete(url);
    if (next) fetchImage(next, m.side).catch(() => {}); // that photo's own analyse() reports the error, if any

    const timings: Record<string, number> = {};
    const t = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      try {
        return await fn();
      } finally {
        timings[name] = Math.round(performance.now() - start);
      }
    };
    const started = performance.now();
    // Waiting here is what prefetching did not hide; the fetch and decode times themselves are reported too.
    const ready = await t('waitImageMs', () => fetchImage(imageUrl, m.side).finally(() => images.delete(imageUrl)));
    const { image } = ready;
    timings.fetchMs = ready.fetchMs;
    timings.decodeMs = ready.decodeMs;

    const text = await m.captioner.run(image, t);
    const inputs = await t('preprocessMs', () => m.clip.preprocess(image));
    const embedding = await t('embeddingMs', () => m.clip.embed(inputs));
    const tags = await t('tagsMs', async () => m.clip.tags(embedding));
    const faces = await m.faces.find(image, t);
    timings.totalMs = Math.round(performance.now() - started);
    checkDims(embedding.length, faces, m.dims);
    return { ...text, embedding: { dims: embedding.length, values: embedding }, tags, faces, timings } satisfies Analysis;
  },

  async benchmark(config, d, threads) {
    configureRuntime(config, threads);
    return benchmarkEmbedder(config.models!.embedding, d);
  },
};

Comlink.expose(api);
