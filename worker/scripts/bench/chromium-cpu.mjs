// CPU time of the Chromium this bench launched, by process kind and thread, read from /proc. Wall-clock
// frame times on this 2-core machine swing with whatever else runs; a thread's CPU time per frame does
// not, so it shows where a frame's work goes (and whether a change moved it) when the percentiles cannot.
import { readdirSync, readFileSync } from 'node:fs';
import { CLK_TCK, processes, under } from './proc.mjs';

/**
 * → Map of "kind thread" to CPU ms so far, e.g. "renderer main", "gpu-process VizCompositorTh" (the kernel
 * keeps 15 characters of a thread's name), for the Chromium launched by `parent` and everything under it.
 */
export function chromiumThreadCpu(parent = process.pid) {
  const procs = processes();
  const tree = under(procs, procs.filter((p) => p.ppid === parent && /chrom/i.test(p.cmd)).map((p) => p.pid));
  const out = new Map();
  for (const p of procs.filter((x) => tree.has(x.pid))) {
    let tids = [];
    try {
      tids = readdirSync(`/proc/${p.pid}/task`);
    } catch {
      continue; // gone meanwhile
    }
    for (const tid of tids) {
      try {
        const t = readFileSync(`/proc/${p.pid}/task/${tid}/stat`, 'utf8');
        const f = t.slice(t.lastIndexOf(')') + 2).split(' ');
        // Pools name their threads with a number; they are counted as one.
        const name = Number(tid) === p.pid ? 'main' : t.slice(t.indexOf('(') + 1, t.lastIndexOf(')')).replace(/\d+$/, '');
        const key = `${p.type} ${name}`;
        out.set(key, (out.get(key) ?? 0) + ((Number(f[11]) + Number(f[12])) / CLK_TCK) * 1000);
      } catch {
        // thread gone
      }
    }
  }
  return out;
}

/** Each thread's CPU between two readings divided by `per` (frames; 1000 for seconds), busiest first, those ≥ 0.1. */
export function cpuPer(before, after, per) {
  return [...after]
    .map(([k, v]) => [k, (v - (before.get(k) ?? 0)) / Math.max(1, per)])
    .filter(([, v]) => v >= 0.1)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
}
