// Face boxes for photos the analysis tab has not seen: OpenCV Zoo's YuNet (MIT) on onnxruntime-web, from
// the same model host as analysis. As OpenCV's FaceDetectorYN: the image stretched to 640×640, BGR
// 0..255, per-stride cls/obj/bbox outputs decoded around each cell, score √(cls·obj), then NMS. Only boxes
// are needed here (no landmarks, no embeddings), so this is not the analysis tab's face module.
import * as ort from 'onnxruntime-web/webgpu';
import type { Device } from '../analysis/protocol';
import type { Box } from './crop';

const SIZE = 640;
const SCORE_MIN = 0.6;
const IOU_MAX = 0.3;
const MAX_FACES = 50;

export type Detector = (pixels: ImageData) => Promise<Box[]>;

export async function loadDetector(url: string, device: Device, onLoaded: (bytes: number) => void): Promise<Detector> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load the face detector ${url} (${res.status}).`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  onLoaded(bytes.length);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [device === 'webgpu' ? 'webgpu' : 'wasm'] });
  const canvas = new OffscreenCanvas(SIZE, SIZE);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  return async (pixels) => {
    const bitmap = await createImageBitmap(pixels);
    ctx.drawImage(bitmap, 0, 0, SIZE, SIZE);
    bitmap.close();
    const rgba = ctx.getImageData(0, 0, SIZE, SIZE).data;
    const plane = SIZE * SIZE, input = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      input[i] = rgba[i * 4 + 2]; // B
      input[plane + i] = rgba[i * 4 + 1]; // G
      input[2 * plane + i] = rgba[i * 4]; // R
    }
    const outputs = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, SIZE, SIZE]) });
    return decode(outputs);
  };
}

function decode(outputs: Record<string, ort.Tensor>): Box[] {
  const found: Array<{ box: Box; score: number }> = [];
  for (const s of [8, 16, 32]) {
    const cls = outputs[`cls_${s}`].data as Float32Array, obj = outputs[`obj_${s}`].data as Float32Array;
    const bbox = outputs[`bbox_${s}`].data as Float32Array;
    const cols = Math.ceil(SIZE / s);
    for (let i = 0; i < cls.length; i++) {
      const score = Math.sqrt(Math.max(0, cls[i] * obj[i]));
      if (score < SCORE_MIN) continue;
      const col = i % cols, row = Math.floor(i / cols);
      const cx = (col + bbox[i * 4]) * s, cy = (row + bbox[i * 4 + 1]) * s;
      const w = Math.exp(bbox[i * 4 + 2]) * s, h = Math.exp(bbox[i * 4 + 3]) * s;
      const x0 = clamp((cx - w / 2) / SIZE), y0 = clamp((cy - h / 2) / SIZE), x1 = clamp((cx + w / 2) / SIZE), y1 = clamp((cy + h / 2) / SIZE);
      if (x1 > x0 && y1 > y0) found.push({ box: [x0, y0, x1 - x0, y1 - y0], score });
    }
  }
  const kept: typeof found = [];
  for (const f of found.sort((a, b) => b.score - a.score)) if (kept.every((k) => iou(k.box, f.box) < IOU_MAX)) kept.push(f);
  // Reading order (top to bottom, left to right), so face-1, face-2… are stable and predictable.
  return kept.slice(0, MAX_FACES).map((f) => f.box).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));

function iou(a: Box, b: Box) {
  const x0 = Math.max(a[0], b[0]), y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]), y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}
