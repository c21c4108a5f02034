// Face detection (YuNet-style outputs) and embedding with onnxruntime-web directly.
import type { InferenceSession, Tensor } from 'onnxruntime-web/webgpu';

export interface DetectedFace {
  box: [number, number, number, number];
  score: number;
  landmarks: Array<[number, number]>;
}

export const DETECTOR_SIZE = 320;
const SCORE_MIN = 0.6;
const IOU_MAX = 0.3;
const MAX_FACES = 20;

/** RGB bytes (HWC, 3 or 4 channels) to a planar float tensor, values 0–255 or normalised. */
export function toChw(data: Uint8ClampedArray | Uint8Array, width: number, height: number, channels: number, scale = 1, mean = 0): Float32Array {
  const out = new Float32Array(3 * width * height);
  const plane = width * height;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (data[i * channels + c] - mean) * scale;
  }
  return out;
}

/** Decodes per-stride cls/obj/bbox/kps outputs into boxes normalised to 0–1, after NMS. */
export function decodeDetections(outputs: Record<string, Tensor>, size = DETECTOR_SIZE, strides = [8, 16, 32]): DetectedFace[] {
  const found: DetectedFace[] = [];
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

function iou(a: DetectedFace['box'], b: DetectedFace['box']) {
  const x0 = Math.max(a[0], b[0]), y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]), y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

function nms(faces: DetectedFace[]): DetectedFace[] {
  const kept: DetectedFace[] = [];
  for (const f of [...faces].sort((a, b) => b.score - a.score)) if (kept.every((k) => iou(k.box, f.box) < IOU_MAX)) kept.push(f);
  return kept;
}

export function l2normalize(v: Float32Array): number[] {
  const norm = Math.hypot(...v) || 1;
  return Array.from(v, (x) => x / norm);
}

export type Session = InferenceSession;
