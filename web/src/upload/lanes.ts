// The last stage of the upload queue: lanes that send checked, new files, one request per lane (a file
// alone, or a batch of small ones), as many at once as the adaptive controller allows. A pause aborts
// what is in flight and puts it back at the head; "too many" (429/503) is waited out and sent again.
import type { Photo } from '../../../worker/contract/photo';
import { ApiError } from '../lib/api';
import { takeBatch } from './batch';
import type { AdaptiveConcurrency } from './concurrency';
import type { Entry, EntryState } from './entry.svelte';
import { sendFiles, type SendHost } from './send';
import { yieldToPage } from './slices';

/** How long one pump may spend starting requests before it lets other work in. */
const START_MS = 8;
/** 503 answers one file may get before it is marked failed. A 429 is always waited out: it never fails a file. */
const MAX_OVERLOADS = 5;

/** "Too many": the server's state, not the file's fault. */
export const overloaded = (err: unknown): err is ApiError => err instanceof ApiError && (err.status === 429 || err.status === 503);

export interface LanesHost {
  sender: SendHost;
  /** Whether small files may share a request (the API client has a batch call). */
  batching: boolean;
  /** Still to be sent: not cancelled while it waited, and its bytes are in hand. */
  usable(entry: Entry): boolean;
  setState(entry: Entry, patch: { state: EntryState; sent?: number }): void;
  /** The server has it (a new photo, or one the library had). */
  done(entry: Entry, photo: Photo, duplicate: boolean): void;
  fail(entry: Entry, err: unknown): void;
  /** The request carrying it is over, whatever its outcome. */
  settled(entry: Entry): void;
  /** A lane came free or a wait ended: run every stage again. */
  pump(): void;
}

export class Lanes {
  /** Checked new files waiting for a lane. */
  private ready: Entry[] = [];
  private active = new Map<string, AbortController>();
  /** Requests in flight (a batch is one request for several entries): what the lanes count. */
  private requests = 0;
  private overloads = new Map<string, number>();
  private wake: ReturnType<typeof setTimeout> | undefined;
  private pending = false;

  constructor(private readonly host: LanesHost, readonly control: AdaptiveConcurrency) {}

  /** Files waiting for a lane. */
  get waiting() {
    return this.ready.length;
  }

  push(entry: Entry) {
    this.ready.push(entry);
  }

  pump() {
    const now = performance.now();
    let free = this.control.free(this.requests, now);
    const usable = (e: Entry) => this.host.usable(e);
    while (free > 0 && this.ready.length) {
      // Starting a request costs the page a few ms (the form, the browser reading each file's details);
      // sixteen lanes freed at once (a resume, a /check answer) were a 50 ms task. The rest follow.
      if (performance.now() - now > START_MS) {
        this.later();
        break;
      }
      const batch = this.host.batching ? takeBatch(this.ready, free, usable) : [this.ready.shift()!].filter(usable);
      if (!batch.length) continue;
      void this.send(batch);
      free--;
    }
    // Told to wait (Retry-After): come back when the wait is over.
    if (this.ready.length && this.control.waitUntil > now && !this.wake) {
      this.wake = setTimeout(() => {
        this.wake = undefined;
        this.host.pump();
      }, this.control.waitUntil - now);
    }
  }

  /** Runs the stages again soon, once, after other work had its turn. */
  private later() {
    if (this.pending) return;
    this.pending = true;
    void yieldToPage().then(() => {
      this.pending = false;
      this.host.pump();
    });
  }

  /** Paused: stop every request in flight (their files go back to the head of the line). */
  stop() {
    clearTimeout(this.wake);
    this.wake = undefined;
    for (const ctrl of this.active.values()) ctrl.abort('paused');
  }

  /** The file's request, if it is in flight, is stopped; its state was already changed by the caller. */
  cancel(id: string) {
    this.active.get(id)?.abort('cancelled');
  }

  forget(id: string) {
    this.overloads.delete(id);
  }

  /** One request: a file alone, or a batch of small ones; each file gets its own verdict. */
  private async send(entries: Entry[]) {
    const ctrl = new AbortController();
    this.requests++;
    for (const e of entries) {
      this.active.set(e.id, ctrl);
      this.host.setState(e, { state: 'uploading' });
    }
    try {
      const verdicts = await sendFiles(this.host.sender, entries, ctrl.signal);
      let bytes = 0;
      verdicts.forEach((v, i) => {
        const e = entries[i];
        if ('error' in v) return this.refused(e, v.error, false);
        bytes += e.size;
        this.host.done(e, v.photo, v.duplicate);
      });
      this.control.sent(bytes, performance.now());
    } catch (err) {
      for (const e of entries) this.refused(e, err, ctrl.signal.aborted);
    } finally {
      this.requests--;
      for (const e of entries) {
        this.active.delete(e.id);
        this.host.settled(e);
      }
      this.host.pump();
    }
  }

  /** What a failed send means for the file: sent again (paused, or "too many"), or failed with the reason. */
  private refused(entry: Entry, err: unknown, aborted: boolean) {
    if (entry.state !== 'uploading') return; // cancelled meanwhile
    const overloads = this.overloads.get(entry.id) ?? 0;
    if (aborted) this.requeue(entry); // paused: it starts over when resumed
    else if (overloaded(err) && (err.status === 429 || overloads < MAX_OVERLOADS)) {
      // "Too many": not the file's fault. Wait as long as the server says and send it again.
      this.overloads.set(entry.id, overloads + 1);
      this.control.failed(err.status, performance.now(), err.retryAfter);
      this.requeue(entry);
    } else {
      if (err instanceof ApiError && (err.status === 0 || err.status >= 500)) this.control.failed(err.status, performance.now());
      this.host.fail(entry, err);
    }
  }

  private requeue(entry: Entry) {
    this.host.setState(entry, { state: 'queued', sent: 0 });
    this.ready.unshift(entry);
  }
}
