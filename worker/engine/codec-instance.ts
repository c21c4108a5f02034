// One codec instance per isolate, one job at a time. Wasm memory never shrinks, so an instance that grew
// past `KEEP_BELOW` (an outsized input) or ran out of memory is dropped and the next job gets a fresh one.
import createCodec, { type CodecModule } from './codec/codec.mjs';
import codecWasm from './codec/codec.wasm';

/** Above this much wasm memory after a job, the instance is replaced rather than reused. */
export const KEEP_BELOW = 48 * 1024 * 1024;

let current: Promise<CodecModule> | undefined;
let queue: Promise<unknown> = Promise.resolve();
let peak = 0; // the most wasm memory an instance in this isolate has reached

function load(): Promise<CodecModule> {
  // Workers cannot compile WASM at runtime: instantiate the module the bundler imported.
  current ??= createCodec({
    noInitialRun: true,
    locateFile: () => '', // never fetched (instantiateWasm below); avoids new URL(import.meta.url)
    instantiateWasm(imports, done) {
      const instance = new WebAssembly.Instance(codecWasm, imports);
      done(instance, codecWasm);
      return instance.exports;
    },
  });
  return current;
}

export function memoryBytes(m: CodecModule): number {
  return m.HEAPU8.buffer.byteLength;
}

/** Runs `job` on the isolate's codec, after any job already running; `fresh` forces a new instance. */
export function withCodec<T>(job: (m: CodecModule) => T | Promise<T>, fresh = false): Promise<T> {
  const run = queue.then(async () => {
    if (fresh) current = undefined;
    const m = await load();
    let failed = true;
    try {
      const result = await job(m);
      failed = false;
      return result;
    } finally {
      m._cx_reset();
      const bytes = memoryBytes(m);
      // Rare (a new high for the isolate) and what memory pressure is diagnosed by; bench:pipeline reads it.
      if (bytes > peak) console.log(`engine: wasm memory peak ${((peak = bytes) / 1048576).toFixed(1)} MB`);
      if (failed || bytes > KEEP_BELOW) current = undefined;
    }
  });
  queue = run.catch(() => {});
  return run;
}
