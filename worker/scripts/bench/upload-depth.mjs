// bench:gallery's last part: does an upload cost more in a big library? The same uploads (128 KB, PUT,
// 8 at once, processing off) go into the seeded library and into an empty one, in alternating rounds
// of one server, with the server's CPU per upload read from /proc. Every upload writes the library's
// counts into the feed; they used to be counted over all its photos (migration 0020).
import { createHash } from 'node:crypto';
import { jpegBody as body } from './jpeg-body.mjs';
import { hashToken, createTokenSql } from '../token-sql.mjs';
import { CLK_TCK, processes, under } from './proc.mjs';

export const EMPTY_LIBRARY = 'bench-empty';
export const EMPTY_TOKEN = 'bench-empty-token';

/** SQL for the seed file: a token of a second, empty library. */
export async function emptyLibrarySql(now) {
  return `${createTokenSql({ tokenHash: await hashToken(EMPTY_TOKEN), libraryId: EMPTY_LIBRARY, label: 'bench', now })};\n`;
}


const serverCpu = (pid) => {
  const procs = processes();
  const tree = under(procs, [pid]);
  return procs.filter((p) => tree.has(p.pid)).reduce((a, p) => a + p.ticks, 0) / CLK_TCK;
};

/** → printable lines: per library, server CPU per upload and latency, and the ratio big / empty. */
export async function uploadDepth({ base, serverPid, libraries, rounds = 3, files = 100 }) {
  for (const { token } of libraries) {
    const res = await fetch(`${base}/api/settings`, {
      method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ uploadsPerMinute: 100_000, autoProcessOnUpload: false, scheduledProcessing: false }),
    });
    if (!res.ok) throw new Error(`PUT /api/settings → ${res.status}`);
  }
  const stats = libraries.map(() => ({ cpu: 0, n: 0, latencies: [] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, { token }] of libraries.entries()) {
      const payloads = Array.from({ length: files }, () => body(128 * 1024));
      const cpu0 = serverCpu(serverPid);
      let next = 0;
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (next < files) {
          const n = next++;
          const buf = payloads[n];
          const began = performance.now();
          const res = await fetch(`${base}/api/photos?filename=depth-${round}-${i}-${n}.jpg`, {
            method: 'PUT', body: buf,
            headers: { Authorization: `Bearer ${token}`, 'X-Content-SHA256': createHash('sha256').update(buf).digest('hex') },
          });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`PUT /api/photos → ${res.status}`);
          stats[i].latencies.push(performance.now() - began);
        }
      }));
      stats[i].cpu += serverCpu(serverPid) - cpu0;
      stats[i].n += files;
    }
  }
  const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const perUpload = stats.map((s) => (s.cpu * 1000) / s.n);
  return [
    ...libraries.map(({ name }, i) => `  into ${name.padEnd(28)} server CPU ${perUpload[i].toFixed(1)} ms per upload, latency p50 ${p50(stats[i].latencies).toFixed(0)} ms`),
    `  ratio ${libraries[0].name} / ${libraries[1].name}: ${(perUpload[0] / perUpload[1]).toFixed(2)}× server CPU per upload  (${rounds} alternating rounds of ${files})`,
  ];
}
