// The stored copies of queued files (store.ts), written and deleted in batches: a 10,000-file pick is
// one transaction per chunk of the pick, and the files a /check answer settles at once (a re-picked
// folder: a thousand duplicates) are deleted in one. A copy is deleted only after its write has
// landed, so a quick upload never leaves a copy behind for a reload to send again.
import type { EntryStore, StoredEntry } from './store';

export class Copies {
  private written = new Map<string, Promise<void>>();
  private doomed: string[] = [];
  private flushing = false;

  constructor(private readonly store: EntryStore) {}

  /** Resolves once a reload would find every one of them. */
  write(entries: StoredEntry[]): Promise<void> {
    if (!entries.length) return Promise.resolve();
    const write = this.store.put(entries);
    // A failed write leaves nothing to delete; the error reaches the caller.
    const landed = write.catch(() => {});
    for (const e of entries) this.written.set(e.id, landed);
    return write;
  }

  /** The copy is no longer needed (sent, refused, cancelled). */
  drop(id: string) {
    const landed = this.written.get(id) ?? Promise.resolve();
    this.written.delete(id);
    void landed.then(() => {
      this.doomed.push(id);
      this.flushSoon();
    });
  }

  /** Drops made in the same task (a /check answer settles a whole batch) share one transaction. */
  private flushSoon() {
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => {
      this.flushing = false;
      const ids = this.doomed;
      this.doomed = [];
      // Best effort: a copy left behind is found by the next restore, whose check marks it a duplicate.
      this.store.delete(ids).catch((err: unknown) => console.warn('could not delete uploaded copies', err));
    });
  }
}
