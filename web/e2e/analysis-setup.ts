// What every analysis e2e file sets up the same way: the library's model set as the generated tiny
// stand-ins (served by this darkroom's /models/ route), put in before the file's tests and the library's
// own set put back after them, and polling a photo until its analysis gets somewhere.
import { afterAll, beforeAll } from 'vitest';
import type { Photo } from '../../worker/contract/photo';
import type { AnalysisSettings } from '../../worker/contract/settings';
import { baseUrl, token } from './browser';

// The stand-ins answer by colour (worker/scripts/models/README.md): the tags must include the colours.
export const TAGS = ['person', 'face', 'dog', 'cat', 'beach', 'city', 'tree', 'red', 'green', 'blue'];
export const TINY: AnalysisSettings = {
  modelHost: 'self',
  caption: { id: 'tiny/vit-gpt2-image-captioning' },
  embedding: { id: 'tiny/clip-vit-base-patch32', dims: 512 },
  // OpenCV Zoo layout: tiny/opencv_zoo/models/face_detection_yunet/face_detection_yunet_2023mar.onnx …
  faces: { id: 'tiny/face_detection_yunet', version: '2023mar' },
  faceEmbedding: { id: 'tiny/face_recognition_sface', version: '2021dec', dims: 128 },
  detailedDescription: false,
  ocr: false,
  tags: TAGS,
};

const auth = () => ({ Authorization: `Bearer ${token()}` });

export async function settings(): Promise<{ analysis: AnalysisSettings }> {
  const res = await fetch(`${baseUrl()}/api/settings`, { headers: auth() });
  return ((await res.json()) as { settings: { analysis: AnalysisSettings } }).settings;
}

export async function putAnalysis(analysis: Partial<AnalysisSettings>) {
  const res = await fetch(`${baseUrl()}/api/settings`, {
    method: 'PUT', body: JSON.stringify({ analysis }), headers: { ...auth(), 'Content-Type': 'application/json' },
  });
  if (!res.ok) throw new Error(`settings: ${res.status} ${await res.text()}`);
}

/** The file's tests run on the tiny model set; the next test file finds the library as it was. */
export function useTinyModels() {
  let before: AnalysisSettings;
  beforeAll(async () => {
    before = (await settings()).analysis;
    await putAnalysis(TINY);
  });
  afterAll(async () => {
    if (before) await putAnalysis(before);
  });
}

export async function getPhoto(id: string): Promise<Photo> {
  const res = await fetch(`${baseUrl()}/api/photos/${id}`, { headers: auth() });
  return ((await res.json()) as { photo: Photo }).photo;
}

/** Polls the photo until `done` says so; a timeout names its stages. */
export async function until(id: string, done: (p: Photo) => boolean, timeout = 240_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const p = await getPhoto(id);
    if (done(p)) return p;
    if (Date.now() > deadline) throw new Error(`timeout: ${JSON.stringify(p.stages)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Analysis is due (pending), or already done. */
export const analysisDue = (p: Photo) => p.stages.analysis?.status === 'pending' || p.stages.analysis?.status === 'completed';
export const analysisFinished = (p: Photo) => p.stages.analysis?.status === 'completed' || p.stages.analysis?.status === 'failed';
