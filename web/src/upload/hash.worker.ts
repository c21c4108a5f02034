// Streaming SHA-256 off the main thread: the file is read in chunks and never held in memory whole.
import * as Comlink from 'comlink';
import { createSHA256 } from 'hash-wasm';

const api = {
  async sha256(blob: Blob): Promise<string> {
    const hasher = await createSHA256();
    hasher.init();
    const reader = blob.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hasher.update(value);
    }
    return hasher.digest('hex');
  },
};

export type HashWorker = typeof api;
Comlink.expose(api);
