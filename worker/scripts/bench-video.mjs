// `node worker/scripts/bench-video.mjs`: the video stage's container read on a 1 GB file whose moov is
// at the end (and a 5 GB one with a 64-bit mdat), through a file-backed range reader. Goal (issue 14):
// ≤ 1 MB read and ≤ 50 ms. The moov is a real one from ffmpeg for a 10-minute 30 fps clip with audio,
// so its sample tables are the size a real 1 GB phone video carries; the mdat before it is a sparse hole.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { root } from './lib.mjs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-video-'));
const RUNS = 30;

try {
  // The parser is TypeScript; bundle it once for Node.
  const bundle = path.join(dir, 'mp4.mjs');
  await build({ entryPoints: [path.join(root, 'worker/formats/mp4.ts')], bundle: true, format: 'esm', platform: 'neutral', outfile: bundle, logLevel: 'error' });
  const { readVideoMetadata } = await import(bundle);

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
      const read = async (offset, length) => {
        s.reads++;
        s.bytes += length;
        const buf = new Uint8Array(length);
        const { bytesRead } = await reader.read(buf, 0, length, offset);
        return buf.subarray(0, bytesRead);
      };
      const t0 = performance.now();
      meta = await readVideoMetadata(read, total);
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
} finally {
  rmSync(dir, { recursive: true, force: true });
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
