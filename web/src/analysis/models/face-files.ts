// Where the face models' files are, and fetching them with progress. Two layouts:
//  - OpenCV Zoo (the default, YuNet + SFace): a model `<owner>/<name>` at version `v` is the file
//    `models/<name>/<name>_<v>.onnx` of the repository `<owner>/opencv_zoo`, on the hub as under /models/;
//  - a folder with face_config.json naming a detector and an embedder (a model without a version).
// transformers.js caches its own files; these are fetched here, so they are cached here too (Cache API).
import type { ModelConfig, Progress } from '../protocol';
import { modelFileUrl } from './runtime';

export interface FaceModelRef {
  id: string;
  version?: string;
}

export interface FaceFiles {
  detector: { url: string; size: number; bgr: boolean };
  embedder: { url: string; size: number; input?: string; scale: number; mean: number };
}

const CACHE = 'darkroom-face-models';

export async function faceFiles(config: ModelConfig, faces: FaceModelRef, embedder: FaceModelRef): Promise<FaceFiles> {
  if (faces.version) {
    // YuNet takes 640×640 BGR 0–255; SFace 112×112 RGB 0–255 (OpenCV's blobFromImage with swapRB).
    return {
      detector: { url: zooUrl(config, faces), size: 640, bgr: true },
      embedder: { url: zooUrl(config, embedder), size: 112, scale: 1, mean: 0 },
    };
  }
  const url = (file: string) => modelFileUrl(config, faces.id, file);
  const res = await fetch(url('face_config.json'));
  if (!res.ok) throw new Error(`Could not load ${faces.id}/face_config.json (${res.status}).`);
  const c = await res.json();
  return {
    detector: { url: url(c.detector.file), size: c.detector.size ?? 320, bgr: false },
    embedder: { url: url(c.embedder.file), size: c.embedder.size ?? 112, input: c.embedder.input, scale: 1 / 127.5, mean: 127.5 },
  };
}

function zooUrl(config: ModelConfig, ref: FaceModelRef): string {
  const cut = ref.id.lastIndexOf('/');
  if (cut < 1) throw new Error(`The face model id ${ref.id} is not owner/name.`);
  const name = ref.id.slice(cut + 1);
  return modelFileUrl(config, `${ref.id.slice(0, cut)}/opencv_zoo`, `models/${name}/${name}_${ref.version}.onnx`);
}

/** A model file's bytes, from the browser's cache or downloaded with progress; errors name the file. */
export async function fetchModelFile(url: string, onProgress: (p: Progress) => void): Promise<Uint8Array> {
  const file = url.replace(/^.*?\/(models|resolve\/[^/]+)\//, '');
  const cache = await globalThis.caches?.open(CACHE).catch(() => undefined); // absent outside secure contexts
  let res = await cache?.match(url);
  const cached = Boolean(res);
  if (!res) {
    res = await fetch(url).catch((err: unknown) => {
      throw new Error(`Could not download ${file}: ${err instanceof Error ? err.message : String(err)}`);
    });
    if (!res.ok) throw new Error(`Could not download ${file}: HTTP ${res.status}.`);
  }
  const total = Number(res.headers.get('Content-Length') ?? 0);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress({ file, loaded, total: total || loaded, done: false });
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  onProgress({ file, loaded, total: loaded, done: true });
  if (!cached) await cache?.put(url, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } })).catch(() => {});
  return bytes;
}
