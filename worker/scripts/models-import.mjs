// `npm run models:import -- <folder> [--remote | --persist-to <dir>]`
// Copies a local folder of model files (e.g. Xenova/clip-vit-base-patch32/{config.json,onnx/…}) into the
// R2 bucket under models/, where the Worker serves them at /models/. Without --remote it fills the local
// bucket that `npm start` uses (or the local state in --persist-to, as the benchmarks use).
// Files and folders whose name starts with a dot (a clone's .git, .gitattributes) are skipped: /models/
// never serves them, and a git-lfs clone's .git holds every weight a second time.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { run } from './lib.mjs';

/** `wrangler r2 object put` refuses larger files for a remote bucket. */
const REMOTE_MAX_BYTES = 300 * 1024 * 1024;

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { remote: { type: 'boolean' }, 'persist-to': { type: 'string' } } });
} catch {
  parsed = null;
}
const [folder] = parsed?.positionals ?? [];
const { remote, 'persist-to': persistTo } = parsed?.values ?? {};
if (!parsed || parsed.positionals.length !== 1 || (remote && persistTo)) {
  console.error('Usage: npm run models:import -- <folder> [--remote | --persist-to <dir>]');
  process.exit(2);
}
const where = remote ? ['--remote'] : ['--local', ...(persistTo ? ['--persist-to', path.resolve(persistTo)] : [])];

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else yield full;
  }
}

const root = path.resolve(folder);
const all = [...files(root)];
// Say so before uploading anything, rather than stop halfway through a model.
const tooLarge = remote ? all.filter((f) => statSync(f).size > REMOTE_MAX_BYTES) : [];
if (tooLarge.length) {
  console.error(`wrangler uploads at most 300 MB per file to a remote bucket; these are larger:\n${tooLarge.map((f) => `  ${path.relative(root, f)}`).join('\n')}`);
  console.error('Upload those with an S3 client (R2 takes multipart uploads), or leave out the variants you do not serve.');
  process.exit(1);
}
for (const file of all) {
  const key = `models/${path.relative(root, file).split(path.sep).join('/')}`;
  run('wrangler', ['r2', 'object', 'put', `darkroom-photos/${key}`, '--file', file, ...where], { stdio: 'ignore' });
  console.log(`  ${key}`);
}
console.log(`Imported ${all.length} files; the analysis tab loads them from /models/.`);
