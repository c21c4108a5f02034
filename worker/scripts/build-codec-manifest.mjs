// Writes worker/engine/codec/manifest.json after a codec build: what the committed module is (its
// exports, API version, sha256) and what it was built from. codec.test.ts checks the module against it.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [outDir, emscripten, ...packages] = process.argv.slice(2);
const wasm = readFileSync(path.join(outDir, 'codec.wasm'));
const header = readFileSync(path.join(outDir, 'src/codec.h'), 'utf8');
const version = Number(/#define CX_VERSION (\d+)/.exec(header)[1]);
const exports = WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name).sort();
const manifest = {
  version,
  wasmSha256: createHash('sha256').update(wasm).digest('hex'),
  wasmBytes: wasm.length,
  exports,
  toolchain: `emscripten ${emscripten} (Debian bookworm)`,
  sources: packages.map((p) => ({ package: p.slice(0, p.indexOf('=')), debianVersion: p.slice(p.indexOf('=') + 1) })),
};
writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`manifest: v${version}, ${exports.length} exports, ${wasm.length} bytes`);
