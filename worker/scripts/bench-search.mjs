// `npm run bench:search`: 100,000 photos with random 512-d embeddings written straight into D1 (not through
// the UI) and indexed by the library's real index object (its rebuild from D1); then POST /api/search top-20
// latency, the index's memory, the cost of one update, and the D1 rows each query reads (X-D1-Rows-Read:
// D1's meta.rows_read summed over the queries of the request) at 10,000 and at 100,000 photos.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, run, startWrangler } from './lib.mjs';

const TOKEN = 'bench-token';
const PORT = Number(process.env.BENCH_PORT ?? 8813);
const BASE = `http://127.0.0.1:${PORT}`;
const DIMS = 512;
const TOTAL = Number(process.env.BENCH_PHOTOS ?? 100_000);
const QUERIES = 200;
const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-search-'));
// darkroom's own config with the bench entry (darkroom + /__bench/* seeding routes) and no static assets.
const config = path.join(state, 'wrangler.toml');
writeFileSync(config, readFileSync(path.join(root, 'wrangler.toml'), 'utf8')
  .replace(/^main = .*$/m, `main = "${path.join(root, 'worker/scripts/bench/search-seed.ts')}"`)
  .replace(/^migrations_dir = .*$/m, `migrations_dir = "${path.join(root, 'migrations')}"`)
  .replace(/^\[assets\][\s\S]*?(?=^\[)/m, ''));
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--config', config, '--persist-to', state], { stdio: 'ignore' });
const server = await startWrangler({ port: PORT, config, persistTo: state, extraArgs: ['--var', `API_TOKEN:${TOKEN}`], quiet: !process.env.BENCH_VERBOSE });

/** RSS of the wrangler process group's biggest workerd (the one running the Worker and its objects). */
function workerdRss() {
  const out = execFileSync('ps', ['-eo', 'pgid=,rss=,args='], { encoding: 'utf8' });
  const rss = out.split('\n').filter((l) => l.trim().startsWith(`${server.child.pid} `) && l.includes('workerd')).map((l) => Number(l.trim().split(/\s+/)[1]) * 1024);
  return Math.max(0, ...rss);
}

/** CPU seconds used so far by the wrangler process group (node, the proxy and the user workerd). */
function groupCpu() {
  const out = execFileSync('ps', ['-eo', 'pgid=,pid='], { encoding: 'utf8' });
  let ticks = 0;
  for (const line of out.split('\n')) {
    const [pgid, pid] = line.trim().split(/\s+/).map(Number);
    if (pgid !== server.child.pid) continue;
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // exited
    }
  }
  return ticks / 100;
}

const bench = async (route) => {
  const res = await fetch(`${BASE}/__bench/${route}`);
  if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
  return res.json();
};

function randomVector() {
  return Array.from({ length: DIMS }, () => Math.random() * 2 - 1);
}

async function search(body) {
  const started = performance.now();
  const res = await fetch(`${BASE}/api/search`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`search ${res.status} ${text.slice(0, 2000)}`);
  const json = JSON.parse(text);
  const timing = Object.fromEntries(res.headers.get('Server-Timing').split(',').map((p) => {
    const [name, dur] = p.trim().split(';dur=');
    return [name, Number(dur)];
  }));
  return { ms, rows: Number(res.headers.get('X-D1-Rows-Read')), timing, results: json.results.length };
}

const MODEL = { id: 'bench/clip', version: '1' };
const KINDS = {
  'vector, top 20': () => ({ vector: { model: MODEL, values: randomVector() }, limit: 20 }),
  'vector + camera + dates': () => ({ vector: { model: MODEL, values: randomVector() }, camera: 'iPhone 4', from: '2018-01-01', to: '2021-12-31', limit: 20 }),
  'vector + near 2000 km': () => ({ vector: { model: MODEL, values: randomVector() }, near: { lat: 48.85, lon: 2.29, km: 2000 }, kind: 'image', limit: 20 }),
  'newest first + camera': () => ({ camera: 'Pixel 7', limit: 20 }),
};

/** The same page of 20 photos from GET /api/photos: what reading and signing 20 photos costs without search. */
async function listPage() {
  const started = performance.now();
  const res = await fetch(`${BASE}/api/photos?limit=20`, { headers: auth });
  await res.arrayBuffer();
  return { ms: performance.now() - started, rows: NaN };
}

async function measure(label, n) {
  for (let i = 0; i < 10; i++) await search(KINDS['vector, top 20']()); // warm the isolate and the JIT
  console.log(`\n${label}: POST /api/search (${n} sequential queries each; ms)`);
  console.log('query                        p50 ms  p99 ms  CPU ms/query  D1 rows read/query  server p50 ms: index-sync / index / photos');
  const cases = [...Object.entries(KINDS).map(([name, make]) => [name, () => search(make())]), ['(GET /api/photos, 20: baseline)', listPage]];
  for (const [name, once] of cases) {
    const runs = [];
    const cpu0 = groupCpu();
    for (let i = 0; i < n; i++) runs.push(await once());
    const cpu = ((groupCpu() - cpu0) * 1000) / n;
    const rows = [...new Set(runs.map((r) => r.rows))].sort((a, b) => a - b);
    const server = runs[0].timing ? ['index-sync', 'index', 'photos'].map((k) => pct(runs.map((r) => r.timing[k]), 50).toFixed(1)).join(' / ') : '';
    const rowText = rows.length > 3 ? `${rows[0]}–${rows.at(-1)}` : rows.join(', ');
    console.log(`${name.padEnd(28)} ${pct(runs.map((r) => r.ms), 50).toFixed(1).padStart(6)} ${pct(runs.map((r) => r.ms), 99).toFixed(1).padStart(7)} ${cpu.toFixed(1).padStart(13)}   ${rowText.padEnd(18)}  ${server}`);
  }
  console.log(`(load average during the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores)`);
}

async function seedTo(from, to) {
  const started = performance.now();
  for (let n = from; n < to; n += 1000) await bench(`seed?from=${n}&count=${Math.min(1000, to - n)}&dims=${DIMS}`);
  return performance.now() - started;
}

try {
  const rss0 = workerdRss();
  let seeded = 0;
  for (const size of [Math.min(10_000, TOTAL), TOTAL]) {
    const seedMs = await seedTo(seeded, size);
    seeded = size;
    const rebuild = await bench('rebuild');
    const stats = await bench('stats');
    console.log(`\n=== ${size.toLocaleString('en')} photos, ${stats.embeddings.toLocaleString('en')} embeddings (${stats.model}, ${stats.dims}-d int8) ===`);
    console.log(`seeded into D1 in ${(seedMs / 1000).toFixed(1)} s; index rebuilt from D1 in ${(rebuild.ms / 1000).toFixed(1)} s reading ${rebuild.rowsRead.toLocaleString('en')} D1 rows (once)`);
    console.log(`index memory: ${mb(stats.memoryBytes)} (WebAssembly rows + columns); DO SQLite storage ${mb(stats.storageBytes)}; workerd RSS ${mb(workerdRss())} (was ${mb(rss0)} before seeding)`);
    await measure(`${size.toLocaleString('en')} photos`, size === TOTAL ? QUERIES : 50);
    const dupStarted = performance.now();
    const cpu0 = groupCpu();
    const dups = await fetch(`${BASE}/api/search/near-duplicates`, { headers: auth });
    const body = await dups.json();
    console.log(`GET /api/search/near-duplicates (threshold ${body.threshold}): ${(performance.now() - dupStarted).toFixed(0)} ms wall, `
      + `${((groupCpu() - cpu0) * 1000).toFixed(0)} ms CPU, ${body.groups.length} groups (random vectors: none expected), D1 rows read ${dups.headers.get('X-D1-Rows-Read')}`);
  }

  // One analysis result arriving: its row, embedding and event in D1; the next query's catch-up applies it.
  console.log('\nOne update (an analysis.completed event → the index), 30 times:');
  const sync = [];
  const rows = [];
  const quiet = [];
  for (let i = 0; i < 30; i++) {
    await bench(`update?n=${TOTAL + i}&dims=${DIMS}`);
    const after = await search(KINDS['vector, top 20']());
    sync.push(after.timing['index-sync']);
    rows.push(after.rows);
    quiet.push((await search(KINDS['vector, top 20']())).timing['index-sync']);
  }
  const stats = await bench('stats');
  console.log(`  catch-up in the index p50 ${pct(sync, 50).toFixed(2)} ms, p99 ${pct(sync, 99).toFixed(2)} ms (nothing new: p50 ${pct(quiet, 50).toFixed(2)} ms); `
    + `D1 rows read by the query that applies it: ${pct(rows, 50)} (event + embedding + the page); DO storage: 1 row written; index now ${stats.photos.toLocaleString('en')} photos`);
} finally {
  server.stop();
  rmSync(state, { recursive: true, force: true });
}
