// Streaming SHA-256 off the main thread: the file is read in chunks and never held in memory whole.
import * as Comlink from 'comlink';
import { createSHA256, type IHasher } from 'hash-wasm';

// One WASM instance per worker, reused for small files: creating it costs more than hashing a small
// photo. It is only used between awaits (read first, then init/update/digest at once), so calls that
// overlap in this worker cannot mix their bytes.
let shared: Promise<IHasher> | undefined;

const api = {
  async sha256(blob: Blob): Promise<string> {
    // Small files in one read: a stream per 128 KB photo costs more than the hash itself.
    if (blob.size <= 4 * 1024 * 1024) {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const h = await (shared ??= createSHA256());
      h.init();
      h.update(bytes);
      return h.digest('hex');
    }
    const h = await createSHA256();
    h.init();
    const reader = blob.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      h.update(value);
    }
    return h.digest('hex');
  },
};

export type HashWorker = typeof api;
Comlink.expose(api);
