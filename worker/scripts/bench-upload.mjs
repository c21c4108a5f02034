// `npm run bench:upload`: darkroom's upload route vs a bare R2 put of the same bytes, side by side in one
// run under `wrangler dev`, plus the dedupe check latency and worker memory during a 500 MB upload.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { run, startWrangler } from './lib.mjs';
import { jpegBody as body } from './bench/jpeg-body.mjs';

const TOKEN = 'bench-token';
const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });


function request(url, { method = 'PUT', headers = {}, payload }) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { method, agent, headers: { ...headers, 'Content-Length': payload.length } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode < 300 ? resolve(performance.now() - started) : reject(new Error(`${url} → ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** `declareHash` sends X-Content-SHA256 as the web app does (it hashed the file to ask /check first). */
async function scenario(url, size, concurrency, total, headers, declareHash = false) {
  const payloads = Array.from({ length: total }, () => body(size));
  const hashes = payloads.map((p) => (declareHash ? { 'X-Content-SHA256': sha256(p) } : {}));
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      latencies.push(await request(url, { headers: { ...headers, ...hashes[i] }, payload: payloads[i] }));
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { p50: pct(50), p99: pct(99), rps: total / seconds };
}

function rssOfGroup(pgid) {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid || !stat.includes('(workerd)')) continue;
      total += Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) * 1024;
    } catch {
      // process ended while we looked
    }
  }
  return total;
}

async function streamBig(url, size, headers, chunk) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', agent, headers: { ...headers, 'Content-Length': size } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error(`big upload → ${res.statusCode}`))));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        chunk.writeUInt32LE(sent, 16);
        const part = Buffer.from(chunk.subarray(0, Math.min(chunk.length, size - sent)));
        sent += part.length;
        if (!req.write(part)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const fmt = (n) => n.toFixed(1).padStart(8);
console.log('Preparing local state in', state);
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', path.join(state, 'darkroom')], { stdio: 'ignore' });
const darkroom = await startWrangler({ port: 8791, persistTo: path.join(state, 'darkroom'), extraArgs: ['--var', `API_TOKEN:${TOKEN}`, '--var', 'MAX_UPLOAD_BYTES:1073741824'], quiet: true });
const floor = await startWrangler({ port: 8792, config: 'worker/scripts/bench/floor.wrangler.toml', persistTo: path.join(state, 'floor'), quiet: true });
const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/octet-stream' };
try {
  const upload = 'http://127.0.0.1:8791/api/photos?filename=bench.jpg';
  const routes = {
    darkroom: [upload, auth, true],
    'darkroom, no hash': [upload, auth, false],
    'r2 floor': ['http://127.0.0.1:8792/', {}, false],
  };
  const names = Object.keys(routes);
  // Warm every isolate so no measured request pays for bundling or first-use setup.
  for (const [url, headers, declare] of Object.values(routes)) await scenario(url, 100_000, 2, 20, headers, declare);

  console.log('\nUpload latency under wrangler dev (ms; req/s); every request carries unique bytes.');
  console.log('"darkroom" sends X-Content-SHA256 like the web app; "no hash" is a plain curl -T.');
  console.log('size    conc  route                 p50      p99    req/s   p50 vs floor');
  const cases = [[100_000, 1, 80], [100_000, 16, 240], [5_000_000, 1, 24], [5_000_000, 16, 64]];
  for (const [size, conc, total] of cases) {
    const r = {};
    // Rotate the order so no route always runs first on a cooler machine.
    const order = names.map((_, i) => names[(i + cases.indexOf(cases.find((c) => c[0] === size && c[1] === conc))) % names.length]);
    for (const name of order) r[name] = await scenario(routes[name][0], size, conc, total, routes[name][1], routes[name][2]);
    for (const name of names) {
      const ratio = name === 'r2 floor' ? '' : `${(r[name].p50 / r['r2 floor'].p50).toFixed(2)}×`;
      console.log(`${size === 100_000 ? '100 KB' : '5 MB  '}  ${String(conc).padStart(4)}  ${name.padEnd(17)}${fmt(r[name].p50)} ${fmt(r[name].p99)} ${fmt(r[name].rps)}   ${ratio}`);
    }
  }

  // Duplicate answered by the check endpoint: the client hashes, asks, and uploads nothing.
  const known = body(100_000);
  await request(upload, { headers: auth, payload: known });
  const check = JSON.stringify({ sha256: [sha256(known)] });
  const checks = [];
  for (let i = 0; i < 200; i++) {
    checks.push(await request('http://127.0.0.1:8791/api/photos/check', { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, payload: Buffer.from(check) }));
  }
  checks.sort((a, b) => a - b);
  console.log(`\nDuplicate via POST /api/photos/check (n=200): p50 ${checks[100].toFixed(1)} ms, p99 ${checks[197].toFixed(1)} ms`);

  // Memory: stream 500 MB through each route and watch the workerd processes behind it.
  const big = 500 * 1024 * 1024;
  const bigBody = body(1024 * 1024); // streamBig repeats this block; the hash is of the whole stream
  const bigHash = createHash('sha256');
  for (let sent = 0; sent < big; sent += bigBody.length) {
    bigBody.writeUInt32LE(sent, 16);
    bigHash.update(bigBody);
  }
  const mb = (n) => (n / 1048576).toFixed(0);
  console.log('\n500 MB streamed upload: wall time and RSS of the workerd processes serving it');
  for (const [name, server, url, headers] of [
    ['darkroom', darkroom, upload, { ...auth, 'X-Content-SHA256': bigHash.digest('hex') }],
    ['darkroom, no hash', darkroom, upload, auth],
    ['r2 floor', floor, routes['r2 floor'][0], {}],
  ]) {
    const before = rssOfGroup(server.child.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOfGroup(server.child.pid))), 50);
    const started = performance.now();
    await streamBig(url, big, headers, bigBody);
    clearInterval(sampler);
    console.log(`  ${name.padEnd(17)} ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s   RSS ${mb(before)} → peak ${mb(peak)} MB (+${mb(peak - before)} MB)`);
  }
} finally {
  darkroom.stop();
  floor.stop();
  agent.destroy();
  rmSync(state, { recursive: true, force: true });
}
