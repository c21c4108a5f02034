// Decoding OpenCV Zoo's YuNet (face_detection_yunet_2023mar, MIT) outputs, as OpenCV's FaceDetectorYN does:
// per stride 8/16/32, `cls_`/`obj_` scores and `bbox_`/`kps_` offsets around each cell of the square
// input, score √(cls·obj), then non-maximum suppression. One module for the analysis tab's faces (which
// keep the landmarks) and the export studio's detector (which needs only the boxes).

/** [x, y, width, height], normalised to 0–1 of the image. */
export type FaceBox = [number, number, number, number];

export interface Detection {
  box: FaceBox;
  score: number;
  /** Eyes, nose tip and mouth corners, normalised to 0–1 of the image. */
  landmarks: Array<[number, number]>;
}

export interface DecodeOptions {
  /** Most faces kept, the highest scores first. */
  max: number;
  scoreMin?: number;
  iouMax?: number;
}

/** The session's outputs by name (an ort.Tensor has `data`); `size` is the square input's side, px. */
export function decodeYunet(outputs: Record<string, { data: unknown }>, size: number, { max, scoreMin = 0.6, iouMax = 0.3 }: DecodeOptions): Detection[] {
  const found: Detection[] = [];
  for (const s of [8, 16, 32]) {
    const cls = outputs[`cls_${s}`].data as Float32Array;
    const obj = outputs[`obj_${s}`].data as Float32Array;
    const bbox = outputs[`bbox_${s}`].data as Float32Array;
    const kps = outputs[`kps_${s}`].data as Float32Array;
    const cols = Math.ceil(size / s);
    for (let i = 0; i < cls.length; i++) {
      const score = Math.sqrt(Math.max(0, cls[i] * obj[i]));
      if (score < scoreMin) continue;
      const col = i % cols, row = Math.floor(i / cols);
      const cx = (col + bbox[i * 4]) * s, cy = (row + bbox[i * 4 + 1]) * s;
      const w = Math.exp(bbox[i * 4 + 2]) * s, h = Math.exp(bbox[i * 4 + 3]) * s;
      const x0 = clamp((cx - w / 2) / size), y0 = clamp((cy - h / 2) / size);
      const x1 = clamp((cx + w / 2) / size), y1 = clamp((cy + h / 2) / size);
      if (x1 <= x0 || y1 <= y0) continue;
      const landmarks = Array.from({ length: 5 }, (_, k): [number, number] => [
        clamp(((col + kps[i * 10 + k * 2]) * s) / size), clamp(((row + kps[i * 10 + k * 2 + 1]) * s) / size),
      ]);
      found.push({ box: [x0, y0, x1 - x0, y1 - y0], score, landmarks });
    }
  }
  const kept: Detection[] = [];
  for (const f of found.sort((a, b) => b.score - a.score)) if (kept.every((k) => iou(k.box, f.box) < iouMax)) kept.push(f);
  return kept.slice(0, max);
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));

function iou(a: FaceBox, b: FaceBox) {
  const x0 = Math.max(a[0], b[0]), y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]), y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}
