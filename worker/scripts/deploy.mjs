// `npm run deploy [-- --dry-run]`: one command from a fresh Cloudflare account to a running darkroom,
// safe to repeat. Creates what is missing (D1 database, R2 bucket, queues and dead-letter queue),
// applies remote migrations, generates API_TOKEN/MEDIA_KEY if absent (the token is printed once),
// builds, deploys, and uploads the ONNX Runtime files. --dry-run only reads (whoami, lists) and prints
// the plan. Everything goes through `wrangler` on PATH (npm puts node_modules/.bin first).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatPlan, ORT_FILES, ORT_MARKER, ORT_PREFIX, planDeploy, readResources } from './deploy-plan.mjs';
import { root, wranglerEnv } from './lib.mjs';

const dryRun = process.argv.includes('--dry-run');
const res = readResources(root);

/** Read-only query: output captured; stdin closed so wrangler never prompts. */
function query(args) {
  const r = spawnSync('wrangler', args, { cwd: root, env: wranglerEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: r.status === 0, out: r.stdout ?? '', err: `${r.stderr ?? ''}${r.stdout ?? ''}${r.error?.message ?? ''}` };
}

/** A step that changes something. Non-interactive (stdin closed): no prompts, no IDs written into wrangler.toml. */
function change(cmd, args) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, env: wranglerEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  return r.status === 0;
}

class DeployError extends Error {}
/** Throws, so the scratch folder (which may hold the generated secrets) is always removed. */
function fail(message) {
  throw new DeployError(message);
}

/** What exists on the account. Lookup failures other than "does not exist" stop a real deploy. */
function gatherFacts() {
  const facts = { databases: [], buckets: [], queues: [], secrets: [], ortVersion: undefined, unknown: false };
  const who = query(['whoami', '--json']);
  if (!who.ok) {
    if (dryRun) return { ...facts, unknown: true };
    fail('Not logged in to Cloudflare: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID).');
  }
  const strict = (what, r) => {
    if (!dryRun) fail(`Could not read ${what}:\n${r.err}`);
    console.warn(`(could not read ${what}; assuming it is missing)`);
  };
  const json = (what, r) => {
    try {
      return JSON.parse(r.out);
    } catch {
      strict(what, { err: `unexpected output: ${r.out}` });
      return [];
    }
  };
  const dbs = query(['d1', 'list', '--json']);
  if (dbs.ok) facts.databases = json('the D1 databases', dbs).map((d) => d.name);
  else strict('the D1 databases', dbs);

  // Any failure reads as "missing" here: harmless, as wrangler deploy checks again and only then provisions.
  if (query(['r2', 'bucket', 'info', res.bucket]).ok) facts.buckets.push(res.bucket);

  for (const queue of res.queues) {
    const r = query(['queues', 'info', queue]);
    if (r.ok) facts.queues.push(queue);
    else if (!/does not exist/i.test(r.err)) strict(`queue ${queue}`, r);
  }

  // Generating a secret that already exists would lock everyone out, so only "no such Worker" counts as none.
  const secrets = query(['secret', 'list', '--format', 'json']);
  if (secrets.ok) facts.secrets = json('the Worker\'s secrets', secrets).map((s) => s.name);
  else if (!/does not exist|\b10007\b/i.test(secrets.err)) strict('the Worker\'s secrets', secrets);

  const marker = query(['r2', 'object', 'get', `${res.bucket}/${ORT_MARKER}`, '--remote', '--pipe']);
  if (marker.ok) facts.ortVersion = marker.out.trim();
  return facts;
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'darkroom-deploy-'));
const generated = {};
let secretsSent = false;
try {
  const facts = gatherFacts();
  const steps = planDeploy(res, facts);
  console.log(formatPlan(steps, { dryRun, unknown: facts.unknown }));
  if (!dryRun) execute(steps);
} catch (err) {
  if (!(err instanceof DeployError)) throw err;
  console.error(`\n✘ ${err.message}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
  // Shown whenever it may have been stored (even if a later step failed): it is never shown again.
  if (secretsSent && generated.API_TOKEN) {
    console.log(`\nAPI_TOKEN of the default library, shown once; store it somewhere safe:\n\n  ${generated.API_TOKEN}\n`);
  }
}

function execute(steps) {
  for (const step of steps) {
    if (step.kind === 'create' && !change(step.cmd[0], step.cmd.slice(1))) fail(`could not create ${step.label}`);
    if (step.kind === 'secret') {
      generated[step.name] = step.name === 'API_TOKEN' ? `drk_${randomBytes(24).toString('base64url')}` : randomBytes(32).toString('base64url');
    }
    if (step.kind === 'run' && step.cmd[1] === 'deploy') deploy(step);
    else if (step.kind === 'run' && !change(step.cmd[0], step.cmd.slice(1))) fail(`${step.label} failed`);
    if (step.kind === 'upload') uploadOrt();
  }
  console.log('\n✓ darkroom is deployed. Run `npm run deploy` again after pulling changes; it only does what is needed.');
}

function deploy(step) {
  const args = step.cmd.slice(1);
  if (Object.keys(generated).length) {
    // Uploaded with the new version, so the Worker never runs without its secrets.
    const file = path.join(scratch, 'secrets.json');
    writeFileSync(file, JSON.stringify(generated), { mode: 0o600 });
    args.push('--secrets-file', file);
    secretsSent = true;
  }
  if (!change('wrangler', args)) fail('wrangler deploy failed');
}

function uploadOrt() {
  const dist = path.join(root, 'node_modules/onnxruntime-web/dist');
  for (const name of ORT_FILES) {
    if (!change('wrangler', ['r2', 'object', 'put', `${res.bucket}/${ORT_PREFIX}${name}`, '--file', path.join(dist, name), '--remote'])) fail(`upload of ${name} failed`);
  }
  const marker = path.join(scratch, 'VERSION');
  writeFileSync(marker, res.ortVersion);
  if (!change('wrangler', ['r2', 'object', 'put', `${res.bucket}/${ORT_MARKER}`, '--file', marker, '--remote'])) fail('upload of the ONNX Runtime marker failed');
}
