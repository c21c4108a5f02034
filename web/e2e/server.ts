// Global setup for the browser tests: build the app, then serve it with `wrangler dev` on a fresh local
// state (real R2, D1, Queues, Durable Objects and Images binding), exactly as `npm start` does.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM helper shared with the scripts
import { run, startWrangler } from '../../worker/scripts/lib.mjs';

export const E2E_TOKEN = 'e2e-token-default-library';

export default async function setup(project: TestProject) {
  run('vite', ['build', '--logLevel', 'warn']);
  const state = mkdtempSync(path.join(os.tmpdir(), 'darkroom-e2e-'));
  run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: 'ignore' });
  // The models are made before the server starts, so their PUTs follow its first request at once: a PUT
  // through wrangler dev's proxy after an idle pause can die mid-body (EPIPE; workers-sdk#15252).
  const models = path.join(state, 'models');
  run('node', ['worker/scripts/models/make-tiny-models.mjs', models], { stdio: 'ignore' });
  // A free port, not a fixed one: with two runs on one machine, the second would otherwise find the
  // first one's server answering on that port and test against it.
  const port = Number(process.env.E2E_PORT) || (await freePort());
  const server = await startWrangler({
    port, persistTo: state, quiet: !process.env.E2E_VERBOSE,
    // Short analysis leases, so a closed tab's jobs come back within the test.
    extraArgs: ['--var', `API_TOKEN:${E2E_TOKEN}`, '--var', 'ANALYSIS_LEASE_SECONDS:30'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await importTinyModels(baseUrl, models);
  project.provide('baseUrl', baseUrl);
  project.provide('token', E2E_TOKEN);
  project.provide('state', state); // tests that seed D1 directly (gallery.test.ts)
  return () => {
    server.stop();
    rmSync(state, { recursive: true, force: true });
  };
}

/** The analysis tab's models: generated tiny stand-ins plus the ONNX Runtime build, put into R2. */
async function importTinyModels(baseUrl: string, dir: string) {
  const ort = path.join(root, 'node_modules/onnxruntime-web/dist');
  const files: Array<[string, string]> = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => { const full = path.join(e.parentPath, e.name); return [path.relative(dir, full), full]; });
  for (const name of ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) files.push([`_ort/${name}`, path.join(ort, name)]);
  for (const [rel, full] of files) {
    const res = await fetch(`${baseUrl}/api/models/${rel}`, { method: 'PUT', body: readFileSync(full), headers: { Authorization: `Bearer ${E2E_TOKEN}` } });
    if (res.status !== 204) throw new Error(`model import of ${rel}: ${res.status} ${await res.text()}`);
  }
}

const root = path.resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    token: string;
    state: string;
  }
}
