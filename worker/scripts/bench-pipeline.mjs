// `npm run bench:pipeline`: the full output set (3 thumbnails + 2 display variants) for a 12 MP and a
// 24 MP JPEG, developed by darkroom under `wrangler dev` and by sharp (native libvips, decode once, then
// cascade) in this process, side by side; the Images-binding calls each photo made; and the wall time
// from upload ack to the thumbnails' stage event on the live feed.
//
// darkroom's engine for JPEG/PNG/WebP is our WASM codec inside the Worker (worker/engine), so its CPU is
// measured as the CPU of every process of the local stack (wrangler's Node, both workerd processes) from
// upload to the photo's `photo.completed` feed event, minus the upload alone. Nothing polls meanwhile.
// That includes the local R2/D1/Queues/DO simulators, so the same wasm module is also timed on its own in
// this process ("engine"). Each round runs darkroom, sharp and the engine back to back: this machine's
// speed drifts by a quarter over minutes, and a ratio of runs made minutes apart drifted with it.
// Binding calls are counted, not assumed: every call logs `images binding:` (pipeline/engine.ts), and
// wrangler's output is read here; /api/status `engineFallbacks` is compared before and after. A HEIC
// (which the binding develops by design) is the control that shows the counter counts.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { developNode, nodeCodec, sharpCascade } from './bench-codec.mjs';
import { root, run, startWrangler } from './lib.mjs';

const TOKEN = 'bench-token';
const PORT = 8796;
const BASE = `http://127.0.0.1:${PORT}`;
const RUNS = Number(process.env.RUNS ?? 5);
const auth = { Authorization: `Bearer ${TOKEN}` };
const CLK_TCK = 100;
// What the pipeline asks for (pipeline/engine-session.ts): WebP q80, effort 2 for the display variants
// (VARIANT_METHOD), 4 for thumbnails. sharp is measured at exactly these, and at its default (4 everywhere).
const OUR_METHODS = (name) => (name.startsWith('d') ? 2 : 4);
const photo = (name) => readFileSync(path.join(root, 'worker/test/fixtures/photos', name));

function groupStats(pgid) {
  let cpu = 0, rss = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) !== pgid) continue;
      cpu += ((Number(f[11]) + Number(f[12])) / CLK_TCK) * 1000;
      rss += Number(f[21]) * 4096;
    } catch {
      // gone
    }
  }
  return { cpu, rss };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const mb = (n) => (n / 1048576).toFixed(0);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Uploads a copy that is a new file (new hash) but decodes the same; resolves at the ack (201 headers). */
async function uploadUnique(bytes, name) {
  const body = Buffer.concat([bytes, Buffer.from(`darkroom-bench-${Math.random()}`)]);
  const sha = createHash('sha256').update(body).digest('hex');
  const res = await fetch(`${BASE}/api/photos?filename=${name}`, { method: 'PUT', body, headers: { ...auth, 'X-Content-SHA256': sha } });
  const acked = performance.now();
  if (res.status !== 201) throw new Error(`upload ${res.status}: ${await res.text()}`);
  return { id: (await res.json()).photo.id, acked };
}

/** The library's live feed: resolves `when(id, kind)` at the receipt of that photo's event. */
function openFeed() {
  const seen = new Map(), waiting = new Map();
  const note = (key, at) => {
    seen.set(key, at);
    waiting.get(key)?.(at);
  };
  const ws = new WebSocket(`ws://127.0.0.1:${PORT}/api/live`, ['darkroom.v1', `bearer.${TOKEN}`]);
  ws.onmessage = (e) => {
    const at = performance.now();
    for (const ev of [JSON.parse(e.data)].flat()) {
      if (ev.type === 'photo.stage' && ev.status === 'completed') note(`${ev.photoId}:${ev.stage}`, at);
      if (ev.type === 'photo.completed') note(`${ev.photoId}:completed`, at);
      if (ev.type === 'photo.failed') note(`${ev.photoId}:completed`, Number.NaN), console.log(`  ${ev.photoId} failed: ${ev.error}`);
    }
  };
  const when = (id, kind) => {
    const key = `${id}:${kind}`;
    if (seen.has(key)) return Promise.resolve(seen.get(key));
    return Promise.race([
      new Promise((resolve) => waiting.set(key, resolve)),
      sleep(120_000).then(() => Promise.reject(new Error(`no ${kind} event for ${id} within 120 s`))),
    ]);
  };
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve({ when, close: () => ws.close() });
    ws.onerror = () => reject(new Error('live feed failed to open'));
  });
}

/** One sharp cascade in this process: its CPU and how far the process's RSS rose meanwhile. */
async function sharpOnce(bytes, methodFor) {
  let peak = 0;
  const before = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss() - before)), 5);
  const start = process.cpuUsage();
  await sharpCascade(bytes, { methodFor });
  const used = process.cpuUsage(start);
  clearInterval(sampler);
  return { cpu: (used.user + used.system) / 1000, peak };
}

const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-pipeline-'));
const twelve = photo('photo-galaxy-s9-12mp.jpg');
const twentyFour = await sharp(twelve).resize(6000, 4000).jpeg({ quality: 92 }).toBuffer();
const images = [['12 MP', twelve], ['24 MP', twentyFour]];

let bindingCalls = 0, wasmPeak = 0;
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: 'ignore' });
const server = await startWrangler({
  port: PORT, persistTo: state, extraArgs: ['--var', `API_TOKEN:${TOKEN}`],
  onLine(line) {
    if (line.includes('images binding:')) bindingCalls++;
    const peak = line.match(/engine: wasm memory peak ([\d.]+) MB/);
    if (peak) wasmPeak = Math.max(wasmPeak, Number(peak[1]));
  },
});
const feed = await openFeed();
const fallbacks = async () => (await (await fetch(`${BASE}/api/status`, { headers: auth })).json()).engineFallbacks;
/** Uploads `bytes` and waits for `photo.completed`; the binding calls it made (its log lines, once settled). */
async function develop(bytes, name) {
  const before = bindingCalls;
  const { id, acked } = await uploadUnique(bytes, name);
  const done = await feed.when(id, 'completed'); // NaN when the photo failed (its reason is printed)
  return { id, acked, done, failed: Number.isNaN(done), calls: () => bindingCalls - before };
}
try {
  const pgid = server.child.pid;
  const setAuto = (on) => fetch(`${BASE}/api/settings`, { method: 'PUT', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ autoProcessOnUpload: on }) });
  await develop(photo('photo-kodak-gps-south.jpg'), 'warm.jpg');
  // The upload itself (R2 simulator write, D1 insert) is not the engine's work: measure it alone, then subtract.
  await setAuto(false);
  const uploadCpu = {};
  for (const [label, bytes] of images) {
    const cpu = [];
    for (let i = 0; i < RUNS; i++) {
      const before = groupStats(pgid).cpu;
      await uploadUnique(bytes, 'upload-only.jpg');
      await sleep(100);
      cpu.push(groupStats(pgid).cpu - before);
    }
    uploadCpu[label] = median(cpu);
  }
  await setAuto(true);

  console.log(`\nFull set (thumbnails 600/300/150 + variants 2160/1080, WebP q80), CPU ms per photo, median of ${RUNS} rounds (darkroom, then sharp, then the engine alone, in each)`);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('darkroom: effort 2 variants, 4 thumbnails.  sharp "same": the same efforts;  sharp "m4": effort 4 everywhere (its default)');
  console.log('engine: the same wasm module run in this process on the same bytes (the codec\'s own CPU, without the local stack)');
  console.log('image   darkroom   sharp same   ratio   sharp m4   ratio   engine   ratio   darkroom RSS peak   sharp RSS peak   binding calls/photo');
  const engine = await nodeCodec();
  // Side by side: each round develops the photo in darkroom, then runs sharp's two cascades and the engine.
  for (const [label, bytes] of images) {
    await develop(bytes, 'warm.jpg'); // warm the isolate and sharp
    await sharpOnce(bytes, OUR_METHODS), await sharpOnce(bytes, () => 4), developNode(engine, bytes, { methodFor: OUR_METHODS });
    const cpu = [], calls = [], same = [], m4 = [], codec = [];
    let peak = 0, sharpPeak = 0;
    for (let i = 0; i < RUNS; i++) {
      await sleep(300); // let the previous photo's last writes and log lines settle
      const before = groupStats(pgid);
      const sampler = setInterval(() => (peak = Math.max(peak, groupStats(pgid).rss - before.rss)), 20);
      const r = await develop(bytes, `${label}.jpg`);
      clearInterval(sampler);
      cpu.push(groupStats(pgid).cpu - before.cpu - uploadCpu[label]);
      await sleep(300);
      calls.push(r.calls());
      const a = await sharpOnce(bytes, OUR_METHODS), b = await sharpOnce(bytes, () => 4);
      same.push(a.cpu), m4.push(b.cpu), (sharpPeak = Math.max(sharpPeak, a.peak));
      const start = process.cpuUsage();
      developNode(engine, bytes, { methodFor: OUR_METHODS });
      const used = process.cpuUsage(start);
      codec.push((used.user + used.system) / 1000);
    }
    // Each ratio is the median of the rounds' own ratios (a round's two sides ran together).
    const ratio = (a, b) => median(a.map((x, i) => x / b[i])).toFixed(2);
    const ours = median(cpu), ref = { same: median(same), m4: median(m4) }, own = median(codec);
    console.log(
      `${label}   ${ours.toFixed(0).padStart(5)} ms   ${ref.same.toFixed(0).padStart(7)} ms   ${ratio(cpu, same)}×   ` +
        `${ref.m4.toFixed(0).padStart(5)} ms   ${ratio(cpu, m4)}×   ${own.toFixed(0).padStart(4)} ms   ${ratio(codec, same)}×   +${mb(peak).padStart(4)} MB          +${mb(sharpPeak).padStart(4)} MB          ${calls.join(', ')}`,
    );
    const list = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(`         rounds: darkroom ${list(cpu)}; sharp same ${list(same)}; engine ${list(codec)} ms`);
  }
  console.log(`(darkroom: CPU of the whole local stack from upload to photo.completed, minus the upload alone (${Object.entries(uploadCpu).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ')});`);
  console.log(' it still includes R2 simulator reads/writes, D1 stage updates and the feed. RSS is the whole local stack.)');
  console.log(`Peak wasm memory of the engine in the isolate (its own log): ${wasmPeak.toFixed(1)} MB (budget 64 MB)`);

  // Binding calls per photo, by format; a HEIC is the control (the binding develops it by design).
  console.log('\nImages-binding calls per photo (counted from the Worker\'s `images binding:` log lines)');
  const before = await fallbacks();
  for (const [label, file] of [['JPEG 1 MP', 'photo-pixel-gps.jpg'], ['JPEG progressive', 'photo-progressive-lumix.jpg'], ['PNG', 'photo-noexif-coffee.png'], ['WebP', 'webp-htc-exif-gps.webp'], ['TIFF', 'tiff-cielab-nikon.tiff'], ['HEIC (control)', 'heic-iphonexr-orient6-gps.heic']]) {
    const r = await develop(photo(file), file);
    await sleep(500);
    console.log(`  ${label.padEnd(17)} ${r.calls()}${r.failed ? '  (the photo failed)' : ''}`);
  }
  console.log(`  engineFallbacks in /api/status: before ${JSON.stringify(before)}, after ${JSON.stringify(await fallbacks())}`);

  // Upload ack → the thumbnails' stage event, as the web app sees it.
  console.log('\nUpload ack (201) → photo.stage thumbnails completed received on the live feed (sequential uploads, no polling)');
  for (const [label, file, n] of [['1 MP phone JPEG', 'photo-pixel-gps.jpg', 20], ['12 MP JPEG', 'photo-galaxy-s9-12mp.jpg', 10]]) {
    const bytes = photo(file);
    const waits = [];
    for (let i = 0; i < n; i++) {
      const { id, acked } = await uploadUnique(bytes, file);
      waits.push((await feed.when(id, 'thumbnails')) - acked);
      await feed.when(id, 'completed'); // the next upload does not queue behind this one's variants
    }
    console.log(`  ${label.padEnd(16)} p50 ${pct(waits, 50).toFixed(0)} ms   p99 ${pct(waits, 99).toFixed(0)} ms   min ${Math.min(...waits).toFixed(0)} ms   (n=${n})`);
  }
} finally {
  feed.close();
  server.stop();
  rmSync(state, { recursive: true, force: true });
}
