// `npm run bench:gallery`: 100,000 photo rows seeded straight into D1 (bench/gallery-seed.mjs, with
// ThumbHash placeholders, no pipeline), the built app served by `wrangler dev`, and headless Chromium on
// a desktop and a phone viewport (bench/gallery-page.mjs): first paint, frame times while scrolling top
// to bottom and while dragging the scrubber, long tasks, DOM nodes and JS heap at the start and the end;
// and GET /api/photos latency at depth 0 and 90,000, /timeline with the D1 rows it read, and GET
// /api/status (the seed gives each photo three finished stages); last, the
// server's CPU per upload into this library against an empty one (bench/upload-depth.mjs).
// BENCH_PHOTOS and BENCH_SCROLL_S shrink it for a quick run; BENCH_VERBOSE=1 logs each step.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../web/e2e/chromium.mjs';
import { measureGallery, FRAME_FLAGS } from './bench/gallery-page.mjs';
import { gallerySeedSql, galleryStagesSql, seedId, seedTime } from './bench/gallery-seed.mjs';
import { EMPTY_TOKEN, emptyLibrarySql, uploadDepth } from './bench/upload-depth.mjs';
import { run, startWrangler } from './lib.mjs';

const TOKEN = 'bench-token';
const TOTAL = Number(process.env.BENCH_PHOTOS ?? 100_000);
// 30 s of scrolling (~1M px): Chromium stops drawing this page after ~45 s of it (bench/gallery-page.mjs).
const SCROLL_S = Number(process.env.BENCH_SCROLL_S ?? 30);
const pct = (xs, p) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
const ms = (x) => `${x.toFixed(1)} ms`;
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const VERBOSE = !!process.env.BENCH_VERBOSE;
const began = performance.now();
/** BENCH_VERBOSE=1: each step with the time since the start, so a stall shows where it is. */
const step = (what) => VERBOSE && console.log(`  [${((performance.now() - began) / 1000).toFixed(1)} s] ${what}`);
/** A page call that never answers fails the run with its name instead of hanging it. */
const within = (promise, seconds, what) => Promise.race([
  promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${seconds} s`)), seconds * 1000).unref()),
]);

const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const BASE = `http://127.0.0.1:${port}`;
const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-gallery-'));
run('vite', ['build', '--logLevel', 'warn']);
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: 'ignore' });
const seedFile = path.join(state, 'seed.sql');
const NOW = Date.now();
writeFileSync(seedFile, `${gallerySeedSql(TOTAL, { now: NOW })}\n${galleryStagesSql()}\n${await emptyLibrarySql(NOW)}`);
let t = performance.now();
run('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', state, '--file', seedFile], { stdio: 'ignore' });
console.log(`seeded ${TOTAL.toLocaleString()} photos into D1 in ${((performance.now() - t) / 1000).toFixed(1)} s   (load ${load()})`);
const server = await startWrangler({ port, persistTo: state, extraArgs: ['--var', `API_TOKEN:${TOKEN}`], quiet: !process.env.BENCH_VERBOSE });

try {
  // API: a page of 60 newest first, and the page after the 90,000th photo (seed ids are known), in
  // upload order and in the timeline's order (the seed has no EXIF: its sort key is the upload time);
  // the timeline (every day's count) the gallery loads first.
  const depth = Math.min(90_000, TOTAL - 100);
  const cursor = seedId(depth, { count: TOTAL, now: NOW });
  const takenCursor = `${new Date(seedTime(depth, { count: TOTAL, now: NOW })).toISOString().slice(0, 19)}~${cursor}`;
  const get = async (q) => {
    const s = performance.now();
    const res = await fetch(`${BASE}/api/photos${q}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const body = await res.json();
    if (!res.ok || !(body.photos?.length === 60 || body.months?.length)) throw new Error(`GET /api/photos${q}: ${res.status}`);
    return { ms: performance.now() - s, body, rowsRead: res.headers.get('X-D1-Rows-Read') };
  };
  for (const [label, q] of [
    ['depth 0', '?limit=60'], [`depth ${depth.toLocaleString()}`, `?limit=60&cursor=${cursor}`],
    ['taken, depth 0', '?order=taken&limit=60'], [`taken, depth ${depth.toLocaleString()}`, `?order=taken&limit=60&cursor=${encodeURIComponent(takenCursor)}`],
    ['taken, at a month', `?order=taken&limit=60&at=${new Date(seedTime(depth, { count: TOTAL, now: NOW })).toISOString().slice(0, 7)}`],
    ['/timeline', '/timeline'],
  ]) {
    const times = [];
    let body;
    let rowsRead;
    for (let i = 0; i < 25; i++) ({ ms: times[i], body, rowsRead } = await get(q));
    const size = body.months
      ? `, ${body.months.length} months, ${body.months.reduce((n, m) => n + m.days.length, 0)} days, ${JSON.stringify(body).length.toLocaleString()} B, D1 rows read ${Number(rowsRead).toLocaleString()}`
      : '';
    console.log(`GET /api/photos${q.startsWith('/') ? q : ''} ${label.padEnd(22)} p50 ${ms(pct(times, 50))}  p95 ${ms(pct(times, 95))}${size}   (load ${load()})`);
  }
  // The dashboard's and the analysis tab's snapshot, read up to once a second while photos move.
  const statusTimes = [];
  for (let i = 0; i < 25; i++) {
    const s = performance.now();
    const res = await fetch(`${BASE}/api/status`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const body = await res.json();
    if (!res.ok || body.counts?.completed !== TOTAL) throw new Error(`GET /api/status: ${res.status} ${JSON.stringify(body.counts)}`);
    statusTimes.push(performance.now() - s);
  }
  console.log(`GET /api/status (${TOTAL.toLocaleString()} photos, ${(3 * TOTAL).toLocaleString()} stages)  p50 ${ms(pct(statusTimes, 50))}  p95 ${ms(pct(statusTimes, 95))}   (load ${load()})`);

  const browser = await chromium.launch({ executablePath: chromiumExecutable().path, headless: true, args: [...CHROMIUM_ARGS, ...FRAME_FLAGS] });
  try {
    for (const [name, viewport, scale] of [['desktop 1280×860', { width: 1280, height: 860 }, 1], ['phone 390×844 @3x', { width: 390, height: 844 }, 3]]) {
      const lines = await measureGallery(browser, { name, viewport, scale, base: BASE, token: TOKEN, scrollSeconds: SCROLL_S, step, within });
      console.log(`\n${name}   (load ${load()})\n${lines.join('\n')}`);
    }
  } finally {
    await browser.close();
  }

  console.log(`\nuploads into a big library   (load ${load()})`);
  const lines = await uploadDepth({
    base: BASE, serverPid: server.child.pid,
    libraries: [{ name: `the ${TOTAL.toLocaleString()}-photo library`, token: TOKEN }, { name: 'an empty library', token: EMPTY_TOKEN }],
  });
  console.log(lines.join('\n'));
} finally {
  server.stop();
  rmSync(state, { recursive: true, force: true });
}
