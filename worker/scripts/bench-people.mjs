// `npm run bench:people`: people clustering quality, speed and memory.
//  1. In Node, on synthetic SFace-like embeddings (128-d; identities of 1–500 faces, look-alikes, noisy
//     faces; int8-stored like D1 stores them): purity and recall of the incremental path and of the full
//     re-clustering, and the time and memory of re-clustering 50,000 faces. Each case runs in its own
//     process, so peak RSS belongs to that case alone.
//  2. Through the API of a running `wrangler dev` (local D1): the time one face adds to posting analysis
//     results — POSTs with 10 faces against POSTs with none, in a library that already holds thousands —
//     and how much of it is assignment: 10 faces with embeddings against 10 faces without (stored, given
//     ids, never clustered).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import sharp from 'sharp';
import { root, run, startWrangler } from './lib.mjs';

const FACES = Number(process.env.BENCH_PEOPLE_FACES ?? 50_000);
const THRESHOLD = 0.363; // SFace (worker/people/thresholds.ts)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The clustering modules, bundled from TypeScript for Node. */
async function loadModules(dir) {
  const entry = path.join(dir, 'entry.ts');
  writeFileSync(entry, ['cluster', 'recluster', 'synthetic', 'vectors', 'thresholds'].map((m) => `export * from '${path.join(root, 'worker/people', m)}';`).join('\n'));
  const out = path.join(dir, 'people.mjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning' });
  return import(pathToFileURL(out).href);
}

/** One case in this process: prints a JSON line. */
async function runCase(name, dir) {
  const m = await loadModules(dir);
  const faces = m.synthetic({ faces: FACES, seed: 2026 });
  // Stored as int8 and read back, exactly as D1 holds them.
  for (const f of faces) {
    const q = m.quantize(f.vec);
    f.vec = m.dequantize(q.bytes, q.scale);
  }
  let n = 0;
  const newId = () => `p${n++}`;
  const incremental = () => {
    const c = new m.Clusterer(THRESHOLD, newId);
    const person = new Map();
    const t = performance.now();
    for (const f of faces) {
      const out = c.add(f.id, f.vec);
      if (out.personId) person.set(f.id, out.personId);
      for (const j of out.joined) person.set(j.faceId, j.personId);
    }
    return { person, ms: performance.now() - t, people: [...c.people.keys()] };
  };
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let result;
  if (name === 'incremental') {
    const r = incremental();
    result = { quality: m.quality(faces, (id) => r.person.get(id) ?? null), msPerFace: r.ms / faces.length };
  } else {
    const base = name === 'recluster-after-incremental' ? incremental() : { person: new Map(), people: [] };
    const input = faces.map((f) => ({ id: f.id, vec: f.vec, personId: base.person.get(f.id) ?? null }));
    const t = performance.now();
    const plan = m.recluster(input, base.people.map((id) => ({ id, locked: false })), { threshold: THRESHOLD, newId, maxWaiting: Infinity });
    const ms = performance.now() - t;
    result = {
      quality: m.quality(faces, (id) => plan.assign.get(id) ?? base.person.get(id) ?? null), ms,
      created: plan.created.length, folded: plan.folded.length, deferred: plan.deferred,
    };
  }
  result.rssBeforeMB = rssBefore / 2 ** 20;
  result.rssMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify(result));
}

function child(name, dir) {
  const res = spawnSync(process.execPath, ['--expose-gc', import.meta.filename, '--case', name, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (res.status !== 0) throw new Error(`${name} failed`);
  return JSON.parse(res.stdout.trim().split('\n').pop());
}

const pct = (x) => `${(x * 100).toFixed(2)}%`;

async function clusteringReport(dir) {
  const m = await loadModules(dir);
  const faces = m.synthetic({ faces: FACES, seed: 2026 });
  const sizes = [...Map.groupBy(faces, (f) => f.truth).values()].map((g) => g.length);
  console.log(`Synthetic library: ${faces.length} faces, ${sizes.length} identities of 1–${Math.max(...sizes)} faces (median ${median(sizes)}), 128-d, threshold ${THRESHOLD}`);
  for (const name of ['incremental', 'recluster-after-incremental', 'recluster-from-scratch']) {
    const r = child(name, dir);
    const q = r.quality;
    console.log(`  ${name.padEnd(28)} purity ${pct(q.purity)}  recall ${pct(q.recall)}  people ${q.people}  waiting ${q.unassigned}` +
      (r.msPerFace !== undefined ? `  ${r.msPerFace.toFixed(3)} ms/face in memory` : `  ${(r.ms / 1000).toFixed(2)} s (created ${r.created}, folded ${r.folded}, deferred ${r.deferred})`) +
      `  RSS ${r.rssBeforeMB.toFixed(0)} → peak ${r.rssMB.toFixed(0)} MB`);
  }
  console.log('  (goals: purity ≥ 95%, recall ≥ 90%; recall counts identities with ≥ 3 faces, a face left waiting counts as missed.');
  console.log('   RSS: before clustering, with the 50k faces as float32 in memory → peak of the case. The cron job bounds a run to');
  console.log('   20,000 waiting faces; "from scratch" here lifts that bound to time all 50,000 at once.)');
}

async function apiReport(dir) {
  const TOKEN = 'bench-token';
  const PORT = 8797;
  const BASE = `http://127.0.0.1:${PORT}`;
  const auth = { Authorization: `Bearer ${TOKEN}` };
  mkdirSync(path.join(root, 'dist'), { recursive: true }); // wrangler wants the assets folder; the API needs no build
  const state = path.join(dir, 'state');
  run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: 'ignore' });
  const server = await startWrangler({ port: PORT, persistTo: state, extraArgs: ['--var', `API_TOKEN:${TOKEN}`], quiet: true });
  try {
    const m = await loadModules(dir);
    const SEED_PHOTOS = 30;
    const MEASURED = 25;
    const ids = [];
    for (let i = 0; i < SEED_PHOTOS + 3 * MEASURED; i++) {
      const jpg = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: i % 256, g: (i * 7) % 256, b: (i * 13) % 256 } } }).jpeg().toBuffer();
      const res = await fetch(`${BASE}/api/photos?filename=bench-${i}.jpg`, { method: 'PUT', body: jpg, headers: auth });
      ids.push((await res.json()).photo.id);
    }
    // The library's model set: results of other models are refused (settings.analysis).
    const analysis = { embedding: { id: 'bench/clip', dims: 8 }, faces: { id: 'opencv/yunet-sface' }, faceEmbedding: { id: 'opencv/yunet-sface', dims: 128 } };
    const set = await fetch(`${BASE}/api/settings`, { method: 'PUT', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ analysis }) });
    if (set.status !== 200) throw new Error(`settings: ${set.status} ${await set.text()}`);
    const jobs = new Map();
    // Leases are capped per client (8 each): the bench is many clients, one per claim.
    for (let client = 0; jobs.size < ids.length; client++) {
      const res = await fetch(`${BASE}/api/analysis/claim`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ max: 32, device: { backend: 'wasm' }, clientId: `bench-${client}` }) });
      for (const j of (await res.json()).jobs) jobs.set(j.photoId, j);
      if (jobs.size < ids.length) await new Promise((r) => setTimeout(r, 300));
    }
    // Faces from the same synthetic generator; posting order is arrival order.
    const pool = m.synthetic({ faces: SEED_PHOTOS * 100 + MEASURED * 10, seed: 7, maxSize: 200 });
    let next = 0;
    const box = (i) => [(i % 10) * 0.1, Math.floor(i / 10) * 0.1, 0.05, 0.05];
    const post = async (photoId, nFaces, embedded = true) => {
      const faces = Array.from({ length: nFaces }, (_, i) => ({ box: box(i), score: 0.9, ...(embedded && { embedding: Array.from(pool[next++].vec, (x) => Math.round(x * 1e6) / 1e6) }) }));
      const body = { lease: jobs.get(photoId).lease, models: { embedding: { id: 'bench/clip' }, faces: { id: 'opencv/yunet-sface' } }, embedding: { dims: 8, values: [1, 0, 0, 0, 0, 0, 0, 0] }, faces, device: { backend: 'wasm' } };
      const t = performance.now();
      const res = await fetch(`${BASE}/api/analysis/${photoId}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const ms = performance.now() - t;
      if (res.status !== 200) throw new Error(`post: ${res.status} ${await res.text()}`);
      return ms;
    };
    for (const id of ids.slice(0, SEED_PHOTOS)) await post(id, 100);
    const people = (await (await fetch(`${BASE}/api/people`, { headers: auth })).json()).people;
    const withFaces = [];
    const without = [];
    const unembedded = [];
    // Interleaved, so drift in machine load hits the three alike.
    for (let i = 0; i < MEASURED; i++) {
      without.push(await post(ids[SEED_PHOTOS + 3 * i], 0));
      withFaces.push(await post(ids[SEED_PHOTOS + 3 * i + 1], 10));
      unembedded.push(await post(ids[SEED_PHOTOS + 3 * i + 2], 10, false));
    }
    const [none, ten, plain] = [median(without), median(withFaces), median(unembedded)];
    console.log(`\nThrough the API (wrangler dev, local D1), library seeded with ${SEED_PHOTOS * 100} faces → ${people.length} people; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores:`);
    console.log(`  POST /api/analysis/:id, median of ${MEASURED}: no faces ${none.toFixed(1)} ms, 10 faces ${ten.toFixed(1)} ms, 10 faces without embeddings ${plain.toFixed(1)} ms`);
    console.log(`  per face, all of it (validate, store, id, assign, events): ${((ten - none) / 10).toFixed(2)} ms`);
    console.log(`  per face, assigning it to a person (with − without embeddings): ${((ten - plain) / 10).toFixed(2)} ms   (goal ≤ 5 ms)`);
  } finally {
    server.stop();
  }
}

if (process.argv[2] === '--case') {
  await runCase(process.argv[3], process.argv[4]);
} else {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-people-'));
  try {
    await clusteringReport(dir);
    if (!process.env.BENCH_PEOPLE_SKIP_API) await apiReport(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
