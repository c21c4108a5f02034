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

interface Loaded {
  captioner: ImageToTextPipeline;
  processor: Processor;
  vision: PreTrainedModel;
  tagEmbeds: Float32Array[];
  detector: ort.InferenceSession;
  embedder: ort.InferenceSession;
  embedderInput: string;
  embedderSize: number;
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
  const [captioner, processor, vision, tokenizer, textModel] = await Promise.all([
    pipeline('image-to-text', config.caption, options) as Promise<ImageToTextPipeline>,
    AutoProcessor.from_pretrained(config.clip, { progress_callback }),
    CLIPVisionModelWithProjection.from_pretrained(config.clip, options),
    AutoTokenizer.from_pretrained(config.clip, { progress_callback }) as Promise<PreTrainedTokenizer>,
    CLIPTextModelWithProjection.from_pretrained(config.clip, options),
  ]);
  // Tag vocabulary: embedded once per load.
  const text = tokenizer(config.tags.map((t) => `a photo of ${t}`), { padding: true, truncation: true });
  const { text_embeds } = await textModel(text);
  const dims = text_embeds.dims[1];
  const tagEmbeds = config.tags.map((_, i) => Float32Array.from(l2normalize((text_embeds.data as Float32Array).subarray(i * dims, (i + 1) * dims))));

  const origin = self.location.origin;
  const faceConfig = await (await fetch(modelFileUrl(config, config.faces, 'face_config.json', origin))).json();
  const providers = [device === 'webgpu' ? 'webgpu' : 'wasm'];
  const [detector, embedder] = await Promise.all([
    fetchBytes(modelFileUrl(config, config.faces, faceConfig.detector.file, origin), onProgress).then((b) => ort.InferenceSession.create(b, { executionProviders: providers })),
    fetchBytes(modelFileUrl(config, config.faces, faceConfig.embedder.file, origin), onProgress).then((b) => ort.InferenceSession.create(b, { executionProviders: providers })),
  ]);
  return { captioner, processor, vision, tagEmbeds, detector, embedder, embedderInput: faceConfig.embedder.input, embedderSize: faceConfig.embedder.size ?? 112 };
}

const api = {
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
    const blob = await t('fetchMs', async () => {
      const res = await fetch(imageUrl);
      if (!res.ok) throw new Error(`The display variant could not be fetched (${res.status}).`);
      return res.blob();
    });
    const image = await t('decodeMs', () => RawImage.fromBlob(blob));

    const caption = await t('captionMs', async () => {
      const out = (await m.captioner(image, { max_new_tokens: 30 })) as Array<{ generated_text: string }>;
      return out[0]?.generated_text.trim() ?? '';
    });

    const embedding = await t('embeddingMs', async () => {
      const inputs = await m.processor(image);
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

    const faces = await t('facesMs', async () => {
      const small = await (await image.resize(DETECTOR_SIZE, DETECTOR_SIZE)).rgb();
      const input = new ort.Tensor('float32', toChw(small.data, DETECTOR_SIZE, DETECTOR_SIZE, 3), [1, 3, DETECTOR_SIZE, DETECTOR_SIZE]);
      const detected = decodeDetections(await m.detector.run({ [m.detector.inputNames[0]]: input }));
      const out = [];
      for (const face of detected.slice(0, 5)) {
        const [x, y, w, h] = face.box;
        const crop = await (await (await image.crop([x * image.width, y * image.height, (x + w) * image.width, (y + h) * image.height].map(Math.round) as [number, number, number, number]))
          .resize(m.embedderSize, m.embedderSize)).rgb();
        const tensor = new ort.Tensor('float32', toChw(crop.data, m.embedderSize, m.embedderSize, 3, 1 / 127.5, 127.5), [1, 3, m.embedderSize, m.embedderSize]);
        const result = await m.embedder.run({ [m.embedderInput]: tensor });
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
