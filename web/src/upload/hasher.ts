// A small pool of hashing Web Workers behind one function, started on first use and shared by every
// upload. One worker per spare core (at most 4): hashing then keeps ahead of the network, and the main
// thread keeps a core for the page. Each call goes to the worker with the fewest calls in flight.
import * as Comlink from 'comlink';
import type { HashWorker } from './hash.worker';

interface Slot {
  remote: Comlink.Remote<HashWorker>;
  busy: number;
}

let pool: Slot[] | undefined;

/** How many hashes may usefully run at once on this device. */
export const hashLanes = () => Math.min(4, Math.max(1, (globalThis.navigator?.hardwareConcurrency ?? 2) - 1));

function slots(): Slot[] {
  pool ??= Array.from({ length: hashLanes() }, () => ({
    remote: Comlink.wrap<HashWorker>(new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module' })),
    busy: 0,
  }));
  return pool;
}

export async function sha256(blob: Blob): Promise<string> {
  const slot = slots().reduce((a, b) => (b.busy < a.busy ? b : a));
  slot.busy++;
  try {
    return await slot.remote.sha256(blob);
  } finally {
    slot.busy--;
  }
}
