// `npm run bench:lanes`: priority lanes under `wrangler dev`. A fresh upload's ack → thumbnails ready,
// first with idle queues, then with 500 backfill photos queued (uploaded with auto-processing off, then
// handed to the backfill lane by the sweep, as a scheduled batch is). Prints both, the ratio (the goal:
// within 1.5×), and how much backfill was still waiting, to show the backlog was really there.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, run, startWrangler } from './lib.mjs';

const TOKEN = 'bench-token';
const PORT = 8797;
const BASE = `http://127.0.0.1:${PORT}`;
const BACKFILL = Number(process.env.BACKFILL ?? 500);
const RUNS = Number(process.env.RUNS ?? 8);
const FILE = 'photo-pixel-gps.jpg';
const auth = { Authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'Content-Type': 'application/json' };

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const bytes = readFileSync(path.join(root, 'worker/test/fixtures/photos', FILE));
let serial = 0;

async function upload() {
  // Trailing bytes after the JPEG's end marker make a new file (new hash) that decodes the same.
  const body = Buffer.concat([bytes, Buffer.from(`darkroom-bench-lanes-${serial++}-${Math.random()}`)]);
  const sha = createHash('sha256').update(body).digest('hex');
  const res = await fetch(`${BASE}/api/photos?filename=${FILE}`, { method: 'PUT', body, headers: { ...auth, 'X-Content-SHA256': sha } });
  if (res.status !== 201) throw new Error(`upload ${res.status}: ${await res.text()}`);
  return (await res.json()).photo.id;
}

async function settings(patch) {
  const res = await fetch(`${BASE}/api/settings`, { method: 'PUT', headers: json, body: JSON.stringify(patch) });
  if (res.status !== 200) throw new Error(`settings ${res.status}: ${await res.text()}`);
}

async function counts() {
  return (await (await fetch(`${BASE}/api/status`, { headers: auth })).json()).counts;
}

/**
 * Upload ack → thumbnails completed, polled every 10 ms, for RUNS sequential uploads; also from the moment
 * the upload was sent, because locally the 201 itself can wait on work sharing the isolate.
 */
async function ackToThumbnails() {
  const waits = [];
  const fromSent = [];
  for (let i = 0; i < RUNS; i++) {
    const sent = performance.now();
    const id = await upload();
    const acked = performance.now();
    for (;;) {
      const { photo } = await (await fetch(`${BASE}/api/photos/${id}`, { headers: auth })).json();
      if (photo.status === 'failed') throw new Error(`${id} failed: ${photo.error}`);
      if (photo.stages.thumbnails?.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    waits.push(performance.now() - acked);
    fromSent.push(performance.now() - sent);
  }
  return Object.assign(waits, { fromSent });
}

const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-lanes-'));
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: 'ignore' });
const server = await startWrangler({ port: PORT, persistTo: state, extraArgs: ['--var', `API_TOKEN:${TOKEN}`, '--test-scheduled'], quiet: true });
try {
  await settings({ uploadsPerMinute: 100_000, batchSize: BACKFILL });
  await ackToThumbnails(); // warm the isolate and the image service
  const idle = await ackToThumbnails();

  // The backlog: BACKFILL photos uploaded with auto-processing off, then queued by the sweep in one go.
  await settings({ autoProcessOnUpload: false });
  const started = performance.now();
  for (let i = 0; i < BACKFILL; i += 8) await Promise.all(Array.from({ length: Math.min(8, BACKFILL - i) }, upload));
  console.log(`uploaded ${BACKFILL} backfill photos in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await settings({ autoProcessOnUpload: true });
  const sweep = await fetch(`${BASE}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
  if (!sweep.ok) throw new Error(`sweep ${sweep.status}`);
  // Wait until the backfill consumer is really working.
  for (let c = await counts(); c.completed < RUNS * 2 + 3 && c.processing === 0; c = await counts()) await new Promise((r) => setTimeout(r, 100));
  const before = await counts();
  const loaded = await ackToThumbnails();
  const after = await counts();

  const idleP50 = pct(idle, 50);
  const loadedP50 = pct(loaded, 50);
  console.log(`\nUpload ack → thumbnails ready, ${FILE} (${(bytes.length / 1024).toFixed(0)} KB), n=${RUNS} each, wrangler dev, 10 ms polling`);
  console.log(`  idle queues                      p50 ${idleP50.toFixed(0).padStart(5)} ms   p90 ${pct(idle, 90).toFixed(0).padStart(5)} ms`);
  console.log(`  ${BACKFILL} backfill photos queued      p50 ${loadedP50.toFixed(0).padStart(5)} ms   p90 ${pct(loaded, 90).toFixed(0).padStart(5)} ms`);
  console.log(`  ratio (p50 loaded / idle)        ${(loadedP50 / idleP50).toFixed(2)}×   (goal ≤ 1.5×)`);
  const sentIdle = pct(idle.fromSent, 50);
  const sentLoaded = pct(loaded.fromSent, 50);
  console.log(`Upload sent → thumbnails ready (the upload itself included)`);
  console.log(`  idle queues                      p50 ${sentIdle.toFixed(0).padStart(5)} ms   p90 ${pct(idle.fromSent, 90).toFixed(0).padStart(5)} ms`);
  console.log(`  ${BACKFILL} backfill photos queued      p50 ${sentLoaded.toFixed(0).padStart(5)} ms   p90 ${pct(loaded.fromSent, 90).toFixed(0).padStart(5)} ms`);
  console.log(`  ratio (p50 loaded / idle)        ${(sentLoaded / sentIdle).toFixed(2)}×`);
  console.log(`  backfill waiting: ${before.pending + before.processing} when the fresh uploads started, ${after.pending + after.processing} when they were done`);
  console.log(`  (load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores)`);
} finally {
  server.stop();
  rmSync(state, { recursive: true, force: true });
}
