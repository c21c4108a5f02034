// `node --test worker/scripts/models-import.test.mjs`: the real `npm run models:import` into a real local
// bucket (wrangler's, in a throwaway --persist-to state), read back with `wrangler r2 object get`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { root, wranglerEnv } from './lib.mjs';

const script = path.join(import.meta.dirname, 'models-import.mjs');
const dir = mkdtempSync(path.join(os.tmpdir(), 'darkroom-models-import-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...wranglerEnv, PATH: `${path.join(root, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}` };

const importModels = (...args) => spawnSync(process.execPath, [script, ...args], { cwd: root, env, encoding: 'utf8' });
const get = (state, key) =>
  spawnSync('wrangler', ['r2', 'object', 'get', `darkroom-photos/${key}`, '--local', '--persist-to', state, '--pipe'], { cwd: root, env, encoding: 'utf8' });

describe('models:import', () => {
  it('puts a model folder into the local bucket of --persist-to, leaving out dot-files (a clone\'s .git)', { timeout: 120_000 }, () => {
    const folder = path.join(dir, 'models');
    mkdirSync(path.join(folder, 'org/model/onnx'), { recursive: true });
    mkdirSync(path.join(folder, 'org/model/.git/lfs'), { recursive: true });
    writeFileSync(path.join(folder, 'org/model/config.json'), '{"model_type":"clip"}');
    writeFileSync(path.join(folder, 'org/model/onnx/vision_model_quantized.onnx'), 'weights');
    writeFileSync(path.join(folder, 'org/model/.git/lfs/object'), 'weights again');
    const state = path.join(dir, 'state');

    const r = importModels(folder, '--persist-to', state);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Imported 2 files/);
    assert.equal(get(state, 'models/org/model/config.json').stdout, '{"model_type":"clip"}');
    assert.equal(get(state, 'models/org/model/onnx/vision_model_quantized.onnx').stdout, 'weights');
    assert.notEqual(get(state, 'models/org/model/.git/lfs/object').status, 0);
  });

  it('refuses, before uploading anything, files over what wrangler uploads to a remote bucket', () => {
    const folder = path.join(dir, 'large');
    mkdirSync(path.join(folder, 'org/model/onnx'), { recursive: true });
    const big = path.join(folder, 'org/model/onnx/vision_encoder.onnx');
    writeFileSync(big, '');
    truncateSync(big, 301 * 1024 * 1024); // sparse: takes no disk
    const r = importModels(folder, '--remote');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /at most 300 MB per file[\s\S]*org\/model\/onnx\/vision_encoder\.onnx/);
  });

  it('says how to use it when the arguments do not fit', () => {
    assert.equal(importModels().status, 2);
    assert.equal(importModels(dir, '--remote', '--persist-to', dir).status, 2);
  });
});
