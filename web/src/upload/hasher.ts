// The hashing Web Worker behind one comlink API, started on first use and shared by every upload.
import * as Comlink from 'comlink';
import type { HashWorker } from './hash.worker';

let remote: Comlink.Remote<HashWorker> | undefined;

export function sha256(blob: Blob): Promise<string> {
  remote ??= Comlink.wrap<HashWorker>(new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module' }));
  return remote.sha256(blob);
}
