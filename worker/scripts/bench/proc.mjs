// The benches' view of /proc: processes with their parent, CPU ticks and Chromium kind, and the tree
// under given roots (bench:upload-ui splits CPU by process, chromium-cpu.mjs by thread).
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ) in /proc's CPU times. */
export const CLK_TCK = 100;

/** The processes now running: pid, parent, CPU ticks (user + system) and Chromium kind, from /proc. */
export function processes() {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const args = cmd.split(/[\0 ]/); // Chromium rewrites its children's as one line
      const arg = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
      // Chromium's process kinds: browser (no --type), renderer, gpu-process, utility (network service…).
      const type = arg('utility-sub-type')?.split('.').at(-1) ?? arg('type') ?? 'browser';
      return { pid: Number(pid), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), type, cmd };
    } catch {
      return null; // gone meanwhile
    }
  }).filter(Boolean);
}

/** The pids of `roots` and everything under them. */
export function under(procs, roots) {
  const tree = new Set(roots);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) {
      if (tree.has(p.pid) || !tree.has(p.ppid)) continue;
      tree.add(p.pid);
      grew = true;
    }
  }
  return tree;
}
