// `node --test worker/scripts/*.test.mjs`: runs the real deploy script against fake `wrangler` and `vite`
// commands put first on PATH (deploy-fakes/), which keep a fake account in a JSON file and log every call.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';

const script = path.join(import.meta.dirname, 'deploy.mjs');
const fakes = path.join(import.meta.dirname, 'deploy-fakes');
const dir = mkdtempSync(path.join(os.tmpdir(), 'darkroom-deploy-test-'));
const stateFile = path.join(dir, 'state.json');
const logFile = path.join(dir, 'calls.jsonl');
after(() => rmSync(dir, { recursive: true, force: true }));

const READ_ONLY = /^(whoami|d1 list|r2 bucket info|queues info|secret list|r2 object get)\b/;
const freshAccount = { loggedIn: true, databases: [], buckets: [], queues: [], secrets: {}, objects: {}, worker: false };

function setAccount(account) {
  writeFileSync(stateFile, JSON.stringify(account));
  writeFileSync(logFile, '');
}
const account = () => JSON.parse(readFileSync(stateFile, 'utf8'));
const calls = () => readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).join(' '));

function deploy(...args) {
  const r = spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${fakes}${path.delimiter}${process.env.PATH}`, FAKE_CF_STATE: stateFile, FAKE_CF_LOG: logFile, CI: '1' },
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('npm run deploy', () => {
  beforeEach(() => setAccount(freshAccount));

  it('--dry-run on a new account prints every step and only reads', () => {
    const { status, out } = deploy('--dry-run');
    assert.equal(status, 0, out);
    for (const line of [
      '+ D1 database "darkroom": create',
      '+ R2 bucket "darkroom-photos": create (wrangler deploy provisions it)',
      '+ queue "darkroom-pipeline": create (wrangler deploy provisions it)',
      '+ queue "darkroom-dlq": create',
      '→ remote D1 migrations',
      '+ secret API_TOKEN: generated, uploaded with the deploy, printed once',
      '+ secret MEDIA_KEY: generated',
      '→ build the web app',
      '→ deploy Worker "darkroom"',
      '+ ONNX Runtime 1.30.0 files to R2 models/_ort/: upload',
    ]) assert.ok(out.includes(line), `missing "${line}" in:\n${out}`);
    assert.deepEqual(calls().filter((c) => !READ_ONLY.test(c)), []);
    assert.deepEqual(account(), freshAccount);
  });

  it('--dry-run works logged out, and calls nothing but whoami', () => {
    setAccount({ ...freshAccount, loggedIn: false });
    const { status, out } = deploy('--dry-run');
    assert.equal(status, 0, out);
    assert.match(out, /not logged in/);
    assert.deepEqual(calls(), ['whoami --json']);
  });

  it('creates everything in order on a new account, then does nothing twice', () => {
    const first = deploy();
    assert.equal(first.status, 0, first.out);
    const changes = calls().filter((c) => !READ_ONLY.test(c));
    assert.deepEqual(changes.map((c) => c.replace(/--secrets-file \S+/, '--secrets-file <file>').replace(/--file \S+/, '--file <f>')), [
      'd1 create darkroom',
      'queues create darkroom-dlq',
      'd1 migrations apply DB --remote',
      'vite build',
      'deploy --secrets-file <file>',
      'r2 object put darkroom-photos/models/_ort/ort-wasm-simd-threaded.asyncify.mjs --file <f> --remote',
      'r2 object put darkroom-photos/models/_ort/ort-wasm-simd-threaded.asyncify.wasm --file <f> --remote',
      'r2 object put darkroom-photos/models/_ort/VERSION --file <f> --remote',
    ]);
    const after1 = account();
    assert.deepEqual(after1.databases, ['darkroom']);
    assert.deepEqual(after1.buckets, ['darkroom-photos']);
    assert.deepEqual(after1.queues.sort(), ['darkroom-backfill', 'darkroom-dlq', 'darkroom-pipeline']);
    assert.deepEqual(Object.keys(after1.secrets).sort(), ['API_TOKEN', 'MEDIA_KEY']);
    assert.match(after1.secrets.API_TOKEN, /^drk_[\w-]{32}$/);
    assert.ok(after1.secrets.MEDIA_KEY.length >= 43);
    assert.equal(after1.secretsFileMode, '600');
    assert.equal(existsSync(after1.secretsFile), false, 'the secrets file is removed after the deploy');
    assert.equal(after1.objects['models/_ort/VERSION'], '1.30.0');
    assert.equal(first.out.split(after1.secrets.API_TOKEN).length - 1, 1, 'the token is printed exactly once');
    assert.ok(!first.out.includes(after1.secrets.MEDIA_KEY), 'MEDIA_KEY is never printed');

    writeFileSync(logFile, '');
    const second = deploy();
    assert.equal(second.status, 0, second.out);
    assert.deepEqual(calls().filter((c) => !READ_ONLY.test(c)), ['d1 migrations apply DB --remote', 'vite build', 'deploy']);
    const after2 = account();
    assert.deepEqual(after2.secrets, after1.secrets, 'existing secrets are kept');
    assert.ok(!second.out.includes('drk_'), 'no token is printed when none was generated');
    assert.equal(after2.deploys, 2);

    writeFileSync(logFile, '');
    const plan = deploy('--dry-run');
    for (const line of ['= D1 database "darkroom": exists, kept', '= R2 bucket "darkroom-photos": exists, kept', '= queue "darkroom-dlq": exists, kept',
      '= secret API_TOKEN: set, kept', '= ONNX Runtime 1.30.0 files in R2 models/_ort/ (already uploaded): skip']) {
      assert.ok(plan.out.includes(line), `missing "${line}" in:\n${plan.out}`);
    }
  });

  it('generates only the missing secret and keeps the existing token unprinted', () => {
    setAccount({ ...freshAccount, worker: true, databases: ['darkroom'], queues: ['darkroom-dlq'], secrets: { API_TOKEN: 'drk_existing' } });
    const { status, out } = deploy();
    assert.equal(status, 0, out);
    const state = account();
    assert.equal(state.secrets.API_TOKEN, 'drk_existing');
    assert.ok(state.secrets.MEDIA_KEY);
    assert.ok(!out.includes('drk_'));
    assert.ok(!calls().some((c) => /^(d1|queues) create/.test(c)));
  });

  it('stops before changing anything when not logged in', () => {
    setAccount({ ...freshAccount, loggedIn: false });
    const { status, out } = deploy();
    assert.equal(status, 1);
    assert.match(out, /wrangler login/);
    assert.deepEqual(calls(), ['whoami --json']);
  });

  it('stops when the secrets cannot be read, instead of replacing a token people use', () => {
    setAccount({ ...freshAccount, worker: true, secrets: { API_TOKEN: 'drk_existing' }, failSecretList: true });
    const { status, out } = deploy();
    assert.equal(status, 1, out);
    assert.match(out, /Could not read the Worker's secrets/);
    assert.equal(account().secrets.API_TOKEN, 'drk_existing');
    assert.deepEqual(calls().filter((c) => !READ_ONLY.test(c)), []);
  });
});
