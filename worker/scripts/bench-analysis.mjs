// `npm run bench:analysis`: the analysis tab as users run it, in headless Chromium on WASM: the library's
// default model set (Florence-2 base with detailed description and OCR, CLIP ViT-B/32 with the default
// tag vocabulary, YuNet + SFace) as stand-ins with the real models' compute and q8 weights as the app
// loads them (`npm run models:tiny -- <dir> --compute real`). Reports model time per photo against
// everything darkroom adds around it (fetching and decoding the display variant, preprocessing, the
// worker round trip, tagging, posting): overhead = wall − model, goal ≤ 15% of model time; photos per
// minute; and the first photo's time including model load.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../web/e2e/chromium.mjs';
import { root, run, startWrangler } from './lib.mjs';

const TOKEN = 'bench-token';
const PORT = 8798;
const BASE = `http://127.0.0.1:${PORT}`;
// Florence-2 base runs three tasks per photo: a few photos take minutes on WASM, so few are used.
const PHOTOS = (process.env.BENCH_PHOTOS ? process.env.BENCH_PHOTOS.split(',') : ['photo-pixel-gps.jpg', 'face-obama.jpg', 'faces-two-people.jpg', 'photo-fuji-iptc-gps.jpg', 'orient-landscape-1.jpg']);
const LIMIT_MS = 30 * 60_000;
/** The folders of `--compute real` that the library's default set uses (the others are not uploaded). */
const FOLDERS = ['bench/clip-vit-base-patch32', 'bench/Florence-2-base-ft', 'bench/opencv_zoo'];
// Time inside the models (ONNX Runtime sessions and generation loops); everything else is darkroom's.
const MODEL_STEPS = ['visionMs', 'captionMs', 'detailedMs', 'ocrMs', 'embeddingMs', 'faceDetectMs', 'faceEmbedMs'];
const auth = { Authorization: `Bearer ${TOKEN}` };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-analysis-'));
run('vite', ['build', '--logLevel', 'warn']);
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: 'ignore' });
// The model files go into R2 the way a self-hosted darkroom gets them (`npm run models:import`), before the
// server starts, and /models/ serves them. Not through PUT /api/models on wrangler dev: its proxy reuses
// a keep-alive connection to the Worker that the Worker's side may close after a few idle seconds, and a
// request with a body is not retried, so an upload after a pause dies mid-body (EPIPE; workers-sdk#15252).
const models = path.join(state, 'models');
console.log('Generating the real-compute stand-ins (about a minute) and importing them…');
run('node', ['worker/scripts/models/make-tiny-models.mjs', models, '--compute', 'real'], { stdio: 'ignore' });
const staging = path.join(state, 'import');
for (const f of FOLDERS) {
  mkdirSync(path.dirname(path.join(staging, f)), { recursive: true });
  symlinkSync(path.join(models, f), path.join(staging, f));
}
mkdirSync(path.join(staging, '_ort'));
for (const name of ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) {
  symlinkSync(path.join(root, 'node_modules/onnxruntime-web/dist', name), path.join(staging, '_ort', name));
}
run('node', ['worker/scripts/models-import.mjs', staging, '--persist-to', state], { stdio: 'ignore' });

const server = await startWrangler({ port: PORT, persistTo: state, extraArgs: ['--var', `API_TOKEN:${TOKEN}`], quiet: true });
const browser = await chromium.launch({ executablePath: chromiumExecutable().path, args: CHROMIUM_ARGS });
try {
  // The library's default set (default tags, detailed description and OCR on), on the bench stand-ins.
  const analysis = {
    modelHost: 'self', caption: { id: 'bench/Florence-2-base-ft' }, embedding: { id: 'bench/clip-vit-base-patch32', dims: 512 },
    faces: { id: 'bench/face_detection_yunet', version: '2023mar' }, faceEmbedding: { id: 'bench/face_recognition_sface', version: '2021dec', dims: 128 },
    detailedDescription: true, ocr: true,
  };
  const set = await fetch(`${BASE}/api/settings`, { method: 'PUT', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ analysis }) });
  if (set.status !== 200) throw new Error(`settings: ${set.status} ${await set.text()}`);
  const { settings } = await (await fetch(`${BASE}/api/settings`, { headers: auth })).json();

  const ids = [];
  for (const name of PHOTOS) {
    const res = await fetch(`${BASE}/api/photos?filename=${name}`, { method: 'PUT', body: readFileSync(path.join(root, 'worker/test/fixtures/photos', name)), headers: auth });
    ids.push((await res.json()).photo.id);
  }
  for (const id of ids) {
    for (;;) {
      const { photo } = await (await fetch(`${BASE}/api/photos/${id}`, { headers: auth })).json();
      if (photo.stages.analysis?.status === 'pending') break;
      if (photo.status === 'failed') throw new Error(`${id} failed: ${photo.error}`);
      await sleep(200);
    }
  }

  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('  [page]', m.text().slice(0, 200)); });
  page.on('pageerror', (e) => console.log('  [page error]', e.message.slice(0, 300)));
  await page.goto(BASE);
  await page.evaluate((t) => localStorage.setItem('darkroom.token', t), TOKEN);
  // Let the service worker install and take control first: its activation reloads the page once.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.goto(`${BASE}/analysis?device=wasm`);
  const started = Date.now();
  // Press Start until the runner takes it (a service-worker takeover may reload the page once).
  for (let i = 0; i < 10; i++) {
    await page.getByRole('button', { name: 'Start' }).click({ timeout: 10_000 }).catch(() => {});
    await sleep(1500);
    if ((await page.evaluate(() => window.darkroom?.runner.state)) !== 'idle') break;
    if (i === 2) await page.screenshot({ path: path.join(root, 'test-output/bench-analysis.png') });
  }
  let history = [];
  let reported = 0;
  while (history.length < PHOTOS.length && Date.now() - started < LIMIT_MS) {
    await sleep(500);
    history = await page.evaluate(() => window.darkroom.runner.history);
    if (Date.now() - reported > 15_000) {
      reported = Date.now();
      const s = await page.evaluate(() => ({ state: window.darkroom.runner.state, done: window.darkroom.runner.done, current: window.darkroom.runner.current.length }));
      console.log(`  … ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(s)}`);
    }
    const error = await page.locator('.error').allTextContents();
    if (error.length) throw new Error(error.join(' '));
  }
  const device = await page.getByTestId('device').textContent();

  if (history.length < 2) throw new Error(`only ${history.length} photos were analysed in ${LIMIT_MS / 60_000} minutes`);
  const measured = history.slice(1); // the first photo warms caches and JIT
  const modelMs = (h) => MODEL_STEPS.reduce((n, k) => n + (h[k] ?? 0), 0);
  const parts = ['fetchMs', 'decodeMs', 'waitImageMs', 'captionPreprocessMs', 'preprocessMs', 'facePreprocessMs', 'faceCropMs', 'tagsMs', 'roundTripMs', 'postMs'];
  const model = measured.map(modelMs);
  // Per photo, the steady-state time between two finished photos: what a user waits for per photo.
  const wall = measured.map((h, i) => h.finishedAt - history[i].finishedAt);
  const overhead = measured.map((h, i) => wall[i] - modelMs(h));
  const [load1, load5] = os.loadavg();
  console.log(`\nAnalysis on ${device} in headless Chromium ${browser.version()}, ${measured.length} photos after the first (median ms per photo)`);
  console.log(`  models: Florence-2 base (caption, detailed description, OCR), CLIP ViT-B/32 (+ ${settings.analysis.tags.length} tags), YuNet + SFace; real compute, q8`);
  console.log(`  load average ${load1.toFixed(1)} / ${load5.toFixed(1)} (1 / 5 min) on ${os.cpus().length} cores`);
  console.log(`  model time                       ${median(model).toFixed(0).padStart(6)}`);
  for (const k of MODEL_STEPS) console.log(`    ${k.replace(/Ms$/, '').padEnd(28)}  ${median(measured.map((h) => h[k] ?? 0)).toFixed(0).padStart(6)}`);
  console.log('  steps around it (fetch and decode overlap the previous photo; post overlaps the next):');
  for (const p of parts) console.log(`    ${p.replace(/Ms$/, '').padEnd(28)}  ${median(measured.map((h) => h[p] ?? 0)).toFixed(1).padStart(6)}`);
  console.log(`  wall time per photo              ${median(wall).toFixed(0).padStart(6)}`);
  console.log(`  darkroom overhead (wall − model) ${median(overhead).toFixed(0).padStart(6)}  = ${((median(overhead) / median(model)) * 100).toFixed(1)}% of model time   (goal ≤ 15%)`);
  console.log(`  photos per minute                ${(60_000 / median(wall)).toFixed(1).padStart(6)}`);
  console.log(`  first photo, including model load ${((history[0].finishedAt - (await page.evaluate(() => window.darkroom.runner.startedLoadingAt))) / 1000).toFixed(1).padStart(5)} s`);
} finally {
  await browser.close();
  server.stop();
  rmSync(state, { recursive: true, force: true });
}
