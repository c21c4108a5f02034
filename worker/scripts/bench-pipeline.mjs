// `npm run bench:pipeline`: the full output set (3 thumbnails + 2 display variants) for a 12 MP and a
// 24 MP JPEG, developed by darkroom under `wrangler dev` and by sharp (native libvips, decode once, then
// cascade) in this process, side by side; plus the wall time from upload ack to thumbnails ready.
//
// darkroom's engine for JPEG is our WASM codec inside the Worker (worker/engine; the Images binding is
// not called), so its CPU is measured as the CPU of every process of the local stack (wrangler's Node,
// both workerd processes), minus the upload alone and what the status polling itself costs.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { root, run, startWrangler } from './lib.mjs';

const TOKEN = 'bench-token';
const PORT = 8796;
const BASE = `http://127.0.0.1:${PORT}`;
const RUNS = 3;
const auth = { Authorization: `Bearer ${TOKEN}` };
const CLK_TCK = 100;

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

async function uploadUnique(bytes, name) {
  // Trailing bytes after the JPEG's end marker make a new file (new hash) that decodes the same.
  const body = Buffer.concat([bytes, Buffer.from(`darkroom-bench-${Math.random()}`)]);
  const sha = createHash('sha256').update(body).digest('hex');
  const res = await fetch(`${BASE}/api/photos?filename=${name}`, { method: 'PUT', body, headers: { ...auth, 'X-Content-SHA256': sha } });
  if (res.status !== 201) throw new Error(`upload ${res.status}: ${await res.text()}`);
  return (await res.json()).photo.id;
}

async function poll(id, until, interval) {
  for (let n = 1; ; n++) {
    const { photo } = await (await fetch(`${BASE}/api/photos/${id}`, { headers: auth })).json();
    if (photo.status === 'failed') throw new Error(`${id} failed: ${photo.error}`);
    if (until(photo)) return n;
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** sharp's best practice for a set: decode once, largest output first, each next one from the previous pixels. */
async function sharpCascade(file) {
  sharp.concurrency(1);
  const meta = await sharp(file).metadata();
  const portrait = meta.height > meta.width;
  const steps = [
    portrait ? [2160, 3840] : [3840, 2160],
    portrait ? [1080, 1920] : [1920, 1080],
    [600, 600], [300, 300], [150, 150],
  ];
  let raw = null;
  for (const [w, h] of steps) {
    const input = raw ? sharp(raw.data, { raw: raw.info }) : sharp(file, { autoOrient: true });
    const { data, info } = await input.resize(w, h, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true });
    raw = { data, info };
    await sharp(data, { raw: info }).webp({ quality: 80 }).toBuffer();
  }
}

const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-pipeline-'));
const twelve = readFileSync(path.join(root, 'worker/test/fixtures/photos/photo-galaxy-s9-12mp.jpg'));
const twentyFour = await sharp(twelve).resize(6000, 4000).jpeg({ quality: 92 }).toBuffer();
const images = [['12 MP', twelve], ['24 MP', twentyFour]];

// Reference first, in a clean process state.
const reference = {};
for (const [label, bytes] of images) {
  const cpu = [];
  let peak = 0;
  await sharpCascade(bytes); // warm
  for (let i = 0; i < RUNS; i++) {
    const before = process.memoryUsage.rss();
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss() - before)), 5);
    const start = process.cpuUsage();
    await sharpCascade(bytes);
    const used = process.cpuUsage(start);
    clearInterval(sampler);
    cpu.push((used.user + used.system) / 1000);
  }
  reference[label] = { cpu: median(cpu), peak };
}

run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: 'ignore' });
const server = await startWrangler({ port: PORT, persistTo: state, extraArgs: ['--var', `API_TOKEN:${TOKEN}`], quiet: true });
try {
  const pgid = server.child.pid;
  // What polling costs on its own, to subtract it from the measured runs.
  const probeId = await uploadUnique(readFileSync(path.join(root, 'worker/test/fixtures/photos/photo-kodak-gps-south.jpg')), 'probe.jpg');
  await poll(probeId, (p) => p.status === 'completed', 20);
  const pollStart = groupStats(pgid).cpu;
  for (let i = 0; i < 100; i++) await fetch(`${BASE}/api/photos/${probeId}`, { headers: auth }).then((r) => r.arrayBuffer());
  const perPoll = (groupStats(pgid).cpu - pollStart) / 100;

  const setAuto = (on) => fetch(`${BASE}/api/settings`, { method: 'PUT', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ autoProcessOnUpload: on }) });
  // The upload itself (R2 simulator write, D1 insert) is not the engine's work: measure it alone, then subtract.
  await setAuto(false);
  const uploadCpu = {};
  for (const [label, bytes] of images) {
    const cpu = [];
    for (let i = 0; i < RUNS; i++) {
      const before = groupStats(pgid).cpu;
      await uploadUnique(bytes, 'upload-only.jpg');
      await new Promise((r) => setTimeout(r, 100));
      cpu.push(groupStats(pgid).cpu - before);
    }
    uploadCpu[label] = median(cpu);
  }
  await setAuto(true);

  console.log('\nFull set (thumbnails 600/300/150 + variants 2160/1080, WebP q80), CPU ms per photo, median of', RUNS);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('image   darkroom (WASM engine)      sharp decode-once cascade   CPU ratio   darkroom RSS peak   sharp RSS peak');
  for (const [label, bytes] of images) {
    await poll(await uploadUnique(bytes, 'warm.jpg'), (p) => p.status === 'completed', 50); // warm the isolate and sharp
    const cpu = [];
    let peak = 0;
    for (let i = 0; i < RUNS; i++) {
      const before = groupStats(pgid);
      const sampler = setInterval(() => (peak = Math.max(peak, groupStats(pgid).rss - before.rss)), 20);
      const id = await uploadUnique(bytes, `${label}.jpg`);
      const polls = await poll(id, (p) => p.status === 'completed', 50);
      clearInterval(sampler);
      cpu.push(groupStats(pgid).cpu - before.cpu - polls * perPoll - uploadCpu[label]);
    }
    const ours = median(cpu);
    const ref = reference[label];
    console.log(`${label}   ${ours.toFixed(0).padStart(10)} ms              ${ref.cpu.toFixed(0).padStart(8)} ms              ${(ours / ref.cpu).toFixed(2)}×      +${mb(peak)} MB            +${mb(ref.peak)} MB`);
  }
  console.log(`(darkroom: CPU of the whole local stack from upload to completed, minus the upload alone (${Object.entries(uploadCpu).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ')})`);
  console.log(' and the status polling; it still includes R2 simulator reads/writes and D1 stage updates. RSS is the');
  console.log(' whole local stack; the isolate\'s wasm memory stays under the codec\'s 64 MB budget (bench:codec reports its peak).)');

  // Upload ack → thumbnails ready, for a phone photo and for the 12 MP photo.
  console.log('\nUpload ack → thumbnails ready (wrangler dev, sequential uploads, 10 ms polling)');
  for (const [label, file, n] of [['1 MP phone JPEG', 'photo-pixel-gps.jpg', 20], ['12 MP JPEG', 'photo-galaxy-s9-12mp.jpg', 10]]) {
    const bytes = readFileSync(path.join(root, 'worker/test/fixtures/photos', file));
    const waits = [];
    for (let i = 0; i < n; i++) {
      const id = await uploadUnique(bytes, file);
      const acked = performance.now();
      await poll(id, (p) => p.stages.thumbnails?.status === 'completed', 10);
      waits.push(performance.now() - acked);
    }
    console.log(`  ${label.padEnd(16)} p50 ${pct(waits, 50).toFixed(0)} ms   p99 ${pct(waits, 99).toFixed(0)} ms   (n=${n})`);
  }
} finally {
  server.stop();
  rmSync(state, { recursive: true, force: true });
}
