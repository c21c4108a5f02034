// A small pool of hashing Web Workers behind one function, started on first use and shared by every
// upload. One worker per spare core (2 to 4): hashing then keeps ahead of the network, and the main
// thread keeps a core for the page. Each call goes to the worker with the fewest calls in flight.
import * as Comlink from 'comlink';
import type { HashWorker } from './hash.worker';

interface Slot {
  remote: Comlink.Remote<HashWorker>;
  busy: number;
}

let pool: Slot[] | undefined;

/** Hash workers: one per spare core, at least 2 and at most 4. */
const workers = () => Math.min(4, Math.max(2, (globalThis.navigator?.hardwareConcurrency ?? 2) - 1));

/**
 * Hash calls in flight: two per worker, so one worker's next read is on its way while it digests. A
 * call carries a group of small files (up to 4 MB) or one big file; with one file per call it took
 * four per worker to keep ahead of the network, as each mostly waited for its bytes from the browser
 * process. Two bound what is held in flight to about 8 MB per worker.
 */
export const hashLanes = () => 2 * workers();

function slots(): Slot[] {
  pool ??= Array.from({ length: workers() }, () => ({
    remote: Comlink.wrap<HashWorker>(new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module' })),
    busy: 0,
  }));
  return pool;
}

/**
 * Starts the workers before the first pick: a module worker took 0.5 s and more to load on a busy
 * machine, and the first hashes, then the first /check and upload, waited for it.
 */
export function warmHashers() {
  try {
    slots();
  } catch {
    // No module workers here: the first hash reports it, on the files it concerns.
  }
}

/** The hashes of a group of small files (read at once) or of one big file, in order (hash.worker.ts). */
export async function sha256(blobs: Blob[]): Promise<string[]> {
  const slot = slots().reduce((a, b) => (b.busy < a.busy ? b : a));
  slot.busy++;
  try {
    return await slot.remote.sha256(blobs);
  } finally {
    slot.busy--;
  }
}
