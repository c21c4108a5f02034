// What the queue holds of each file until it is settled: the bytes, their hash once known, and the
// resumable session of a large one. A settled file lets go of all three at once.
import type { StoredEntry } from './store';

export class Held {
  readonly blobs = new Map<string, Blob>();
  readonly hashes = new Map<string, string>();
  readonly sessions = new Map<string, string>();

  /** The record kept in IndexedDB for a reload (store.ts). */
  copy(e: { id: string; name: string; size: number }, addedAt: number): StoredEntry {
    return { id: e.id, name: e.name, size: e.size, blob: this.blobs.get(e.id)!, addedAt };
  }

  forget(id: string) {
    this.blobs.delete(id);
    this.hashes.delete(id);
    this.sessions.delete(id);
  }
}
