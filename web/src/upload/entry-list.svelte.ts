// The queue's list as the page shows it: the entries in pick order, found by id, with running totals.
// One signal for the list (each entry's fields are their own), and every change of an entry goes
// through `update`, which keeps the totals in step.
import { Tally, type Entry, type EntryPatch, type EntryState } from './entry.svelte';

const FINISHED = new Set<EntryState>(['done', 'duplicate', 'skipped', 'cancelled']);

export const finished = (e: Entry) => FINISHED.has(e.state);

export class EntryList {
  /**
   * Appends go into the same array and bump `version`, which every reader of `entries` depends on. A new
   * copy per append (a pick is appended a slice at a time) made a 10,000-file pick allocate with the
   * square of its size: 12.6 MB of the 57 MB the page allocated while the queue filled, collected on
   * the page's thread meanwhile. Removals still make a new array.
   */
  private list: Entry[] = [];
  private version = $state(0);
  private readonly tally = new Tally();
  private byId = new Map<string, Entry>();

  get entries(): readonly Entry[] {
    void this.version;
    return this.list;
  }

  get(id: string): Entry | undefined {
    return this.byId.get(id);
  }

  has(id: string) {
    return this.byId.has(id);
  }

  update(e: Entry, patch: EntryPatch) {
    this.tally.update(e, patch);
  }

  append(added: Entry[]) {
    if (!added.length) return;
    for (const e of added) {
      this.byId.set(e.id, e);
      this.tally.add(e);
      this.list.push(e); // one by one: push(...added) overflows the stack for a restored queue of 200,000
    }
    this.version++;
  }

  remove(entry: Entry) {
    this.replace(this.list.filter((e) => e !== entry));
    this.byId.delete(entry.id);
    this.tally.remove(entry);
  }

  /** Drops what is over (sent, known, skipped, cancelled) from the list; failed files stay for a retry. */
  clearFinished() {
    const keep: Entry[] = [];
    for (const e of this.list) {
      if (!finished(e)) keep.push(e);
      else {
        this.byId.delete(e.id);
        this.tally.remove(e);
      }
    }
    this.replace(keep);
  }

  private replace(entries: Entry[]) {
    this.list = entries;
    this.version++;
  }

  /** Bytes in total and sent, files waiting, being sent and failed; time left at `speed` bytes per second. */
  totals(speed: number) {
    const { total, sent, waiting, failed, active } = this.tally;
    return { total, sent, waiting, failed, active, secondsLeft: speed > 0 ? (total - sent) / speed : null };
  }

  get busy() {
    return this.tally.waiting + this.tally.active > 0;
  }
}
