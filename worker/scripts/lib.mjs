// Helpers shared by the project's Node scripts (start, token, benchmarks).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');

// Offline-friendly wrangler: no `Request.cf` download, no telemetry.
export const wranglerEnv = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

/** Runs a command from node_modules/.bin to completion; exits the script if it fails. */
export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: wranglerEnv, ...opts });
  if (res.status !== 0) {
    console.error(`\n✘ ${cmd} ${args.join(' ')} failed (exit ${res.status ?? res.signal})`);
    process.exit(res.status ?? 1);
  }
  return res;
}

export function readDevToken() {
  return readDevVar('API_TOKEN');
}

/** One `NAME=value` line of .dev.vars, or null. */
export function readDevVar(name) {
  const file = path.join(root, '.dev.vars');
  if (!existsSync(file)) return null;
  return readFileSync(file, 'utf8').match(new RegExp(`^${name}=(.+)$`, 'm'))?.[1].trim() ?? null;
}

/**
 * Starts `wrangler dev` in its own process group and resolves once it answers HTTP.
 * Returns a stop() that ends wrangler and its workerd children. `onLine` receives each line wrangler
 * prints (the Worker's console output among them) instead of the terminal, e.g. for a bench to count.
 */
export async function startWrangler({ port, config = 'wrangler.toml', persistTo, extraArgs = [], quiet = false, onLine }) {
  const args = ['dev', '--config', config, '--port', String(port), '--ip', '127.0.0.1', ...extraArgs];
  // Media links need a MEDIA_KEY (the Worker has no fallback); a throwaway server gets a throwaway key.
  if (!extraArgs.some((a) => String(a).startsWith('MEDIA_KEY:'))) args.push('--var', `MEDIA_KEY:${randomBytes(32).toString('base64url')}`);
  if (persistTo) args.push('--persist-to', persistTo);
  const stdio = onLine ? ['ignore', 'pipe', 'pipe'] : quiet ? 'ignore' : 'inherit';
  const child = spawn('wrangler', args, { cwd: root, env: wranglerEnv, detached: true, stdio });
  if (onLine) {
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8').on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) onLine(line);
      });
    }
  }
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return { child, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  stop();
  throw new Error('wrangler dev did not become ready within 60 s');
}
