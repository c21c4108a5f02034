// An analysis client in Node, for the search and people tests: it does what another device's analysis tab
// does — claims jobs through the API, fetches each job's signed display variant, runs the library's model
// set (the same generated tiny stand-ins the tab loads from /models/, with transformers.js and onnxruntime)
// and posts the results. The tab itself is tested in analysis.test.ts; here only its results matter.
import path from 'node:path';
import {
  AutoProcessor, AutoTokenizer, CLIPTextModelWithProjection, CLIPVisionModelWithProjection, env, pipeline, RawImage,
  type ImageToTextPipeline, type PreTrainedModel, type PreTrainedTokenizer, type Processor, type Tensor,
} from '@huggingface/transformers';
import * as ort from 'onnxruntime-web';
import sharp from 'sharp';
import { inject } from 'vitest';
import { settings, TAGS, TINY } from './analysis-setup';
import { api, baseUrl } from './browser';

/** Where a face is, as [x, y, w, h] of the image (0–1): this client's detector is told, not run. */
export type FaceBoxes = Record<string, Array<[number, number, number, number]>>;

interface Models {
  processor: Processor;
  vision: PreTrainedModel;
  tagWords: number[][];
  captioner: ImageToTextPipeline;
  sface: ort.InferenceSession;
}
let loaded: Promise<Models> | null = null;

const unit = (v: ArrayLike<number>) => {
  const n = Math.hypot(...Array.from(v));
  return Array.from(v, (x) => x / n);
};
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

function models(): Promise<Models> {
  return (loaded ??= (async () => {
    env.allowRemoteModels = false; // offline: a missing file must fail, not download
    env.localModelPath = `${path.join(inject('state'), 'models')}/`;
    ort.env.wasm.numThreads = 1;
    const id = TINY.embedding.id;
    const tokenizer: PreTrainedTokenizer = await AutoTokenizer.from_pretrained(id);
    const text = await CLIPTextModelWithProjection.from_pretrained(id, { dtype: 'q8' });
    const words = (await text(tokenizer(TAGS, { padding: true, truncation: true }))).text_embeds as Tensor;
    const tagWords = TAGS.map((_, i) => unit(words.data.subarray(i * 512, (i + 1) * 512) as Float32Array));
    return {
      processor: await AutoProcessor.from_pretrained(id),
      vision: await CLIPVisionModelWithProjection.from_pretrained(id, { dtype: 'q8' }),
      tagWords,
      captioner: (await pipeline('image-to-text', TINY.caption.id)) as ImageToTextPipeline,
      sface: await ort.InferenceSession.create(path.join(inject('state'), 'models/tiny/opencv_zoo/models/face_recognition_sface/face_recognition_sface_2021dec.onnx')),
    };
  })());
}

/** SFace's input: the face cropped, 112×112, RGB planar 0..255. */
async function faceEmbedding(m: Models, image: Buffer, box: [number, number, number, number]) {
  const meta = await sharp(image).metadata();
  const [x, y, w, h] = box;
  const crop = await sharp(image)
    .extract({ left: Math.round(x * meta.width!), top: Math.round(y * meta.height!), width: Math.round(w * meta.width!), height: Math.round(h * meta.height!) })
    .resize(112, 112).removeAlpha().raw().toBuffer();
  const planar = new Float32Array(3 * 112 * 112);
  for (let i = 0; i < 112 * 112; i++) for (let c = 0; c < 3; c++) planar[c * 112 * 112 + i] = crop[i * 3 + c];
  const out = await m.sface.run({ data: new ort.Tensor('float32', planar, [1, 3, 112, 112]) });
  return Array.from(out.fc1.data as Float32Array, (v) => Math.round(v * 1e5) / 1e5);
}

async function analyse(m: Models, bytes: Buffer, boxes: FaceBoxes[string] = []) {
  const image = await RawImage.fromBlob(new Blob([new Uint8Array(bytes)]));
  const embeds = (await m.vision(await m.processor(image))).image_embeds as Tensor;
  const embedding = unit(embeds.data as Float32Array);
  const scores = m.tagWords.map((w) => dot(w, embedding));
  const best = Math.max(...scores);
  const tags = TAGS.map((label, i) => ({ label, score: Math.max(0, Math.min(1, scores[i])) })).filter((_, i) => scores[i] >= best - 0.05);
  const [{ generated_text: caption }] = (await m.captioner(image)) as Array<{ generated_text: string }>;
  const faces = [];
  for (const box of boxes) faces.push({ box, score: 0.9, embedding: await faceEmbedding(m, bytes, box) });
  return { embedding: { dims: 512, values: embedding.map((v) => Math.round(v * 1e6) / 1e6) }, tags, caption, faces };
}

/**
 * Analyses these photos as a client device would: claims as new clients until every one of them has come
 * up (a client holds at most 8 leases, and other tests' photos may be waiting too), analyses the image the
 * job names, and posts with the library's model set. Other photos' leases are left to expire.
 */
export async function analyseThroughApi(ids: string[], faces: FaceBoxes = {}) {
  const m = await models();
  const { analysis } = await settings();
  const ref = (r: { id: string; version?: string }) => ({ id: r.id, ...(r.version && { version: r.version }) });
  const wanted = new Set(ids);
  for (let round = 0; wanted.size && round < 100; round++) {
    const claim = await api('/api/analysis/claim', { max: 8, clientId: `search-e2e-${Date.now()}-${round}`, device: { backend: 'wasm' } });
    const jobs = (claim.jobs ?? []) as Array<{ photoId: string; lease: string; imageUrl: string }>;
    for (const job of jobs.filter((j) => wanted.has(j.photoId))) {
      const bytes = Buffer.from(await (await fetch(new URL(job.imageUrl, baseUrl()))).arrayBuffer());
      const result = await analyse(m, bytes, faces[job.photoId]);
      const models = { embedding: ref(analysis.embedding), caption: ref(analysis.caption), faces: ref(analysis.faces), faceEmbedding: ref(analysis.faceEmbedding) };
      const posted = await api(`/api/analysis/${job.photoId}`, { lease: job.lease, models, ...result, device: { backend: 'wasm' } });
      if (posted.error) throw new Error(`results of ${job.photoId}: ${JSON.stringify(posted.error)}`);
      wanted.delete(job.photoId);
    }
    if (wanted.size && !jobs.length) await new Promise((r) => setTimeout(r, 500));
  }
  if (wanted.size) throw new Error(`never claimed: ${[...wanted].join(', ')}`);
}
