// /models/* — model files for the browser analysis (configs, tokenizers, ONNX weights, the ONNX Runtime
// WASM build), served from R2 under `models/`, so a self-hosted darkroom needs no model hub. Model files
// are public by nature (no library data), immutable per path, and fetched by the analysis Web Worker.
import { Hono } from 'hono';
import { DEFAULT_LIBRARY } from '../auth/bearer';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { isModelPath, modelKey } from '../storage/keys';
import { serveObject } from '../storage/serve';

const TYPES: Record<string, string> = {
  json: 'application/json', onnx: 'application/octet-stream', onnx_data: 'application/octet-stream', bin: 'application/octet-stream',
  wasm: 'application/wasm', mjs: 'text/javascript', js: 'text/javascript', txt: 'text/plain', model: 'application/octet-stream',
};

export const models = new Hono<AppEnv>().get('/*', async (c) => {
  const path = decodeURIComponent(c.req.path.replace(/^\/models\//, ''));
  if (!isModelPath(path)) {
    throw new AppError('not_found', 'No such model file.');
  }
  const res = await serveObject(c.env.PHOTOS, modelKey(path), c.req.raw, {
    'Content-Type': TYPES[path.split('.').pop() ?? ''] ?? 'application/octet-stream',
    'Cache-Control': 'public, max-age=86400',
    // The app is cross-origin isolated (COEP require-corp): say these may be loaded by it.
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  if (!res) throw new AppError('not_found', `No model file at /models/${path}. Import models with "npm run models:import -- <folder>".`);
  return res;
});

/**
 * PUT /api/models/<path> — adds a model file. Only the instance's own token (API_TOKEN, the default
 * library) may: models are shared by every library of this darkroom.
 */
export const modelsAdmin = new Hono<AppEnv>().put('/*', async (c) => {
  if (c.var.libraryId !== DEFAULT_LIBRARY) throw new AppError('not_found', 'No such route.');
  const path = decodeURIComponent(c.req.path.replace(/^\/api\/models\//, ''));
  if (!isModelPath(path)) {
    throw new AppError('invalid_request', 'Give a relative model file path, like tiny/clip/config.json.');
  }
  if (!c.req.raw.body || !c.req.header('Content-Length')) throw new AppError('length_required', 'Content-Length is required.');
  await c.env.PHOTOS.put(modelKey(path), c.req.raw.body);
  return c.body(null, 204);
});
