// `npm run bench:export [-- --photos 25] [--compute real] [--model birefnet-lite|isnet|modnet] [--skip-build]`:
// the export studio end to end in headless Chromium. N distinct photos (default 25; the number is
// `--photos 100`; 1024×768 with grain, one or two red "faces" each) are uploaded and developed, all selected in the
// gallery, and exported with background removal and face crops into one streamed ZIP. Prints photos per
// minute and the browser's memory (RSS of every Chromium process of the run, and the peak so far) at 25%,
// 50% and 100% of the photos, and how much it grew from 25% to 100%: it must not grow with the photos.
// --compute tiny (default): the tiny stand-ins. --compute real: the same answers with the real models'
// compute (BiRefNet lite at 1024², YuNet; real-compute.mjs), generated into the run's state folder; the
// ISNet and MODNet stand-ins exist at tiny compute only.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../web/e2e/chromium.mjs';
import { run, root, startWrangler } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const PHOTOS = Number(opt('photos', 25));
const COMPUTE = opt('compute', 'tiny');
const MODEL = opt('model', 'birefnet-lite');
if (!['tiny', 'real'].includes(COMPUTE)) throw new Error('--compute must be tiny or real');
if (!['birefnet-lite', 'isnet', 'modnet'].includes(MODEL)) throw new Error('--model must be birefnet-lite, isnet or modnet');
if (COMPUTE === 'real' && MODEL !== 'birefnet-lite') throw new Error('--compute real has a BiRefNet lite stand-in only');
const TOKEN = 'bench-export-token';
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;

const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const BASE = `http://127.0.0.1:${port}`;
const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-export-'));
const profile = path.join(state, 'chromium-profile'); // on disk: the OPFS ZIP must not live in RAM
if (!args.includes('--skip-build')) run('vite', ['build', '--logLevel', 'warn']); // --skip-build: dist/ is current
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: 'ignore' });
const server = await startWrangler({ port, persistTo: state, extraArgs: ['--var', `API_TOKEN:${TOKEN}`], quiet: !process.env.BENCH_VERBOSE });
const auth = { Authorization: `Bearer ${TOKEN}` };

async function importModels() {
  const dir = path.join(state, 'models');
  run('node', ['worker/scripts/models/make-tiny-models.mjs', dir], { stdio: 'ignore' });
  if (COMPUTE === 'real') {
    const { writer } = await import('./models/files.mjs');
    const { segmentationBench, facesBench } = await import('./models/real-compute.mjs');
    const files = writer(dir);
    segmentationBench(files, 'bench/BiRefNet_lite-ONNX');
    facesBench(files, 'bench/opencv_zoo');
  }
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => [path.relative(dir, path.join(e.parentPath, e.name)), path.join(e.parentPath, e.name)]);
  for (const n of ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) files.push([`_ort/${n}`, path.join(root, 'node_modules/onnxruntime-web/dist', n)]);
  for (const [rel, full] of files) {
    // A large file can meet a dropped connection on a loaded machine (EPIPE seen at load 30): try again.
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${BASE}/api/models/${rel}`, { method: 'PUT', body: readFileSync(full), headers: auth }).catch((err) => (attempt < 4 ? null : Promise.reject(err)));
      if (res?.status === 204) break;
      if (res || attempt >= 4) throw new Error(`model import of ${rel}: ${res?.status}`);
    }
  }
}

async function uploadPhotos() {
  const ids = [];
  for (let i = 0; i < PHOTOS; i++) {
    const face = (x, y) => ({ input: { create: { width: 110, height: 110, channels: 3, background: { r: 230, g: 20, b: 20 } } }, left: x, top: y });
    const faces = [face(100 + (i * 37) % 300, 120 + (i * 53) % 200), ...(i % 2 ? [face(700, 400)] : [])];
    const flat = await sharp({ create: { width: 1024, height: 768, channels: 3, background: { r: 20 + (i % 50), g: 60, b: 200 } } }).composite(faces).raw().toBuffer();
    // Grain (±20 per channel, still red on the faces, still blue elsewhere) so the outputs are photo-sized
    // (MBs, not the KBs of flat colour): outputs held in memory instead of streamed would then show.
    let seed = i + 1;
    for (let k = 0; k < flat.length; k++) {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; // xorshift32
      flat[k] = Math.min(255, Math.max(0, flat[k] + (seed % 41) - 20));
    }
    const bytes = await sharp(flat, { raw: { width: 1024, height: 768, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    const res = await fetch(`${BASE}/api/photos?filename=bench-${i}.jpg`, { method: 'PUT', body: bytes, headers: auth });
    ids.push((await res.json()).photo.id);
  }
  for (const deadline = Date.now() + 30 * 60_000; ; await new Promise((r) => setTimeout(r, 2000))) {
    const res = await fetch(`${BASE}/api/status`, { headers: auth });
    const { counts } = await res.json();
    if (counts.completed >= PHOTOS) break;
    if (Date.now() > deadline) throw new Error(`photos still developing: ${JSON.stringify(counts)}`);
  }
  return ids;
}

/** RSS of every process of this run's Chromium (browser, renderer with the page and the export worker, GPU, utility), kB. */
function chromiumRss() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profile)) continue;
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

try {
  await importModels();
  let t = performance.now();
  await uploadPhotos();
  console.log(`${PHOTOS} photos uploaded and developed in ${((performance.now() - t) / 1000).toFixed(0)} s   (load ${load()})`);

  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumExecutable().path, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 860 }, acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(BASE);
  await page.getByLabel('Library token').fill(TOKEN);
  await page.getByRole('button', { name: 'Open library' }).click();
  await page.locator('li.tile').first().waitFor({ timeout: 60_000 });
  // Every page of the gallery loaded (infinite scroll), then Select all.
  for (let i = 0; i < 200; i++) {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForTimeout(300);
    await page.getByRole('button', { name: 'Select all' }).click();
    if ((await page.getByTestId('selected-count').textContent().catch(() => '')) === `${PHOTOS} selected`) break;
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByRole('button', { name: 'Export…' }).click();
  await page.getByLabel('Crop faces').check();
  await page.getByLabel('Background model').selectOption(MODEL);
  await page.locator('.export-panel details summary').click();
  await page.getByLabel('Models').selectOption(COMPUTE === 'real' ? 'bench' : 'tiny');

  const before = chromiumRss();
  let peak = before;
  const marks = new Map([[Math.ceil(PHOTOS / 4), null], [Math.ceil(PHOTOS / 2), null], [PHOTOS, null]]); // photos done → [RSS, peak RSS] then
  const download = page.waitForEvent('download', { timeout: 6 * 60 * 60_000 });
  t = performance.now();
  await page.getByRole('button', { name: 'Export ZIP' }).click();
  let firstDone = null;
  for (;;) {
    const rss = chromiumRss();
    peak = Math.max(peak, rss);
    const done = await page.locator('.export-panel li[data-step="done"], .export-panel li[data-step="failed"]').count();
    if (done >= 1 && firstDone === null) firstDone = performance.now();
    for (const [at, seen] of marks) {
      if (seen === null && done >= at) {
        marks.set(at, [rss, peak]);
        console.log(`${String(at).padStart(4)} photos: ${((performance.now() - t) / 1000).toFixed(1).padStart(7)} s   browser RSS ${mb(rss).padStart(8)}   peak so far ${mb(peak).padStart(8)}   (load ${load()})`);
      }
    }
    if (done >= PHOTOS) break;
    await page.waitForTimeout(250);
  }
  const zip = await (await download).path();
  const elapsed = (performance.now() - t) / 60_000;
  const steady = (performance.now() - firstDone) / 60_000;
  const failed = await page.locator('.export-panel li[data-step="failed"]').count();
  const { size } = await import('node:fs').then((fs) => fs.statSync(zip));
  console.log(`export (${MODEL}, ${COMPUTE} compute): ${PHOTOS} photos in ${(elapsed * 60).toFixed(1)} s = ${(PHOTOS / elapsed).toFixed(1)} photos/min `
    + `(${((PHOTOS - 1) / steady).toFixed(1)} photos/min after the first, i.e. without model loading); ${failed} failed; ZIP ${(size / 1048576).toFixed(1)} MB`);
  const [first, last] = [[...marks.values()][0], [...marks.values()].at(-1)];
  const growth = (a, b) => `${b >= a ? '+' : '−'}${mb(Math.abs(b - a))}`;
  console.log(`browser RSS before ${mb(before)}, peak ${mb(peak)} (+${mb(peak - before)}); from ${Math.ceil(PHOTOS / 4)} to ${PHOTOS} photos: `
    + `RSS ${growth(first[0], last[0])}, peak ${growth(first[1], last[1])}   (load ${load()})`);
  await context.close();
} finally {
  server.stop();
  rmSync(state, { recursive: true, force: true });
}
