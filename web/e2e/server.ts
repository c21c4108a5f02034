// Global setup for the browser tests: build the app, then serve it with `wrangler dev` on a fresh local
// state (real R2, D1, Queues, Durable Objects and Images binding), exactly as `npm start` does.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM helper shared with the scripts
import { run, startWrangler } from '../../worker/scripts/lib.mjs';

export const E2E_PORT = 8799;
export const E2E_TOKEN = 'e2e-token-default-library';

export default async function setup(project: TestProject) {
  run('vite', ['build', '--logLevel', 'warn']);
  const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-e2e-'));
  run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: 'ignore' });
  const server = await startWrangler({
    port: E2E_PORT, persistTo: state, quiet: !process.env.E2E_VERBOSE,
    extraArgs: ['--var', `API_TOKEN:${E2E_TOKEN}`],
  });
  project.provide('baseUrl', `http://127.0.0.1:${E2E_PORT}`);
  project.provide('token', E2E_TOKEN);
  return () => {
    server.stop();
    rmSync(state, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    token: string;
  }
}
