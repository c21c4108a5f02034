// The stored copies of queued files (store.ts), written and deleted in batches: a 10,000-file pick is a
// few transactions per slice of the pick, and the files a /check answer settles at once (a re-picked
// folder: a thousand duplicates) are deleted in one. A copy is deleted only after its write has
// landed, so a quick upload never leaves a copy behind for a reload to send again.
import { nextTask } from './slices';
import type { EntryStore, StoredEntry } from './store';

/**
 * How long the puts of one transaction may hold the page. Each put serialises a File for IndexedDB in
 * the page's own thread (tens of µs in Chromium), so 500 of them in one task are a long task by
 * themselves; a write is cut into transactions of about this cost, one task each.
 */
const PUT_MS = 6;
const MIN_PUTS = 16;
/**
 * A transaction grows at most twofold over the last, and to this many puts: the cost is learnt from
 * what has just run, and when puts turn slower (a collection, another tab, the first files' quick
 * serialisation) a transaction sized from cheap ones came out at 56 ms in a 10,000-file pick.
 */
const MAX_PUTS = 250;

export class Copies {
  private written = new Map<string, Promise<void>>();
  private doomed: string[] = [];
  private flushing = false;
  /** Puts per transaction, learnt from what the last one cost. */
  private perTransaction = 64;

  constructor(private readonly store: EntryStore) {}

  /** Resolves once a reload would find every one of them. */
  write(entries: StoredEntry[]): Promise<void> {
    if (!entries.length) return Promise.resolve();
    const write = this.inSlices(entries);
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

  /** The first transaction starts at once (in the caller's task); the rest follow a task apart. */
  private async inSlices(entries: StoredEntry[]): Promise<void> {
    const puts: Array<Promise<void>> = [];
    for (let from = 0; from < entries.length;) {
      if (from) await nextTask();
      const slice = entries.slice(from, from + this.perTransaction);
      const began = performance.now();
      const put = this.store.put(slice);
      const took = performance.now() - began;
      put.catch(() => {}); // reported once, below, when every put has been issued
      puts.push(put);
      from += slice.length;
      const fits = took > 0 ? Math.floor((slice.length * PUT_MS) / took) : MAX_PUTS;
      this.perTransaction = Math.min(MAX_PUTS, slice.length * 2, Math.max(MIN_PUTS, fits));
    }
    await Promise.all(puts);
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
