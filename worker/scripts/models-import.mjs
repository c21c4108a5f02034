// `npm run models:import -- <folder> [--remote]`
// Copies a local folder of model files (e.g. Xenova/clip-vit-base-patch32/{config.json,onnx/…}) into the
// R2 bucket under models/, where the Worker serves them at /models/. Without --remote it fills the local
// bucket that `npm start` uses.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { run } from './lib.mjs';

const args = process.argv.slice(2);
const folder = args.find((a) => !a.startsWith('--'));
const where = args.includes('--remote') ? '--remote' : '--local';
if (!folder) {
  console.error('Usage: npm run models:import -- <folder> [--remote]');
  process.exit(2);
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else yield full;
  }
}

let count = 0;
for (const file of files(path.resolve(folder))) {
  const key = `models/${path.relative(path.resolve(folder), file).split(path.sep).join('/')}`;
  run('wrangler', ['r2', 'object', 'put', `darkroom-photos/${key}`, '--file', file, where], { stdio: 'ignore' });
  console.log(`  ${key}`);
  count++;
}
console.log(`Imported ${count} files; the analysis tab loads them from /models/.`);
