// Compiles dot.wat to dot.wasm (committed, so nothing needs wabt to build or run the Worker).
// Usage: npm i --no-save wabt@1.0.39 (or use a scratch folder) && node worker/search/build-dot.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import wabtInit from 'wabt';

const here = import.meta.dirname;
const wabt = await wabtInit();
const mod = wabt.parseWat('dot.wat', readFileSync(path.join(here, 'dot.wat'), 'utf8'), { simd: true });
mod.validate();
const { buffer } = mod.toBinary({});
writeFileSync(path.join(here, 'dot.wasm'), buffer);
console.log(`dot.wasm: ${buffer.length} bytes`);
