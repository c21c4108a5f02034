// The analysis models, in a dedicated Web Worker behind one comlink API: captioning and CLIP with
// transformers.js, faces with onnxruntime-web directly. Each model is loaded once and cached as a
// promise; inference never touches the main thread.
import {
  AutoProcessor, AutoTokenizer, CLIPTextModelWithProjection, CLIPVisionModelWithProjection, env, pipeline, RawImage,
  type ImageToTextPipeline, type PreTrainedModel, type PreTrainedTokenizer, type Processor, type ProgressInfo,
} from '@huggingface/transformers';
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';
import { decodeDetections, DETECTOR_SIZE, l2normalize, toChw } from './faces';
import { modelFileUrl, type ModelConfig } from './models';

export type Device = 'webgpu' | 'wasm';
export type Progress = { file: string; loaded: number; total: number; done: boolean };

interface Faces {
  detector: ort.InferenceSession;
  embedder: ort.InferenceSession;
  embedderInput: string;
  embedderSize: number;
}

interface Loaded {
  captioner: ImageToTextPipeline | null;
  processor: Processor;
  vision: PreTrainedModel;
  tagEmbeds: Float32Array[];
  faces: Faces | null;
}

let loading: Promise<Loaded> | undefined;
let config: ModelConfig;
let device: Device = 'wasm';

function configure(c: ModelConfig, d: Device) {
  const origin = self.location.origin;
  if (c.host === 'self') {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = '/models/'; // a path, not a URL: transformers.js skips local checks for http(s) paths
  } else {
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    env.remoteHost = c.hubUrl;
  }
  env.useBrowserCache = true; // model files are cached by the browser after the first download
  // The ONNX Runtime build comes from our own /models/ route, never from a CDN.
  env.backends.onnx.wasm!.wasmPaths = {
    mjs: `${origin}/models/_ort/ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${origin}/models/_ort/ort-wasm-simd-threaded.asyncify.wasm`,
  };
  env.backends.onnx.wasm!.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  config = c;
  device = d;
}

async function fetchBytes(url: string, onProgress: (p: Progress) => void): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load ${url} (${res.status}).`);
  const total = Number(res.headers.get('Content-Length') ?? 0);
  const bytes = new Uint8Array(await res.arrayBuffer());
  onProgress({ file: url.split('/').slice(-2).join('/'), loaded: bytes.length, total: total || bytes.length, done: true });
  return bytes;
}

async function load(onProgress: (p: Progress) => void): Promise<Loaded> {
  const progress_callback = (p: ProgressInfo) => {
    if (p.status === 'progress') onProgress({ file: `${p.name}/${p.file}`, loaded: p.loaded, total: p.total, done: false });
    if (p.status === 'done') onProgress({ file: `${p.name}/${p.file}`, loaded: 1, total: 1, done: true });
  };
  const options = { device, progress_callback };
  // One model at a time: the WebGPU execution provider refuses to create two sessions at once.
  const captioner = config.caption ? ((await pipeline('image-to-text', config.caption, options)) as ImageToTextPipeline) : null;
  const processor = await AutoProcessor.from_pretrained(config.clip, { progress_callback });
  const vision = await CLIPVisionModelWithProjection.from_pretrained(config.clip, options);
  const tokenizer = (await AutoTokenizer.from_pretrained(config.clip, { progress_callback })) as PreTrainedTokenizer;
  const textModel = await CLIPTextModelWithProjection.from_pretrained(config.clip, options);
  // Tag vocabulary: embedded once per load.
  const text = tokenizer(config.tags.map((t) => `a photo of ${t}`), { padding: true, truncation: true });
  const { text_embeds } = await textModel(text);
  const dims = text_embeds.dims[1];
  const tagEmbeds = config.tags.map((_, i) => Float32Array.from(l2normalize((text_embeds.data as Float32Array).subarray(i * dims, (i + 1) * dims))));

  return { captioner, processor, vision, tagEmbeds, faces: config.faces ? await loadFaces(onProgress) : null };
}

async function loadFaces(onProgress: (p: Progress) => void): Promise<Faces> {
  const origin = self.location.origin;
  const res = await fetch(modelFileUrl(config, config.faces, 'face_config.json', origin));
  if (!res.ok) throw new Error(`Could not load ${config.faces}/face_config.json (${res.status}).`);
  const faceConfig = await res.json();
  const providers = [device === 'webgpu' ? 'webgpu' : 'wasm'];
  const session = (file: string) =>
    fetchBytes(modelFileUrl(config, config.faces, file, origin), onProgress).then((b) => ort.InferenceSession.create(b, { executionProviders: providers }));
  const detector = await session(faceConfig.detector.file);
  const embedder = await session(faceConfig.embedder.file);
  return { detector, embedder, embedderInput: faceConfig.embedder.input, embedderSize: faceConfig.embedder.size ?? 112 };
}

// Images fetched and decoded ahead of time while the previous photo is in the models.
const prefetched = new Map<string, Promise<{ image: RawImage; fetchMs: number; decodeMs: number }>>();

function fetchImage(imageUrl: string) {
  let entry = prefetched.get(imageUrl);
  if (!entry) {
    entry = (async () => {
      const t0 = performance.now();
      const res = await fetch(imageUrl);
      if (!res.ok) throw new Error(`The display variant could not be fetched (${res.status}).`);
      const blob = await res.blob();
      const t1 = performance.now();
      const image = await RawImage.fromBlob(blob);
      return { image, fetchMs: Math.round(t1 - t0), decodeMs: Math.round(performance.now() - t1) };
    })();
    prefetched.set(imageUrl, entry);
  }
  return entry;
}

const api = {
  /** Starts fetching and decoding the next photo so it is ready when the models are. */
  prefetch(imageUrl: string) {
    fetchImage(imageUrl).catch(() => {}); // analyse() reports the error, if any
  },

  /** Loads every model (once); progress is reported per file. */
  async load(c: ModelConfig, d: Device, onProgress: (p: Progress) => void): Promise<{ device: Device; threads: number }> {
    if (!loading) {
      configure(c, d);
      loading = load(onProgress);
      loading.catch(() => (loading = undefined)); // a failed load can be retried
    }
    await loading;
    return { device, threads: env.backends.onnx.wasm!.numThreads ?? 1 };
  },

  /** Fetches and decodes a display variant off the main thread and runs every model on it. */
  async analyse(imageUrl: string) {
    const m = await loading!;
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
    const ready = await t('waitImageMs', () => fetchImage(imageUrl).finally(() => prefetched.delete(imageUrl)));
    const { image } = ready;
    timings.fetchMs = ready.fetchMs;
    timings.decodeMs = ready.decodeMs;

    const caption = m.captioner
      ? await t('captionMs', async () => {
          const out = (await m.captioner!(image, { max_new_tokens: 30 })) as Array<{ generated_text: string }>;
          return out[0]?.generated_text.trim() ?? '';
        })
      : undefined;

    const inputs = await t('preprocessMs', () => m.processor(image));
    const embedding = await t('embeddingMs', async () => {
      const { image_embeds } = await m.vision(inputs);
      return l2normalize(image_embeds.data as Float32Array);
    });
    const tags = await t('tagsMs', async () => {
      // CLIP zero-shot: cosine similarity × CLIP's logit scale (100), softmax over the vocabulary.
      const logits = m.tagEmbeds.map((te) => 100 * te.reduce((s, v, i) => s + v * embedding[i], 0));
      const max = Math.max(...logits);
      const exp = logits.map((l) => Math.exp(l - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      return config.tags
        .map((label, i) => ({ label, score: Math.round((exp[i] / sum) * 1000) / 1000 }))
        .sort((a, b) => b.score - a.score)
        .filter((tag, i) => i < 5 && tag.score >= 0.05);
    });

    const faces = !m.faces ? undefined : await t('facesMs', async () => {
      const f = m.faces!;
      const small = await (await image.resize(DETECTOR_SIZE, DETECTOR_SIZE)).rgb();
      const input = new ort.Tensor('float32', toChw(small.data, DETECTOR_SIZE, DETECTOR_SIZE, 3), [1, 3, DETECTOR_SIZE, DETECTOR_SIZE]);
      const detected = decodeDetections(await f.detector.run({ [f.detector.inputNames[0]]: input }));
      const out = [];
      for (const face of detected.slice(0, 5)) {
        const [x, y, w, h] = face.box;
        const crop = await (await (await image.crop([x * image.width, y * image.height, (x + w) * image.width, (y + h) * image.height].map(Math.round) as [number, number, number, number]))
          .resize(f.embedderSize, f.embedderSize)).rgb();
        const tensor = new ort.Tensor('float32', toChw(crop.data, f.embedderSize, f.embedderSize, 3, 1 / 127.5, 127.5), [1, 3, f.embedderSize, f.embedderSize]);
        const result = await f.embedder.run({ [f.embedderInput]: tensor });
        out.push({ ...face, embedding: l2normalize(Object.values(result)[0].data as Float32Array) });
      }
      return [...out, ...detected.slice(5)];
    });
    timings.totalMs = Math.round(performance.now() - started);
    return { caption, embedding: { dims: embedding.length, values: embedding }, tags, faces, timings };
  },
};

export type ModelWorker = typeof api;
Comlink.expose(api);
