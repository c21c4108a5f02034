// The upload queue, a three-stage pipeline so the network never waits on the CPU: a pool of hash
// workers runs ahead of the uploads, hashes go to /check in batches (up to 1,000 per call), and what
// is new is uploaded by lanes whose number adapts to the measured throughput (lookahead.ts, lanes.ts).
// It reports progress, speed and time left. Entries are persisted, so a reload resumes the queue;
// navigation inside the app never touches it. A big pick is taken in slices, each its own task, so the
// page answers meanwhile.
import type { MultipartUploadResponse, UploadResponse } from '../../../worker/contract/http';
import type { Photo } from '../../../worker/contract/photo';
import { ApiError, errorMessage, type UploadOptions } from '../lib/api';
import { BATCH } from './batch';
import { AdaptiveConcurrency } from './concurrency';
import { Copies } from './copies';
import { Entry } from './entry.svelte';
import { Held } from './held';
import { EntryList, finished } from './entry-list.svelte';
import type { Skipped } from './intake';
import { Lanes, overloaded } from './lanes';
import { Lookahead } from './lookahead';
import type { ResumableApi } from './resumable';
import { ProgressThrottle } from './progress';
import { inSlices, sharedTurns } from './slices';
import { SpeedMeter } from './speed';
import type { EntryStore } from './store';

export { Entry, type EntryState } from './entry.svelte';

export interface QueueDeps {
  /** The hashes of the blobs, in order (a group of small files is read at once). */
  hash(blobs: Blob[]): Promise<string[]>;
  check(sha256: string[]): Promise<{ existing: Record<string, string> }>;
  /** Gets hashing ready ahead of a pick (the upload page is open). */
  warm?(): void;
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

/** Errors worth keeping the file for: the network, not the server's verdict on the file. */
const TRANSIENT = new Set(['offline', 'http_error', 'internal']);

let counter = 0;
const newId = () => `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export class UploadQueue {
  paused = $state(false);
  /** Bytes per second over the last few seconds. */
  speed = $state(0);

  private readonly list = new EntryList();
  private readonly copies: Copies;
  private readonly held = new Held();
  private readonly ahead: Lookahead;
  private readonly lanes: Lanes;
  private meter = new SpeedMeter();
  /** Progress is shown a few times a second (progress.ts); a file that is settled shows its state. */
  private shown = new ProgressThrottle<Entry>((latest) => {
    for (const [entry, sent] of latest) if (entry.state === 'uploading') this.list.update(entry, { sent });
    this.speed = this.measured;
  });
  private measured = 0;

  constructor(
    private readonly deps: QueueDeps,
    options: { concurrency?: number; resumableBytes?: number; hashLanes?: number } = {},
  ) {
    this.copies = new Copies(deps.store);
    // A fixed concurrency (tests, or a user's choice) pins the controller; by default it adapts.
    const n = options.concurrency;
    const control = n ? new AdaptiveConcurrency({ start: n, min: n, max: n }) : new AdaptiveConcurrency({ start: 6, max: 16 });
    this.lanes = new Lanes({
      sender: {
        upload: deps.upload,
        uploadBatch: deps.uploadBatch,
        resumable: deps.resumable,
        resumableBytes: options.resumableBytes ?? RESUMABLE_BYTES,
        blob: (e) => this.held.blobs.get(e.id)!,
        sha256: (e) => this.held.hashes.get(e.id)!,
        session: (e) => this.held.sessions.get(e.id),
        opened: async (e, id) => {
          this.held.sessions.set(e.id, id);
          await this.copies.write([{ ...this.held.copy(e, Date.now()), uploadId: id }]);
        },
        progress: (e, sent) => this.progress(e, sent),
      },
      batching: !!deps.uploadBatch,
      usable: (e) => e.state === 'queued' && this.held.blobs.has(e.id),
      setState: (e, patch) => this.list.update(e, patch),
      done: (e, photo, duplicate) => {
        this.deps.uploaded?.(this.held.blobs.get(e.id)!, photo);
        this.finish(e, duplicate ? 'duplicate' : 'done', photo.id);
      },
      fail: (e, err) => this.fail(e, err),
      settled: (e) => this.meter.done(e.id),
      pump: () => this.pump(),
    }, control);
    this.ahead = new Lookahead({
      hash: deps.hash,
      check: deps.check,
      blob: (e) => this.held.blobs.get(e.id),
      hashes: this.held.hashes,
      setState: (e, state) => this.list.update(e, { state }),
      ready: (e) => this.lanes.push(e),
      duplicate: (e, photoId) => this.finish(e, 'duplicate', photoId),
      fail: (e, err) => this.fail(e, err),
      waiting: () => this.lanes.waiting,
      // What the lanes take in one round: a batch of small files per lane.
      lanes: () => control.limit * (deps.uploadBatch ? BATCH.files : 1),
      pump: () => this.pump(),
    }, options.hashLanes ?? 4);
  }

  /** Upload lanes allowed right now. */
  get concurrency() {
    return this.lanes.control.limit;
  }

  /** In pick order; the page renders the rows in view. */
  get entries(): readonly Entry[] {
    return this.list.entries;
  }

  get totals() {
    return this.list.totals(this.speed);
  }

  get busy() {
    return this.list.busy;
  }

  /** The upload page is open: a pick may come at any moment. */
  prepare() {
    this.deps.warm?.();
  }

  /** Restores entries a previous page load left unfinished, then carries on. */
  async restore() {
    const fresh: Entry[] = [];
    for (const stored of await this.deps.store.all()) {
      if (this.list.has(stored.id)) continue;
      this.held.blobs.set(stored.id, stored.blob);
      if (stored.uploadId) this.held.sessions.set(stored.id, stored.uploadId);
      // Shared from elsewhere: it waits for the user's Confirm (see StoredEntry.shared).
      fresh.push(new Entry(stored.id, stored.name, stored.size, stored.shared ? 'shared' : 'queued'));
    }
    this.list.append(fresh);
    this.ahead.add(fresh.filter((e) => e.state === 'queued'));
    this.pump();
  }

  /** The user accepts a shared file: from now on it is an ordinary queued upload. */
  async confirm(id: string) {
    const entry = this.list.get(id);
    if (!entry || entry.state !== 'shared' || !this.held.blobs.has(id)) return;
    this.list.update(entry, { state: 'queued' });
    await this.copies.write([{ ...this.held.copy(entry, Date.now()), shared: false }]);
    this.ahead.add([entry]);
    this.pump();
  }

  /** The user refuses a shared file: it is forgotten without being sent. */
  discard(id: string) {
    const entry = this.list.get(id);
    if (!entry || entry.state !== 'shared') return;
    this.list.remove(entry);
    this.forget(entry);
  }

  /**
   * Queues a pick, a slice per task: the first files are being hashed while the rest are still being
   * listed, and the page never stalls on a 10,000-file folder. Resolves once a reload would find them all.
   */
  async add(files: Array<{ name: string; blob: Blob }>, skipped: Skipped[] = []) {
    const writes: Array<Promise<void>> = [];
    const now = Date.now();
    await inSlices(files, ({ name, blob }) => {
      const entry = new Entry(newId(), name, blob.size, 'queued');
      this.held.blobs.set(entry.id, blob);
      return entry;
    }, (chunk, from) => {
      this.list.append(chunk);
      // Work starts while the copies are written (a finished file's copy is deleted only once written).
      writes.push(this.copies.write(chunk.map((e, i) => this.held.copy(e, now + from + i))));
      this.ahead.add(chunk);
      this.pump();
    }, { turn: sharedTurns() });
    this.list.append(skipped.map((s) => {
      const { name, reason } = typeof s === 'string' ? { name: s, reason: 'Not a photo or video' } : s;
      return new Entry(newId(), name, 0, 'skipped', reason);
    }));
    await Promise.all(writes);
  }

  pause() {
    this.paused = true;
    this.lanes.stop();
  }

  resume() {
    this.paused = false;
    this.pump();
  }

  cancel(id: string) {
    const entry = this.list.get(id);
    if (!entry || finished(entry)) return;
    this.list.update(entry, { state: 'cancelled' });
    this.lanes.cancel(id);
    this.forget(entry);
  }

  retry(id: string) {
    const entry = this.list.get(id);
    if (!entry || (entry.state !== 'failed' && entry.state !== 'cancelled') || !this.held.blobs.has(id)) return;
    this.list.update(entry, { state: 'queued', error: undefined, sent: 0 });
    this.lanes.forget(id);
    // The hash still holds; the verdict may not (the file may have arrived from elsewhere meanwhile).
    this.ahead.add([entry]);
    this.pump();
  }

  retryFailed() {
    for (const e of this.entries) if (e.state === 'failed') this.retry(e.id);
  }

  clearFinished() {
    this.list.clearFinished();
  }

  private pump() {
    if (this.paused) return;
    this.ahead.pump();
    this.lanes.pump();
  }

  private fail(entry: Entry, err: unknown) {
    this.list.update(entry, { state: 'failed', error: errorMessage(err, 'Upload failed.') });
    // A file the server refused will be refused again: no need to keep it across reloads.
    if (err instanceof ApiError && !TRANSIENT.has(err.code) && !overloaded(err)) this.copies.drop(entry.id);
  }

  private finish(entry: Entry, state: 'done' | 'duplicate', photoId: string) {
    this.meter.done(entry.id, entry.size);
    this.list.update(entry, { state, photoId, sent: entry.size });
    this.forget(entry);
  }

  private forget(entry: Entry) {
    this.held.forget(entry.id);
    this.lanes.forget(entry.id);
    this.copies.drop(entry.id);
  }

  private progress(entry: Entry, sent: number) {
    const speed = this.meter.progress(entry.id, sent, performance.now());
    if (speed !== null) this.measured = speed;
    this.shown.report(entry, sent);
  }
}
