// `npm run bench:feed`: latency from the D1 commit of a change to its receipt by feed clients, with 1, 100
// and 1,000 sockets open on one library (the per-library cap is raised with FEED_MAX_SOCKETS), and the same for a dashboard polling /api/status every 5 s.
// Each event carries `at`, the commit time taken in the Worker; clients compare it with their clock
// (same machine). Every socket's receipt of every event counts, so fan-out skew is included.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, run, startWrangler } from './lib.mjs';

const TOKEN = 'bench-token';
const PORT = 8797;
const BASE = `http://127.0.0.1:${PORT}`;
const auth = { Authorization: `Bearer ${TOKEN}` };
const photo = readFileSync(path.join(root, 'worker/test/fixtures/photos/photo-kodak-gps-south.jpg'));
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function upload() {
  const body = Buffer.concat([photo, Buffer.from(`bench-${Math.random()}`)]);
  const sha = createHash('sha256').update(body).digest('hex');
  const res = await fetch(`${BASE}/api/photos?filename=feed.jpg`, { method: 'PUT', body, headers: { ...auth, 'X-Content-SHA256': sha } });
  if (res.status !== 201) throw new Error(`upload ${res.status}`);
  return (await res.json()).photo.id;
}

function openSockets(n, onEvent) {
  return Promise.all(
    Array.from({ length: n }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${PORT}/api/live`, ['darkroom.v1', `bearer.${TOKEN}`]);
      ws.onmessage = (e) => {
        const receivedAt = Date.now();
        const frame = JSON.parse(e.data);
        for (const event of Array.isArray(frame) ? frame : [frame]) onEvent(event, receivedAt);
      };
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error('socket failed to open'));
    })),
  );
}

const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-feed-'));
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: 'ignore' });
const server = await startWrangler({ port: PORT, persistTo: state, extraArgs: ['--var', `API_TOKEN:${TOKEN}`, '--var', 'FEED_MAX_SOCKETS:2000'], quiet: true });
try {
  await upload(); // warm the isolate, the queue and the Durable Object
  await sleep(1500);
  console.log('\nFeed latency: D1 commit → receipt by each client (ms), 10 photos uploaded one by one');
  console.log('sockets   events received   p50     p99     max');
  for (const n of [1, 100, 1000]) {
    const latencies = [];
    let completed = 0;
    const sockets = await openSockets(n, (e, receivedAt) => {
      if (typeof e.at !== 'number') return; // hello
      latencies.push(receivedAt - e.at);
      if (e.type === 'photo.completed') completed++;
    });
    await sleep(300);
    for (let i = 0; i < 10; i++) {
      await upload();
      await sleep(150);
    }
    const deadline = Date.now() + 60_000;
    while (completed < 10 * n && Date.now() < deadline) await sleep(50);
    for (const ws of sockets) ws.close();
    if (completed < 10 * n) console.log(`  (only ${completed}/${10 * n} completions arrived)`);
    console.log(`${String(n).padStart(7)}   ${String(latencies.length).padStart(15)}   ${pct(latencies, 50).toFixed(0).padStart(5)}   ${pct(latencies, 99).toFixed(0).padStart(5)}   ${Math.max(...latencies).toFixed(0).padStart(5)}`);
    await sleep(500);
  }

  // The polling alternative: a dashboard that asks /api/status every 5 s sees a completion when it polls next.
  console.log('\nPolling /api/status every 5 s: completion → seen by the poller (ms), 10 photos at random times');
  const seen = new Map();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const status = await (await fetch(`${BASE}/api/status`, { headers: auth })).json();
      for (const p of status.recentlyCompleted) if (!seen.has(p.id)) seen.set(p.id, Date.now() - Date.parse(p.completedAt));
      await sleep(5000);
    }
  })();
  await sleep(5200); // let the first poll record what already existed
  const before = new Set(seen.keys());
  for (let i = 0; i < 10; i++) {
    await upload();
    await sleep(500 + Math.random() * 2500);
  }
  await sleep(5500);
  polling = false;
  await poller;
  const polled = [...seen].filter(([id]) => !before.has(id)).map(([, ms]) => ms);
  console.log(`  n=${polled.length}   p50 ${pct(polled, 50).toFixed(0)} ms   p99 ${pct(polled, 99).toFixed(0)} ms`);
} finally {
  server.stop();
  rmSync(state, { recursive: true, force: true });
}
