// `node worker/scripts/check-lockfile.mjs [dir]`: fails when package-lock.json would break `npm ci`.
// An `npm install` on one platform can write a lock without other platforms' optional packages
// (@rollup/rollup-darwin-arm64, @cloudflare/workerd-windows-64, …); `npm ci` elsewhere then fails with
// "Missing: … from lock file". Offline and fast: every dependency edge in the lock, optional ones
// included, must resolve (Node's node_modules lookup) to a lock entry, and the lock's root must match
// package.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DEP_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'];

/** @returns {string[]} problems; empty when `npm ci` can install from this lock. */
export function lockfileProblems(pkg, lock) {
  const problems = [];
  const entries = lock.packages;
  if (!entries || lock.lockfileVersion < 2) return ['package-lock.json has no "packages" map (lockfileVersion < 2)'];

  const rootEntry = entries[''] ?? {};
  for (const field of DEP_FIELDS) {
    const want = pkg[field] ?? {};
    const have = rootEntry[field] ?? {};
    for (const name of new Set([...Object.keys(want), ...Object.keys(have)])) {
      if (want[name] !== have[name]) problems.push(`${field}.${name}: package.json has ${want[name] ?? 'nothing'}, the lock has ${have[name] ?? 'nothing'}`);
    }
  }

  for (const [key, entry] of Object.entries(entries)) {
    if (entry.link || entry.inBundle) continue;
    const peerMeta = entry.peerDependenciesMeta ?? {};
    const edges = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...(key === '' ? Object.keys(entry.devDependencies ?? {}) : []),
      ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !peerMeta[name]?.optional),
    ];
    for (const name of edges) {
      if (!resolves(entries, key, name)) problems.push(`Missing: ${name} (needed by ${key || 'the project'}) from lock file`);
    }
  }
  return problems;
}

/** Node's lookup: <from>/node_modules/<name>, then each enclosing node_modules folder up to the root. */
function resolves(entries, from, name) {
  let base = from;
  for (;;) {
    if (entries[base ? `${base}/node_modules/${name}` : `node_modules/${name}`]) return true;
    if (!base) return false;
    const i = base.lastIndexOf('/node_modules/');
    base = i === -1 ? '' : base.slice(0, i);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../..'));
  const read = (f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
  const problems = lockfileProblems(read('package.json'), read('package-lock.json'));
  if (problems.length) {
    console.error(`✘ package-lock.json is incomplete; \`npm ci\` would fail:\n  ${problems.join('\n  ')}`);
    console.error('Fix: `rm -rf node_modules && npm install` (npm then adds every platform\'s optional packages), and commit the lock.');
    process.exit(1);
  }
  console.log(`✓ package-lock.json is complete (${Object.keys(read('package-lock.json').packages).length} entries)`);
}
