// Face boxes for photos the analysis tab has not seen: OpenCV Zoo's YuNet (MIT) on onnxruntime-web, from
// the same model host as analysis. As OpenCV's FaceDetectorYN: the image stretched to 640×640, BGR
// 0..255, decoded by the analysis tab's YuNet decoding (lib/yunet.ts). Only boxes are needed here (no
// embeddings), so this is not the analysis tab's face module: its landmarks are dropped.
import * as ort from 'onnxruntime-web/webgpu';
import type { Device } from '../analysis/protocol';
import { decodeYunet } from '../lib/yunet';
import type { Box } from './crop';

const SIZE = 640;
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
    // Reading order (top to bottom, left to right), so face-1, face-2… are stable and predictable.
    return decodeYunet(outputs, SIZE, { max: MAX_FACES }).map((f) => f.box).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  };
}
