// One file in the upload queue, and the queue's running totals. A 10,000-file pick must not turn every
// state change into a walk over 10,000 reactive entries (that froze the page for seconds): each entry's
// changing fields are their own signals, so a change re-renders only the row showing it, and the totals
// are counters adjusted by each change rather than sums recomputed from every entry.

export type EntryState = 'shared' | 'queued' | 'hashing' | 'checking' | 'uploading' | 'done' | 'duplicate' | 'failed' | 'cancelled' | 'skipped';

export type EntryPatch = Partial<Pick<Entry, 'state' | 'sent' | 'photoId' | 'error'>>;

export class Entry {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  // Written only through Tally.update, which keeps the totals in step.
  state = $state<EntryState>('queued');
  sent = $state(0);
  photoId = $state<string | undefined>();
  error = $state<string | undefined>();

  constructor(id: string, name: string, size: number, state: EntryState, error?: string) {
    this.id = id;
    this.name = name;
    this.size = size;
    this.state = state;
    this.error = error;
  }
}

export class Tally {
  /** Bytes of every file that is to be sent (not skipped, cancelled or awaiting a share's Confirm). */
  total = $state(0);
  sent = $state(0);
  /** Queued, or hashed and checked ahead of the lanes: "active" is what is being sent. */
  waiting = $state(0);
  active = $state(0);
  failed = $state(0);

  /** Applies a change to an entry: its old share of the totals out, the new one in. */
  update(e: Entry, patch: EntryPatch) {
    this.count(e, -1);
    Object.assign(e, patch);
    this.count(e, 1);
  }

  add(e: Entry) {
    this.count(e, 1);
  }

  remove(e: Entry) {
    this.count(e, -1);
  }

  private count(e: Entry, sign: 1 | -1) {
    const state = e.state;
    if (state === 'skipped' || state === 'cancelled' || state === 'shared') return;
    this.total += sign * e.size;
    if (state === 'done' || state === 'duplicate') {
      this.sent += sign * e.size;
      return;
    }
    if (e.sent) this.sent += sign * e.sent;
    if (state === 'queued' || state === 'hashing' || state === 'checking') this.waiting += sign;
    else if (state === 'failed') this.failed += sign;
    else this.active += sign;
  }
}
