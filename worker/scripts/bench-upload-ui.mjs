// `npm run bench:upload-ui`: the web app's upload queue against the wire. Same run, same server: 1,000
// unique 128 KB JPEG-headed files sent by a plain Node client (PUT, concurrency 16), then 1,000 other
// unique files of the same size picked as a folder in headless Chromium, timed until the queue has them
// all acknowledged. Then 10,000 small files picked at once, with a PerformanceObserver counting long
// tasks while the queue fills. BENCH_FILES shrinks it for a quick run.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../web/e2e/chromium.mjs';
import { root, run, startWrangler } from './lib.mjs';

const TOKEN = 'bench-token';
const FILES = Number(process.env.BENCH_FILES ?? 1000);
const SMALL = Number(process.env.BENCH_SMALL_FILES ?? 10_000);
const SIZE = 128 * 1024;
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const jpegHead = readFileSync(path.join(root, 'worker/test/fixtures/photos/photo-noexif.jpg')).subarray(0, 4096);
let counter = 0;

/** A JPEG-headed body, unique per call so dedupe never short-cuts it. */
function body(size) {
  const buf = Buffer.allocUnsafe(size);
  jpegHead.copy(buf, 0, 0, Math.min(jpegHead.length, size));
  for (let i = jpegHead.length; i + 4 <= size; i += 4) buf.writeUInt32LE((i * 2654435761) >>> 0, i);
  buf.writeDoubleLE(++counter + Math.random(), size - 8);
  return buf;
}

const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const BASE = `http://127.0.0.1:${port}`;
const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-upload-ui-'));
run('vite', ['build', '--logLevel', 'warn']);
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: 'ignore' });
const server = await startWrangler({ port, persistTo: state, extraArgs: ['--var', `API_TOKEN:${TOKEN}`], quiet: !process.env.BENCH_VERBOSE });

try {
  // 1. The wire: a plain client, 16 requests in flight.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const payloads = Array.from({ length: FILES }, () => body(SIZE));
  const put = (buf, i) => new Promise((resolve, reject) => {
    const req = http.request(`${BASE}/api/photos?filename=node-${i}.jpg`, {
      method: 'PUT', agent,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Length': buf.length, 'X-Content-SHA256': createHash('sha256').update(buf).digest('hex') },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error(`PUT → ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(buf);
  });
  let next = 0;
  let t = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < FILES) {
      const i = next++;
      await put(payloads[i], i);
    }
  }));
  const wire = (performance.now() - t) / 1000;
  console.log(`node client, concurrency 16: ${FILES} × 128 KB in ${wire.toFixed(1)} s  (${((FILES * SIZE) / 1048576 / wire).toFixed(1)} MB/s)   (load ${load()})`);

  // 2. The app: a folder of other files, picked in Chromium.
  const dir = path.join(state, 'pick');
  mkdirSync(dir);
  for (let i = 0; i < FILES; i++) writeFileSync(path.join(dir, `ui-${i}.jpg`), body(SIZE));
  const browser = await chromium.launch({ executablePath: chromiumExecutable().path, headless: true, args: CHROMIUM_ARGS });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  await page.goto(BASE);
  await page.getByLabel('Library token').fill(TOKEN);
  await page.getByRole('button', { name: 'Open library' }).click();
  await page.getByRole('navigation').getByRole('link', { name: /^Upload/ }).click();
  t = performance.now();
  await page.getByTestId('folder-input').setInputFiles(dir);
  await page.waitForFunction((n) => {
    const q = window.darkroom.queue;
    return q.entries.length >= n && q.entries.every((e) => e.state === 'done' || e.state === 'duplicate' || e.state === 'failed');
  }, FILES, { timeout: 600_000, polling: 50 });
  const app = (performance.now() - t) / 1000;
  const summary = await page.evaluate(() => {
    const q = window.darkroom.queue;
    const by = {};
    const why = {};
    for (const e of q.entries) {
      by[e.state] = (by[e.state] ?? 0) + 1;
      if (e.error) why[e.error] = (why[e.error] ?? 0) + 1;
    }
    return { by, why, lanes: q.concurrency };
  });
  console.log(`web app, folder pick:        ${FILES} × 128 KB in ${app.toFixed(1)} s  (${((FILES * SIZE) / 1048576 / app).toFixed(1)} MB/s)  ${JSON.stringify(summary.by)}, lanes at the end ${summary.lanes}   (load ${load()})`);
  if (Object.keys(summary.why).length) console.log(`failures: ${JSON.stringify(summary.why)}`);
  console.log(`ratio app / wire: ${(app / wire).toFixed(2)}×  (goal ≤ 1.25×)`);

  // 3. 10,000 small files: is the page responsive while the queue fills?
  const small = path.join(state, 'small');
  mkdirSync(small);
  const files = [];
  for (let i = 0; i < SMALL; i++) {
    const f = path.join(small, `s-${i}.jpg`);
    writeFileSync(f, body(2048));
    files.push(f);
  }
  // Long tasks are split at the moment the page is handed the files (the input's change event): before
  // it, the browser is building the FileList (a stat per file, not the app's code); after it, the app.
  await page.evaluate(() => {
    window.__long = [];
    window.__changeAt = null;
    addEventListener('change', () => (window.__changeAt ??= performance.now()), { capture: true });
    new PerformanceObserver((list) => window.__long.push(...list.getEntries().map((e) => [e.startTime, e.duration]))).observe({ type: 'longtask', buffered: false });
  });
  t = performance.now();
  await page.getByTestId('file-input').setInputFiles(files, { timeout: 300_000 });
  await page.waitForFunction((n) => window.darkroom.queue.entries.length >= n, FILES + SMALL, { timeout: 300_000, polling: 50 });
  const filled = (performance.now() - t) / 1000;
  const fromChange = await page.evaluate(() => (performance.now() - window.__changeAt) / 1000);
  await page.waitForTimeout(3000); // and the first seconds of hashing, checking and uploading
  const { long, changeAt } = await page.evaluate(() => { window.darkroom.queue.pause(); return { long: window.__long, changeAt: window.__changeAt }; });
  const browserPart = long.map(([s, d]) => Math.max(0, Math.min(s + d, changeAt) - s));
  const appPart = long.map(([s, d]) => Math.max(0, s + d - Math.max(s, changeAt)));
  const max = (xs) => (xs.length ? Math.max(...xs) : 0).toFixed(0);
  console.log(`10,000 small files: queue filled ${filled.toFixed(1)} s after setInputFiles, ${fromChange.toFixed(1)} s after the page got the files   (load ${load()})`);
  console.log(`  long tasks, the app's part (from the change event on, until 3 s after the fill): ${appPart.filter((d) => d > 0).length}, max ${max(appPart)} ms, over 50 ms: ${appPart.filter((d) => d > 50).length}`);
  console.log(`  long tasks, the browser building the 10,000-file FileList before the page sees it: max ${max(browserPart)} ms`);
  await browser.close();
} finally {
  server.stop();
  rmSync(state, { recursive: true, force: true });
}
