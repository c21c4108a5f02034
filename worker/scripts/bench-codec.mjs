// CPU and memory of our WASM codec (worker/engine/codec/codec.wasm, run in Node — same bytes as in the
// Worker) against sharp's decode-once cascade, for the full set of 5 outputs at 12 MP and 24 MP.
// Concurrency 1, same WebP quality and method on both sides. Run: node worker/scripts/bench-codec.mjs
// Exports nodeCodec()/developNode() (the call sequence of worker/engine/develop-session.ts) for codec-quality.mjs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import createCodec from '../engine/codec/codec.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const wasmModule = new WebAssembly.Module(readFileSync(path.join(root, 'worker/engine/codec/codec.wasm')));

export const SET = [
  { name: 'd2160', long: 3840, short: 2160 },
  { name: 'd1080', long: 1920, short: 1080 },
  { name: 't600', long: 600, short: 600 },
  { name: 't300', long: 300, short: 300 },
  { name: 't150', long: 150, short: 150 },
];

export function nodeCodec() {
  return createCodec({
    noInitialRun: true,
    locateFile: () => '', // never fetched (instantiateWasm below); avoids new URL(import.meta.url)
    instantiateWasm(imports, done) {
      const instance = new WebAssembly.Instance(wasmModule, imports);
      done(instance, wasmModule);
      return instance.exports;
    },
  });
}

/**
 * The pipeline's call sequence (worker/engine/develop-session.ts): decode once, keep every output
 * largest first, the ThumbHash preview, then encode each kept output. `methodFor(name)` picks the WebP
 * method per output. `steps`, when given, collects the CPU ms of each step by name (the profile).
 */
export function developNode(m, bytes, { quality = 80, methodFor = () => 4, budget = 64 << 20, steps = null } = {}) {
  const timed = (name, fn) => {
    if (!steps) return fn();
    const start = process.cpuUsage();
    const r = fn();
    const used = process.cpuUsage(start);
    (steps[name] ??= []).push((used.user + used.system) / 1000);
    return r;
  };
  const input = m._malloc(bytes.length);
  timed('copy in', () => m.HEAPU8.set(bytes, input));
  const rc = timed('decode', () => m._cx_decode(input, bytes.length, 3840, 2160, budget, 268_402_689));
  m._free(input);
  if (rc) throw new Error(`decode ${rc}: ${message(m)}`);
  const srcW = m._cx_get(1), srcH = m._cx_get(2);
  const area = (o) => {
    const s = Math.min(1, o.long / Math.max(srcW, srcH), o.short / Math.min(srcW, srcH));
    return Math.max(1, Math.floor(srcW * s + 0.5)) * Math.max(1, Math.floor(srcH * s + 0.5));
  };
  const order = [...SET].sort((a, b) => area(b) - area(a));
  order.forEach((o, slot) => {
    const r = timed(`resize ${o.name}`, () => m._cx_keep(slot, o.long, o.short));
    if (r) throw new Error(`keep ${r}: ${message(m)}`);
  });
  timed('preview', () => m._cx_rgba(100));
  const outputs = {};
  order.forEach((o, slot) => {
    const r = timed(`encode ${o.name}`, () => m._cx_encode(slot, quality, methodFor(o.name)));
    if (r) throw new Error(`encode ${r}: ${message(m)}`);
    const ptr = m._cx_get(9), len = m._cx_get(10);
    outputs[o.name] = { width: m._cx_get(11), height: m._cx_get(12), bytes: m.HEAPU8.slice(ptr, ptr + len) };
  });
  const wasmBytes = m.HEAPU8.buffer.byteLength;
  m._cx_reset();
  return { outputs, wasmBytes };
}

function message(m) {
  const p = m._cx_message();
  return new TextDecoder().decode(m.HEAPU8.subarray(p, m.HEAPU8.indexOf(0, p)));
}

/** sharp's best practice (as in bench-pipeline.mjs): decode once, largest first, each from the previous raw. */
export async function sharpCascade(file, { quality = 80, methodFor = () => 4, steps = null } = {}) {
  const timed = async (name, fn) => {
    const start = process.cpuUsage();
    const r = await fn();
    const used = process.cpuUsage(start);
    if (steps) (steps[name] ??= []).push((used.user + used.system) / 1000);
    return r;
  };
  sharp.concurrency(1);
  const meta = await sharp(file).metadata();
  const portrait = (meta.orientation >= 5 ? meta.width : meta.height) > (meta.orientation >= 5 ? meta.height : meta.width);
  let raw = null;
  const outputs = {};
  for (const o of SET) {
    const [w, h] = portrait ? [o.short, o.long] : [o.long, o.short];
    const input = raw ? sharp(raw.data, { raw: raw.info }) : sharp(file, { autoOrient: true });
    const { data, info } = await timed(raw ? `resize ${o.name}` : `decode + resize ${o.name}`, () =>
      input.resize(w, h, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true }),
    );
    raw = { data, info };
    const bytes = await timed(`encode ${o.name}`, () => sharp(data, { raw: info }).webp({ quality, effort: methodFor(o.name) }).toBuffer());
    outputs[o.name] = { width: info.width, height: info.height, bytes };
  }
  return outputs;
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function cpu(fn, runs) {
  await fn(); // warm
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return median(times);
}

async function main() {
  const RUNS = Number(process.env.RUNS ?? 5);
  const twelve = readFileSync(path.join(root, 'worker/test/fixtures/photos/photo-galaxy-s9-12mp.jpg'));
  const twentyFour = await sharp(twelve).resize(6000, 4000).jpeg({ quality: 92 }).toBuffer();
  const settings = [
    ['m4 everywhere', () => 4],
    ['m2 variants, m4 thumbnails', (n) => (n.startsWith('d') ? 2 : 4)],
    ['m1 d2160, m2 d1080, m4 thumbnails', (n) => (n === 'd2160' ? 1 : n === 'd1080' ? 2 : 4)],
  ];
  console.log('image  setting                              codec ms  sharp ms (same methods)  ratio  vs sharp m4  codec KB  sharp KB  wasm peak MB');
  for (const [label, bytes] of process.env.PROFILE === 'only' ? [] : [['12 MP', twelve], ['24 MP', twentyFour]]) {
    const reference = await cpu(() => sharpCascade(bytes), RUNS); // sharp's defaults: WebP effort 4
    for (const [name, methodFor] of settings) {
      const m = await nodeCodec();
      const peak = developNode(m, bytes, { methodFor }).wasmBytes; // a fresh instance: its size is the job's peak
      const ours = await cpu(() => developNode(m, bytes, { methodFor }), RUNS);
      const theirs = await cpu(() => sharpCascade(bytes, { methodFor }), RUNS);
      const a = developNode(m, bytes, { methodFor }).outputs, b = await sharpCascade(bytes, { methodFor });
      const kb = (o) => Object.values(o).reduce((s, x) => s + x.bytes.length, 0) / 1024;
      console.log(
        `${label}  ${name.padEnd(36)} ${ours.toFixed(0).padStart(8)}  ${theirs.toFixed(0).padStart(23)}  ${(ours / theirs).toFixed(2).padStart(5)}  ` +
          `${(ours / reference).toFixed(2).padStart(10)}  ` +
          `${kb(a).toFixed(0).padStart(8)}  ${kb(b).toFixed(0).padStart(8)}  ${(peak / 1048576).toFixed(1).padStart(12)}`,
      );
    }
  }
  // Where the CPU goes, per step (median ms of RUNS), at the pipeline's efforts: PROFILE=1 (PROFILE=only: just this).
  if (!process.env.PROFILE) return;
  const methodFor = (n) => (n.startsWith('d') ? 2 : 4);
  for (const [label, bytes] of [['12 MP', twelve], ['24 MP', twentyFour]]) {
    const m = await nodeCodec();
    const ours = {}, theirs = {};
    developNode(m, bytes, { methodFor });
    await sharpCascade(bytes, { methodFor });
    for (let i = 0; i < RUNS; i++) developNode(m, bytes, { methodFor, steps: ours }), await sharpCascade(bytes, { methodFor, steps: theirs });
    const show = (who, steps) =>
      `${who}: ` + Object.entries(steps).map(([k, v]) => `${k} ${median(v).toFixed(0)}`).join(', ') + ` = ${Object.values(steps).reduce((s, v) => s + median(v), 0).toFixed(0)} ms`;
    console.log(`\nprofile ${label} (m2 variants, m4 thumbnails)\n  ${show('ours ', ours)}\n  ${show('sharp', theirs)}`);
    console.log(`  ${headroom(m, bytes, ours, theirs, RUNS)}`);
  }
}

/**
 * What a 0.8× goal leaves for decoding and resizing when both sides encode the same outputs with the
 * same libwebp method: sharp's total × 0.8 minus our encodes, against what ours take and against the
 * JPEG's entropy decoding alone (a decode into a 150 px box: 1/8 scale, so the IDCT is DC only and
 * every coefficient is still Huffman-decoded — no decoder of this file can do less).
 */
function headroom(m, bytes, ours, theirs, runs) {
  const sum = (steps, test) => Object.entries(steps).filter(([k]) => test(k)).reduce((s, [, v]) => s + median(v), 0);
  const floor = [];
  for (let i = 0; i < runs; i++) {
    const input = m._malloc(bytes.length);
    m.HEAPU8.set(bytes, input);
    const start = process.cpuUsage();
    const rc = m._cx_decode(input, bytes.length, 150, 150, 64 << 20, 268_402_689);
    const used = process.cpuUsage(start);
    m._free(input);
    m._cx_reset();
    if (rc) throw new Error(`decode ${rc}: ${message(m)}`);
    floor.push((used.user + used.system) / 1000);
  }
  const encodes = sum(ours, (k) => k.startsWith('encode'));
  const rest = sum(ours, (k) => !k.startsWith('encode'));
  const allowed = 0.8 * sum(theirs, () => true) - encodes;
  return `0.8× of sharp leaves ${allowed.toFixed(0)} ms beside our encodes (${encodes.toFixed(0)} ms; sharp's ${sum(theirs, (k) => k.startsWith('encode')).toFixed(0)}) ` +
    `for decode + resizes: ours take ${rest.toFixed(0)} ms, the entropy decoding alone ${median(floor).toFixed(0)} ms`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
