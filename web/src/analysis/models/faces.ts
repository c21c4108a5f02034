// Faces: a detector (YuNet by default) and an embedder (SFace by default), run with onnxruntime-web
// directly. Which files, and their input formats, come from face-files.ts.
import type { RawImage } from '@huggingface/transformers';
import * as ort from 'onnxruntime-web/webgpu';
import type { Face } from '../../../../worker/contract/analysis';
import type { Device, ModelConfig, Progress } from '../protocol';
import { faceFiles, fetchModelFile, type FaceModelRef } from './face-files';
import { l2normalize, type Timer } from './runtime';

type Detected = Required<Omit<Face, 'embedding'>>;

const SCORE_MIN = 0.6;
const IOU_MAX = 0.3;
const MAX_FACES = 20;
/** Faces embedded per photo; the others are reported with their box only. */
const MAX_EMBEDDED = 5;

export async function loadFaces(config: ModelConfig, faces: FaceModelRef, embedderRef: FaceModelRef, device: Device, onProgress: (p: Progress) => void) {
  const files = await faceFiles(config, faces, embedderRef);
  const providers = [device === 'webgpu' ? 'webgpu' : 'wasm'];
  const session = async (url: string) => {
    const bytes = await fetchModelFile(url, onProgress);
    try {
      return await ort.InferenceSession.create(bytes, { executionProviders: providers });
    } catch (err) {
      throw new Error(`${url.split('/').pop()} is not a model ONNX Runtime can open: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  // One session at a time: the WebGPU execution provider refuses to create two at once.
  const detector = await session(files.detector.url);
  const embedder = await session(files.embedder.url);
  const { size, bgr } = files.detector;
  const e = files.embedder;

  /** Faces in the photo: boxes (0–1) with landmarks, the first few embedded. Model runs and the pixel work around them are timed apart. */
  async function find(image: RawImage, time: Timer): Promise<Face[]> {
    const input = await time('facePreprocessMs', async () => {
      const small = await (await image.resize(size, size)).rgb();
      return new ort.Tensor('float32', toChw(small.data, size, size, 3, 1, 0, bgr), [1, 3, size, size]);
    });
    const outputs = await time('faceDetectMs', () => detector.run({ [detector.inputNames[0]]: input }));
    const detected = decodeDetections(outputs, size);
    const crops = await time('faceCropMs', () => Promise.all(detected.slice(0, MAX_EMBEDDED).map(async (face) => {
      const [x, y, w, h] = face.box;
      const region = [x * image.width, y * image.height, (x + w) * image.width, (y + h) * image.height].map(Math.round) as [number, number, number, number];
      const crop = await (await (await image.crop(region)).resize(e.size, e.size)).rgb();
      return new ort.Tensor('float32', toChw(crop.data, e.size, e.size, 3, e.scale, e.mean), [1, 3, e.size, e.size]);
    })));
    const out: Face[] = await time('faceEmbedMs', async () => {
      const embedded: Face[] = [];
      for (const [i, tensor] of crops.entries()) {
        const result = await embedder.run({ [e.input ?? embedder.inputNames[0]]: tensor });
        embedded.push({ ...detected[i], embedding: l2normalize(result[embedder.outputNames[0]].data as Float32Array) });
      }
      return embedded;
    });
    return [...out, ...detected.slice(MAX_EMBEDDED)];
  }
  // The detector's input is the photo's shortest side it needs (faces are cropped from the same photo).
  return { side: size, find };
}

export type FaceFinder = Awaited<ReturnType<typeof loadFaces>>;

/** RGB bytes (HWC, 3 or 4 channels) to a planar float tensor, values 0–255 or normalised; BGR on request. */
function toChw(data: Uint8ClampedArray | Uint8Array, width: number, height: number, channels: number, scale = 1, mean = 0, bgr = false): Float32Array {
  const out = new Float32Array(3 * width * height);
  const plane = width * height;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[(bgr ? 2 - c : c) * plane + i] = (data[i * channels + c] - mean) * scale;
  }
  return out;
}

/** Decodes per-stride cls/obj/bbox/kps outputs into boxes normalised to 0–1, after NMS. */
function decodeDetections(outputs: Record<string, ort.Tensor>, size: number, strides = [8, 16, 32]): Detected[] {
  const found: Detected[] = [];
  for (const s of strides) {
    const cls = outputs[`cls_${s}`].data as Float32Array;
    const obj = outputs[`obj_${s}`].data as Float32Array;
    const bbox = outputs[`bbox_${s}`].data as Float32Array;
    const kps = outputs[`kps_${s}`].data as Float32Array;
    const cols = Math.ceil(size / s);
    for (let i = 0; i < cls.length; i++) {
      const score = Math.sqrt(Math.max(0, cls[i] * obj[i]));
      if (score < SCORE_MIN) continue;
      const col = i % cols, row = Math.floor(i / cols);
      const cx = (col + bbox[i * 4]) * s, cy = (row + bbox[i * 4 + 1]) * s;
      const w = Math.exp(bbox[i * 4 + 2]) * s, h = Math.exp(bbox[i * 4 + 3]) * s;
      const x0 = clamp((cx - w / 2) / size), y0 = clamp((cy - h / 2) / size);
      const x1 = clamp((cx + w / 2) / size), y1 = clamp((cy + h / 2) / size);
      if (x1 <= x0 || y1 <= y0) continue;
      const landmarks = Array.from({ length: 5 }, (_, k): [number, number] => [clamp(((col + kps[i * 10 + k * 2]) * s) / size), clamp(((row + kps[i * 10 + k * 2 + 1]) * s) / size)]);
      found.push({ box: [x0, y0, x1 - x0, y1 - y0], score, landmarks });
    }
  }
  return nms(found).slice(0, MAX_FACES);
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));

function iou(a: Face['box'], b: Face['box']) {
  const x0 = Math.max(a[0], b[0]), y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]), y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

function nms(faces: Detected[]): Detected[] {
  const kept: Detected[] = [];
  for (const f of [...faces].sort((a, b) => b.score - a.score)) if (kept.every((k) => iou(k.box, f.box) < IOU_MAX)) kept.push(f);
  return kept;
}
