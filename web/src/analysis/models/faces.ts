// Faces: a detector (YuNet by default) and an embedder (SFace by default), run with onnxruntime-web
// directly. Which files, and their input formats, come from face-files.ts.
import type { RawImage } from '@huggingface/transformers';
import * as ort from 'onnxruntime-web/webgpu';
import type { Face } from '../../../../worker/contract/analysis';
import { decodeYunet } from '../../lib/yunet';
import type { Device, ModelConfig, Progress } from '../protocol';
import { faceFiles, fetchModelFile, type FaceModelRef } from './face-files';
import { l2normalize, type Timer } from './runtime';

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
    const detected = decodeYunet(outputs, size, { max: MAX_FACES });
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
