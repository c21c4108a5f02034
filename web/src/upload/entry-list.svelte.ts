// The queue's list as the page shows it: the entries in pick order, found by id, with running totals.
// The array is replaced, never mutated in place (one signal for the list; each entry's fields are
// their own), and every change of an entry goes through `update`, which keeps the totals in step.
import { Tally, type Entry, type EntryPatch, type EntryState } from './entry.svelte';

const FINISHED = new Set<EntryState>(['done', 'duplicate', 'skipped', 'cancelled']);

export const finished = (e: Entry) => FINISHED.has(e.state);

export class EntryList {
  entries = $state.raw<Entry[]>([]);
  private readonly tally = new Tally();
  private byId = new Map<string, Entry>();

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
    }
    this.entries = this.entries.concat(added);
  }

  remove(entry: Entry) {
    this.entries = this.entries.filter((e) => e !== entry);
    this.byId.delete(entry.id);
    this.tally.remove(entry);
  }

  /** Drops what is over (sent, known, skipped, cancelled) from the list; failed files stay for a retry. */
  clearFinished() {
    const keep: Entry[] = [];
    for (const e of this.entries) {
      if (!finished(e)) keep.push(e);
      else {
        this.byId.delete(e.id);
        this.tally.remove(e);
      }
    }
    this.entries = keep;
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
