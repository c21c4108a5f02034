// Which Chromium the browser tests and benchmarks drive, and with which flags. Plain ESM, so the
// Node benchmark scripts can use it too.
//   1. CHROMIUM_PATH, when set;
//   2. Debian's /usr/bin/chromium, when present;
//   3. the headless shell shipped inside the npm package @sparticuz/chromium (a devDependency), so that
//      `npm install && npm test` works on a machine without a system browser.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * Our own flags, never @sparticuz/chromium's defaults: those disable web security and site isolation
 * (and force --single-process), which would hide COOP/COEP and CORS bugs the tests exist to catch.
 */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let resolved;

/** @returns {{ path: string, source: string }} */
export function chromiumExecutable() {
  resolved ??= resolve();
  return resolved;
}

function resolve() {
  if (process.env.CHROMIUM_PATH) return { path: process.env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  if (isExecutable(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: 'system' };
  return { path: extractPackagedChromium(), source: '@sparticuz/chromium' };
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The package ships Brotli-compressed files and inflates them into os.tmpdir() on first use. We point
 * TMPDIR at a versioned folder under node_modules/.cache instead of the shared /tmp (so another
 * version's leftovers are never picked up), inflate into a scratch folder and rename it into place, so
 * an interrupted first run never leaves a half-written browser behind. SwiftShader (WebGL and WebGPU
 * without a GPU) lands next to the binary, where Chromium looks for it.
 */
function extractPackagedChromium() {
  const require = createRequire(path.join(root, 'package.json'));
  // build/index.js → the package folder (its package.json is not in "exports").
  const pkgDir = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..');
  const { version } = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const dir = path.join(root, 'node_modules/.cache/darkroom-chromium', version);
  const binary = path.join(dir, 'chromium');
  if (isExecutable(binary)) return binary;

  const scratch = `${dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const res = spawnSync(process.execPath, ['--input-type=module', '-e',
    "const { default: c } = await import('@sparticuz/chromium'); process.stdout.write(await c.executablePath());"],
  { cwd: root, env: { ...process.env, TMPDIR: scratch }, encoding: 'utf8' });
  if (res.status !== 0 || !existsSync(path.join(scratch, 'chromium'))) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`could not unpack @sparticuz/chromium: ${res.stderr || res.stdout}`);
  }
  try {
    renameSync(scratch, dir);
  } catch (err) {
    // Another process finished first: use its copy.
    rmSync(scratch, { recursive: true, force: true });
    if (!isExecutable(binary)) throw err;
  }
  return binary;
}
