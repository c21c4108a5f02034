// The upload queue, a three-stage pipeline so the network never waits on the CPU: a pool of hash
// workers runs ahead of the uploads, hashes go to /check in batches (up to 1,000 per call), and what
// is new is uploaded by lanes whose number adapts to the measured throughput. It reports progress,
// speed and time left. Entries are persisted, so a reload resumes the queue; navigation inside the app
// never touches it. A big pick is taken in chunks, each its own task, so the page answers meanwhile.
import type { MultipartUploadResponse, UploadResponse } from '../../../worker/contract/http';
import type { Photo } from '../../../worker/contract/photo';
import { ApiError, errorMessage, type UploadOptions } from '../lib/api';
import { takeBatch } from './batch';
import { AdaptiveConcurrency } from './concurrency';
import { Copies } from './copies';
import { Entry, Tally, type EntryState } from './entry.svelte';
import type { Skipped } from './intake';
import { Lookahead } from './lookahead';
import type { ResumableApi } from './resumable';
import { sendFiles, type SendHost } from './send';
import { SpeedMeter } from './speed';
import type { EntryStore } from './store';

export { Entry, type EntryState } from './entry.svelte';

export interface QueueDeps {
  hash(blob: Blob): Promise<string>;
  check(sha256: string[]): Promise<{ existing: Record<string, string> }>;
  upload(blob: Blob, name: string, options: UploadOptions): Promise<UploadResponse>;
  /** Small files in one request (batch.ts); without it every file is PUT alone. */
  uploadBatch?(files: Array<{ blob: Blob; name: string; sha256: string }>, options: Omit<UploadOptions, 'sha256'>): Promise<MultipartUploadResponse>;
  resumable: ResumableApi;
  store: EntryStore;
  /** Told of every acknowledged upload while the file is still in hand (a video's poster is made from it). */
  uploaded?: (blob: Blob, photo: Photo) => void;
}

/** Files above this go up in resumable parts: a dropped connection costs one part, not the file. */
const RESUMABLE_BYTES = 100 * 1024 * 1024;
/** 503 answers one file may get before it is marked failed. A 429 is always waited out: it never fails a file. */
const MAX_OVERLOADS = 5;
/** Files taken from a pick per task, at most, and for how long: each task stays well under 50 ms. */
const ADD_CHUNK = 500;
const SLICE_MS = 8;

const FINISHED = new Set<EntryState>(['done', 'duplicate', 'skipped', 'cancelled']);
/** Errors worth keeping the file for: the network, not the server's verdict on the file. */
const TRANSIENT = new Set(['offline', 'http_error', 'internal']);
const overloaded = (err: unknown): err is ApiError => err instanceof ApiError && (err.status === 429 || err.status === 503);
/** Lets the browser paint and handle input between chunks of a big pick. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

let counter = 0;
const newId = () => `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export class UploadQueue {
  /** Replaced, never mutated in place: the list is one signal, each entry's fields are their own. */
  entries = $state.raw<Entry[]>([]);
  paused = $state(false);
  /** Bytes per second over the last few seconds. */
  speed = $state(0);

  readonly control: AdaptiveConcurrency;
  private readonly tally = new Tally();
  private readonly copies: Copies;
  private byId = new Map<string, Entry>();
  private blobs = new Map<string, Blob>();
  private hashes = new Map<string, string>();
  private sessions = new Map<string, string>();
  private overloads = new Map<string, number>();
  private readonly ahead: Lookahead;
  /** Checked new files waiting for a lane, and uploads in flight. */
  private ready: Entry[] = [];
  private active = new Map<string, AbortController>();
  /** Requests in flight (a batch is one request for several entries): what the lanes count. */
  private requests = 0;
  private wake: ReturnType<typeof setTimeout> | undefined;
  private meter = new SpeedMeter();
  private readonly sender: SendHost;

  constructor(
    private readonly deps: QueueDeps,
    options: { concurrency?: number; resumableBytes?: number; hashLanes?: number } = {},
  ) {
    // A fixed concurrency (tests, or a user's choice) pins the controller; by default it adapts.
    const n = options.concurrency;
    this.control = n ? new AdaptiveConcurrency({ start: n, min: n, max: n }) : new AdaptiveConcurrency({ start: 6, max: 16 });
    this.sender = {
      upload: deps.upload,
      uploadBatch: deps.uploadBatch,
      resumable: deps.resumable,
      resumableBytes: options.resumableBytes ?? RESUMABLE_BYTES,
      blob: (e) => this.blobs.get(e.id)!,
      sha256: (e) => this.hashes.get(e.id)!,
      session: (e) => this.sessions.get(e.id),
      opened: async (e, id) => {
        this.sessions.set(e.id, id);
        await this.copies.write([{ id: e.id, name: e.name, size: e.size, blob: this.blobs.get(e.id)!, addedAt: Date.now(), uploadId: id }]);
      },
      progress: (e, sent) => this.progress(e, sent),
    };
    this.copies = new Copies(deps.store);
    this.ahead = new Lookahead({
      hash: deps.hash,
      check: deps.check,
      blob: (e) => this.blobs.get(e.id),
      hashes: this.hashes,
      setState: (e, state) => this.tally.update(e, { state }),
      ready: (e) => this.ready.push(e),
      duplicate: (e, photoId) => this.finish(e, 'duplicate', photoId),
      fail: (e, err) => this.fail(e, err),
      waiting: () => this.ready.length,
      lanes: () => this.control.limit,
      pump: () => this.pump(),
    }, options.hashLanes ?? 4);
  }

  /** Upload lanes allowed right now. */
  get concurrency() {
    return this.control.limit;
  }

  get totals() {
    const { total, sent, waiting, failed, active } = this.tally;
    const left = total - sent;
    return { total, sent, waiting, failed, active, secondsLeft: this.speed > 0 ? left / this.speed : null };
  }

  get busy() {
    return this.tally.waiting + this.tally.active > 0;
  }

  /** Restores entries a previous page load left unfinished, then carries on. */
  async restore() {
    const fresh: Entry[] = [];
    for (const stored of await this.deps.store.all()) {
      if (this.byId.has(stored.id)) continue;
      this.blobs.set(stored.id, stored.blob);
      if (stored.uploadId) this.sessions.set(stored.id, stored.uploadId);
      // Shared from elsewhere: it waits for the user's Confirm (see StoredEntry.shared).
      fresh.push(new Entry(stored.id, stored.name, stored.size, stored.shared ? 'shared' : 'queued'));
    }
    this.append(fresh);
    this.ahead.add(fresh.filter((e) => e.state === 'queued'));
    this.pump();
  }

  /** The user accepts a shared file: from now on it is an ordinary queued upload. */
  async confirm(id: string) {
    const entry = this.byId.get(id);
    const blob = this.blobs.get(id);
    if (!entry || entry.state !== 'shared' || !blob) return;
    this.tally.update(entry, { state: 'queued' });
    await this.copies.write([{ id, name: entry.name, size: entry.size, blob, addedAt: Date.now(), shared: false }]);
    this.ahead.add([entry]);
    this.pump();
  }

  /** The user refuses a shared file: it is forgotten without being sent. */
  discard(id: string) {
    const entry = this.byId.get(id);
    if (!entry || entry.state !== 'shared') return;
    this.entries = this.entries.filter((e) => e !== entry);
    this.byId.delete(id);
    this.tally.remove(entry);
    this.forget(entry);
  }

  /**
   * Queues a pick, a chunk per task: the first files are being hashed while the rest are still being
   * listed, and the page never stalls on a 10,000-file folder. Resolves once a reload would find them all.
   */
  async add(files: Array<{ name: string; blob: Blob }>, skipped: Skipped[] = []) {
    const writes: Array<Promise<void>> = [];
    const now = Date.now();
    let next = 0;
    while (next < files.length) {
      if (next) await nextTask();
      // A time slice, not a count: the first read of a picked file's size may ask the browser process
      // (a stat per file), so 500 files can take 5 ms or 500 ms depending on the machine.
      const began = performance.now();
      const chunk: Entry[] = [];
      do {
        const { name, blob } = files[next++];
        const entry = new Entry(newId(), name, blob.size, 'queued');
        this.blobs.set(entry.id, blob);
        chunk.push(entry);
      } while (next < files.length && chunk.length < ADD_CHUNK && performance.now() - began < SLICE_MS);
      this.append(chunk);
      // Work starts while the copies are written (a finished file's copy is deleted only once written).
      const from = next - chunk.length;
      writes.push(this.copies.write(chunk.map((e, i) => ({ id: e.id, name: e.name, size: e.size, blob: this.blobs.get(e.id)!, addedAt: now + from + i }))));
      this.ahead.add(chunk);
      this.pump();
    }
    this.append(skipped.map((s) => {
      const { name, reason } = typeof s === 'string' ? { name: s, reason: 'Not a photo or video' } : s;
      return new Entry(newId(), name, 0, 'skipped', reason);
    }));
    await Promise.all(writes);
  }

  pause() {
    this.paused = true;
    clearTimeout(this.wake);
    this.wake = undefined;
    for (const ctrl of this.active.values()) ctrl.abort('paused');
  }

  resume() {
    this.paused = false;
    this.pump();
  }

  cancel(id: string) {
    const entry = this.byId.get(id);
    if (!entry || FINISHED.has(entry.state)) return;
    this.tally.update(entry, { state: 'cancelled' });
    this.active.get(id)?.abort('cancelled');
    this.forget(entry);
  }

  retry(id: string) {
    const entry = this.byId.get(id);
    if (!entry || (entry.state !== 'failed' && entry.state !== 'cancelled') || !this.blobs.has(id)) return;
    this.tally.update(entry, { state: 'queued', error: undefined, sent: 0 });
    this.overloads.delete(id);
    // The hash still holds; the verdict may not (the file may have arrived from elsewhere meanwhile).
    this.ahead.add([entry]);
    this.pump();
  }

  retryFailed() {
    for (const e of this.entries) if (e.state === 'failed') this.retry(e.id);
  }

  clearFinished() {
    const keep: Entry[] = [];
    for (const e of this.entries) {
      if (!FINISHED.has(e.state)) keep.push(e);
      else {
        this.byId.delete(e.id);
        this.tally.remove(e);
      }
    }
    this.entries = keep;
  }

  private append(added: Entry[]) {
    if (!added.length) return;
    for (const e of added) {
      this.byId.set(e.id, e);
      this.tally.add(e);
    }
    this.entries = this.entries.concat(added);
  }

  private pump() {
    if (this.paused) return;
    this.ahead.pump();
    this.pumpUploads();
  }

  private pumpUploads() {
    const now = performance.now();
    let free = this.control.free(this.requests, now);
    const usable = (e: Entry) => e.state === 'queued' && this.blobs.has(e.id);
    while (free > 0 && this.ready.length) {
      const batch = this.deps.uploadBatch ? takeBatch(this.ready, free, usable) : [this.ready.shift()!].filter(usable);
      if (!batch.length) continue;
      void this.send(batch);
      free--;
    }
    // Told to wait (Retry-After): come back when the wait is over.
    if (this.ready.length && this.control.waitUntil > now && !this.wake) {
      this.wake = setTimeout(() => {
        this.wake = undefined;
        this.pump();
      }, this.control.waitUntil - now);
    }
  }

  /** One request: a file alone, or a batch of small ones; each file gets its own verdict. */
  private async send(entries: Entry[]) {
    const ctrl = this.start(entries);
    try {
      const verdicts = await sendFiles(this.sender, entries, ctrl.signal);
      let bytes = 0;
      verdicts.forEach((v, i) => {
        const e = entries[i];
        if ('error' in v) return this.refused(e, v.error, false);
        bytes += e.size;
        this.deps.uploaded?.(this.blobs.get(e.id)!, v.photo);
        this.finish(e, v.duplicate ? 'duplicate' : 'done', v.photo.id);
      });
      this.control.sent(bytes, performance.now());
    } catch (err) {
      for (const e of entries) this.refused(e, err, ctrl.signal.aborted);
    } finally {
      this.end(entries);
    }
  }

  private start(entries: Entry[]): AbortController {
    const ctrl = new AbortController();
    this.requests++;
    for (const e of entries) {
      this.active.set(e.id, ctrl);
      this.tally.update(e, { state: 'uploading' });
    }
    return ctrl;
  }

  private end(entries: Entry[]) {
    this.requests--;
    for (const e of entries) {
      this.active.delete(e.id);
      this.meter.done(e.id);
    }
    this.pump();
  }

  /** What a failed send means for the file: sent again (paused, or "too many"), or failed with the reason. */
  private refused(entry: Entry, err: unknown, aborted: boolean) {
    if (entry.state !== 'uploading') return; // cancelled meanwhile
    if (aborted) this.requeue(entry); // paused: it starts over when resumed
    else if (overloaded(err) && (err.status === 429 || (this.overloads.get(entry.id) ?? 0) < MAX_OVERLOADS)) {
      // "Too many": not the file's fault. Wait as long as the server says and send it again.
      this.overloads.set(entry.id, (this.overloads.get(entry.id) ?? 0) + 1);
      this.control.failed(err.status, performance.now(), err.retryAfter);
      this.requeue(entry);
    } else {
      if (err instanceof ApiError && (err.status === 0 || err.status >= 500)) this.control.failed(err.status, performance.now());
      this.fail(entry, err);
    }
  }

  private requeue(entry: Entry) {
    this.tally.update(entry, { state: 'queued', sent: 0 });
    this.ready.unshift(entry);
  }

  private fail(entry: Entry, err: unknown) {
    this.tally.update(entry, { state: 'failed', error: errorMessage(err, 'Upload failed.') });
    // A file the server refused will be refused again: no need to keep it across reloads.
    if (err instanceof ApiError && !TRANSIENT.has(err.code) && !overloaded(err)) this.copies.drop(entry.id);
  }

  private finish(entry: Entry, state: 'done' | 'duplicate', photoId: string) {
    this.meter.done(entry.id, entry.size);
    this.tally.update(entry, { state, photoId, sent: entry.size });
    this.forget(entry);
  }

  private forget(entry: Entry) {
    this.blobs.delete(entry.id);
    this.hashes.delete(entry.id);
    this.overloads.delete(entry.id);
    this.sessions.delete(entry.id);
    this.copies.drop(entry.id);
  }

  private progress(entry: Entry, sent: number) {
    this.tally.update(entry, { sent });
    const speed = this.meter.progress(entry.id, sent, performance.now());
    if (speed !== null) this.speed = speed;
  }
}
