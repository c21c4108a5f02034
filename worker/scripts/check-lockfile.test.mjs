// The lock check must catch the failure `npm ci` reported ("Missing: @rollup/rollup-… from lock file").
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lockfileProblems } from './check-lockfile.mjs';

const pkg = { dependencies: { rollup: '4.0.0' } };
const lock = (extra = {}) => ({
  lockfileVersion: 3,
  packages: {
    '': { dependencies: { rollup: '4.0.0' } },
    'node_modules/rollup': { version: '4.0.0', optionalDependencies: { '@rollup/rollup-darwin-arm64': '4.0.0', '@rollup/rollup-linux-x64-gnu': '4.0.0' } },
    'node_modules/@rollup/rollup-linux-x64-gnu': { version: '4.0.0', optional: true, os: ['linux'] },
    ...extra,
  },
});

describe('check-lockfile', () => {
  it('reports another platform\'s optional package missing from the lock', () => {
    assert.deepEqual(lockfileProblems(pkg, lock()), ['Missing: @rollup/rollup-darwin-arm64 (needed by node_modules/rollup) from lock file']);
  });

  it('accepts the lock once every platform\'s package is there, nested or hoisted', () => {
    assert.deepEqual(lockfileProblems(pkg, lock({ 'node_modules/@rollup/rollup-darwin-arm64': { version: '4.0.0', optional: true } })), []);
    assert.deepEqual(lockfileProblems(pkg, lock({ 'node_modules/rollup/node_modules/@rollup/rollup-darwin-arm64': { version: '4.0.0', optional: true } })), []);
  });

  it('reports a package.json change the lock does not have', () => {
    const problems = lockfileProblems({ dependencies: { rollup: '4.0.1' } }, lock({ 'node_modules/@rollup/rollup-darwin-arm64': { version: '4.0.0' } }));
    assert.deepEqual(problems, ['dependencies.rollup: package.json has 4.0.1, the lock has 4.0.0']);
  });

  it('passes on the committed lock', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const read = (f) => JSON.parse(readFileSync(path.join(root, f), 'utf8'));
    assert.deepEqual(lockfileProblems(read('package.json'), read('package-lock.json')), []);
  });
});
