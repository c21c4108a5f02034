// The deploy plan, as a pure function of wrangler.toml and of what exists on the account, so the dry
// run prints exactly what the real run does. deploy.mjs gathers the facts and carries the steps out.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';

export const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];
export const ORT_PREFIX = 'models/_ort/';
/** R2 object recording which onnxruntime-web version was uploaded, so unchanged files are not re-sent. */
export const ORT_MARKER = `${ORT_PREFIX}VERSION`;
export const SECRETS = ['API_TOKEN', 'MEDIA_KEY'];

/** What the deployment needs, read from wrangler.toml (so a new queue or binding needs no change here). */
export function readResources(root) {
  const config = parse(readFileSync(path.join(root, 'wrangler.toml'), 'utf8'));
  const db = config.d1_databases?.[0];
  const bucket = config.r2_buckets?.[0]?.bucket_name;
  if (!db?.database_name || !bucket) throw new Error('wrangler.toml needs a D1 database_name and an R2 bucket_name');
  const producers = (config.queues?.producers ?? []).map((p) => p.queue);
  const consumers = config.queues?.consumers ?? [];
  const queues = [...new Set([...producers, ...consumers.map((c) => c.queue), ...consumers.map((c) => c.dead_letter_queue)].filter(Boolean))];
  const ortVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/onnxruntime-web/package.json'), 'utf8')).version;
  return { worker: config.name, database: db.database_name, dbBinding: db.binding, bucket, queues, producers, ortVersion };
}

/**
 * @param res   readResources()
 * @param facts { databases: string[], buckets: string[], queues: string[], secrets: string[], ortVersion?: string }
 *              what exists now; `unknown: true` when the account could not be read (dry run, logged out)
 * @returns steps in order: { kind, label, cmd? (argv) } where kind is
 *   create (we create it), provision (`wrangler deploy` creates it), exists, secret, keep-secret, run, upload, skip.
 */
export function planDeploy(res, facts) {
  const steps = [];
  if (facts.databases.includes(res.database)) steps.push({ kind: 'exists', label: `D1 database "${res.database}"` });
  else steps.push({ kind: 'create', label: `D1 database "${res.database}"`, cmd: ['wrangler', 'd1', 'create', res.database] });

  // wrangler deploy provisions R2 buckets and queues bound as producers; a queue only consumed (the
  // dead-letter queue) is not a binding, so it is created here, before deploy attaches its consumer.
  if (facts.buckets.includes(res.bucket)) steps.push({ kind: 'exists', label: `R2 bucket "${res.bucket}"` });
  else steps.push({ kind: 'provision', label: `R2 bucket "${res.bucket}"` });
  for (const queue of res.queues) {
    if (facts.queues.includes(queue)) steps.push({ kind: 'exists', label: `queue "${queue}"` });
    else if (res.producers.includes(queue)) steps.push({ kind: 'provision', label: `queue "${queue}"` });
    else steps.push({ kind: 'create', label: `queue "${queue}"`, cmd: ['wrangler', 'queues', 'create', queue] });
  }

  // Schema first: the new Worker version may need the new tables.
  steps.push({ kind: 'run', label: 'remote D1 migrations (only those not applied yet)', cmd: ['wrangler', 'd1', 'migrations', 'apply', res.dbBinding, '--remote'] });
  for (const name of SECRETS) {
    steps.push(facts.secrets.includes(name)
      ? { kind: 'keep-secret', label: `secret ${name}`, name }
      : { kind: 'secret', label: `secret ${name}: generated, uploaded with the deploy${name === 'API_TOKEN' ? ', printed once' : ''}`, name });
  }
  steps.push({ kind: 'run', label: 'build the web app', cmd: ['vite', 'build'] });
  steps.push({ kind: 'run', label: `deploy Worker "${res.worker}" with the app's assets`, cmd: ['wrangler', 'deploy'] });
  steps.push(facts.ortVersion === res.ortVersion
    ? { kind: 'skip', label: `ONNX Runtime ${res.ortVersion} files in R2 ${ORT_PREFIX} (already uploaded)` }
    : { kind: 'upload', label: `ONNX Runtime ${res.ortVersion} files to R2 ${ORT_PREFIX}` });
  return steps;
}

const MARK = { create: '+', provision: '+', secret: '+', upload: '+', exists: '=', 'keep-secret': '=', skip: '=', run: '→' };

export function formatPlan(steps, { dryRun, unknown }) {
  const note = {
    create: 'create', provision: 'create (wrangler deploy provisions it)', exists: 'exists, kept',
    'keep-secret': 'set, kept', skip: 'skip', secret: '', upload: 'upload', run: '',
  };
  const lines = [dryRun ? 'Deploy plan (dry run: nothing is changed):' : 'Deploy plan:'];
  if (unknown) lines.push('  (not logged in to Cloudflare, so this assumes a new account; run `npx wrangler login` for the real picture)');
  for (const s of steps) lines.push(`  ${MARK[s.kind]} ${s.label}${note[s.kind] ? `: ${note[s.kind]}` : ''}`);
  return lines.join('\n');
}
