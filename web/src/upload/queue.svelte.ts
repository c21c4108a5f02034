// The upload queue, a three-stage pipeline so the network never waits on the CPU: a pool of hash
// workers runs ahead of the uploads, hashes go to /check in batches (up to 1,000 per call), and what
// is new is uploaded by lanes whose number adapts to the measured throughput. It reports progress,
// speed and time left. Entries are persisted, so a reload resumes the queue; navigation inside the app
// never touches it.
import type { UploadResponse } from '../../../worker/contract/http';
import type { UploadSessionResponse } from '../../../worker/contract/uploads';
import { ApiError, errorMessage, type UploadOptions } from '../lib/api';
import { AdaptiveConcurrency } from './concurrency';
import type { Skipped } from './intake';
import type { EntryStore } from './store';

export type EntryState = 'shared' | 'queued' | 'hashing' | 'checking' | 'uploading' | 'done' | 'duplicate' | 'failed' | 'cancelled' | 'skipped';

export interface Entry {
  id: string;
  name: string;
  size: number;
  state: EntryState;
  sent: number;
  photoId?: string;
  error?: string;
}

export interface QueueDeps {
  hash(blob: Blob): Promise<string>;
  check(sha256: string[]): Promise<{ existing: Record<string, string> }>;
  upload(blob: Blob, name: string, options: UploadOptions): Promise<UploadResponse>;
  resumable: {
    create(name: string, size: number, sha256: string): Promise<UploadSessionResponse | UploadResponse>;
    get(id: string): Promise<UploadSessionResponse>;
    part(id: string, n: number, part: Blob, options: UploadOptions): Promise<unknown>;
    complete(id: string): Promise<UploadResponse>;
  };
  store: EntryStore;
}

/** Files above this go up in resumable parts: a dropped connection costs one part, not the file. */
const RESUMABLE_BYTES = 100 * 1024 * 1024;
/** The API checks up to this many hashes per call. */
const CHECK_BATCH = 1000;
/** Files hashed but not yet sent, at most: enough to fill a /check batch while the lanes are busy. */
const LOOKAHEAD = 2 * CHECK_BATCH;
/** 429/503 answers one file may get before it is marked failed (each one also slows every lane). */
const MAX_OVERLOADS = 5;

const ACTIVE: EntryState[] = ['hashing', 'checking', 'uploading'];
const FINISHED: EntryState[] = ['done', 'duplicate', 'skipped', 'cancelled'];
/** Errors worth keeping the file for: the network, not the server's verdict on the file. */
const TRANSIENT = new Set(['offline', 'http_error', 'internal']);
const overloaded = (err: unknown): err is ApiError => err instanceof ApiError && (err.status === 429 || err.status === 503);

let counter = 0;
const newId = () => `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export class UploadQueue {
  entries = $state<Entry[]>([]);
  paused = $state(false);
  /** Bytes per second over the last few seconds. */
  speed = $state(0);

  readonly control: AdaptiveConcurrency;
  private readonly resumableBytes: number;
  private readonly hashLanes: number;
  private blobs = new Map<string, Blob>();
  private hashes = new Map<string, string>();
  private sessions = new Map<string, string>();
  /** The IndexedDB copy of each entry being written: it is deleted only after it has landed. */
  private persisted = new Map<string, Promise<void>>();
  private overloads = new Map<string, number>();
  // The pipeline: files to hash (a head index, as 10,000 shifts would be quadratic), hashed files to
  // check, checked new files waiting for a lane, and uploads in flight with their bytes sent.
  private toHash: Entry[] = [];
  private hashHead = 0;
  private hashing = 0;
  private toCheck: Entry[] = [];
  private checking = 0;
  private ready: Entry[] = [];
  private active = new Map<string, AbortController>();
  private inflight = new Map<string, number>();
  private wake: ReturnType<typeof setTimeout> | undefined;
  private samples: Array<[number, number]> = [];
  private sentFinished = 0;

  constructor(
    private readonly deps: QueueDeps,
    options: { concurrency?: number; resumableBytes?: number; hashLanes?: number } = {},
  ) {
    // A fixed concurrency (tests, or a user's choice) pins the controller; by default it adapts.
    const n = options.concurrency;
    this.control = n ? new AdaptiveConcurrency({ start: n, min: n, max: n }) : new AdaptiveConcurrency({ start: 6, max: 16 });
    this.resumableBytes = options.resumableBytes ?? RESUMABLE_BYTES;
    this.hashLanes = options.hashLanes ?? 4;
  }

  /** Upload lanes allowed right now. */
  get concurrency() {
    return this.control.limit;
  }

  get totals() {
    let total = 0, sent = 0, waiting = 0, failed = 0, active = 0;
    for (const e of this.entries) {
      const state = e.state; // one read per entry: each read of a reactive field costs
      if (state === 'skipped' || state === 'cancelled' || state === 'shared') continue;
      total += e.size;
      if (state === 'done' || state === 'duplicate') {
        sent += e.size;
        continue;
      }
      sent += e.sent;
      // Files being hashed or checked ahead of the lanes still wait for one: "active" is what is sent.
      if (state === 'queued' || state === 'hashing' || state === 'checking') waiting++;
      else if (state === 'failed') failed++;
      else active++;
    }
    const left = total - sent;
    return { total, sent, waiting, failed, active, secondsLeft: this.speed > 0 ? left / this.speed : null };
  }

  get busy() {
    return this.entries.some((e) => e.state === 'queued' || ACTIVE.includes(e.state));
  }

  /** Restores entries a previous page load left unfinished, then carries on. */
  async restore() {
    for (const stored of await this.deps.store.all()) {
      if (this.entries.some((e) => e.id === stored.id)) continue;
      this.blobs.set(stored.id, stored.blob);
      if (stored.uploadId) this.sessions.set(stored.id, stored.uploadId);
      // Shared from elsewhere: it waits for the user's Confirm (see StoredEntry.shared).
      this.entries.push({ id: stored.id, name: stored.name, size: stored.size, state: stored.shared ? 'shared' : 'queued', sent: 0 });
      if (!stored.shared) this.toHash.push(this.entries[this.entries.length - 1]);
    }
    this.pump();
  }

  /** The user accepts a shared file: from now on it is an ordinary queued upload. */
  async confirm(id: string) {
    const entry = this.find(id);
    const blob = this.blobs.get(id);
    if (!entry || entry.state !== 'shared' || !blob) return;
    entry.state = 'queued';
    const write = this.deps.store.put({ id, name: entry.name, size: entry.size, blob, addedAt: Date.now(), shared: false });
    this.persisted.set(id, write.catch(() => {}));
    await write;
    this.toHash.push(entry);
    this.pump();
  }

  /** The user refuses a shared file: it is forgotten without being sent. */
  discard(id: string) {
    const entry = this.find(id);
    if (!entry || entry.state !== 'shared') return;
    this.entries = this.entries.filter((e) => e !== entry);
    this.forget(entry);
  }

  async add(files: Array<{ name: string; blob: Blob }>, skipped: Skipped[] = []) {
    const added: Entry[] = files.map(({ name, blob }) => ({ id: newId(), name, size: blob.size, state: 'queued', sent: 0 }));
    for (const [i, e] of added.entries()) this.blobs.set(e.id, files[i].blob);
    for (const s of skipped) {
      const { name, reason } = typeof s === 'string' ? { name: s, reason: 'Not a photo or video' } : s;
      added.push({ id: newId(), name, size: 0, state: 'skipped', sent: 0, error: reason });
    }
    const from = this.entries.length;
    this.entries.push(...added);
    // The reactive proxies, not the plain objects: the pipeline's state changes must reach the page.
    const queued = this.entries.slice(from).filter((e) => e.state === 'queued');
    const now = Date.now();
    const writes = queued.map((e, i) => {
      const write = this.deps.store.put({ id: e.id, name: e.name, size: e.size, blob: this.blobs.get(e.id)!, addedAt: now + i });
      this.persisted.set(e.id, write.catch(() => {}));
      return write;
    });
    // Work starts while the copies are written (a finished file's copy is deleted only once written),
    // and the call returns once a reload would find them all.
    this.toHash.push(...queued);
    this.pump();
    await Promise.all(writes);
  }

  pause() {
    this.paused = true;
    clearTimeout(this.wake);
    for (const ctrl of this.active.values()) ctrl.abort('paused');
  }

  resume() {
    this.paused = false;
    this.pump();
  }

  cancel(id: string) {
    const entry = this.find(id);
    if (!entry || FINISHED.includes(entry.state)) return;
    entry.state = 'cancelled';
    this.active.get(id)?.abort('cancelled');
    this.forget(entry);
  }

  retry(id: string) {
    const entry = this.find(id);
    if (!entry || (entry.state !== 'failed' && entry.state !== 'cancelled') || !this.blobs.has(id)) return;
    entry.state = 'queued';
    entry.error = undefined;
    entry.sent = 0;
    this.overloads.delete(id);
    // The hash still holds; the verdict may not (the file may have arrived from elsewhere meanwhile).
    if (this.hashes.has(id)) this.toCheck.push(entry);
    else this.toHash.push(entry);
    this.pump();
  }

  retryFailed() {
    for (const e of this.entries) if (e.state === 'failed') this.retry(e.id);
  }

  clearFinished() {
    this.entries = this.entries.filter((e) => !FINISHED.includes(e.state));
  }

  private find(id: string) {
    return this.entries.find((e) => e.id === id);
  }

  private pump() {
    if (this.paused) return;
    this.pumpHashes();
    this.pumpChecks();
    this.pumpUploads();
  }

  private pumpHashes() {
    while (this.hashing < this.hashLanes && this.hashHead < this.toHash.length) {
      if (this.toCheck.length + this.ready.length + this.checking >= LOOKAHEAD) break;
      const entry = this.toHash[this.hashHead++];
      if (this.hashHead > 4096) {
        this.toHash = this.toHash.slice(this.hashHead);
        this.hashHead = 0;
      }
      if (entry.state === 'queued' && this.blobs.has(entry.id)) void this.hash(entry);
    }
  }

  private async hash(entry: Entry) {
    this.hashing++;
    entry.state = 'hashing';
    try {
      const sha256 = await this.deps.hash(this.blobs.get(entry.id)!);
      if (entry.state !== 'hashing') return; // cancelled meanwhile
      this.hashes.set(entry.id, sha256);
      entry.state = 'queued';
      this.toCheck.push(entry);
    } catch (err) {
      if (entry.state === 'hashing') this.fail(entry, err);
    } finally {
      this.hashing--;
      this.pump();
    }
  }

  /**
   * One /check call at a time, carrying every hash that piled up meanwhile (up to 1,000): the lanes
   * are never starved for long, and a big pick costs few calls.
   */
  private pumpChecks() {
    if (this.checking || !this.toCheck.length) return;
    // A fuller batch is worth waiting for only while the lanes have work and more hashes are coming.
    const starving = this.ready.length < 2 * this.control.limit;
    if (this.toCheck.length < CHECK_BATCH && !starving && this.hashing > 0) return;
    const batch = this.toCheck.splice(0, CHECK_BATCH).filter((e) => e.state === 'queued');
    if (!batch.length) return;
    this.checking = batch.length;
    for (const e of batch) e.state = 'checking';
    this.deps.check(batch.map((e) => this.hashes.get(e.id)!)).then(({ existing }) => {
      for (const e of batch) {
        if (e.state !== 'checking') continue;
        const known = existing[this.hashes.get(e.id)!];
        if (known) {
          e.state = 'duplicate';
          e.photoId = known;
          this.finish(e);
        } else {
          e.state = 'queued';
          this.ready.push(e);
        }
      }
    }, (err: unknown) => {
      for (const e of batch) if (e.state === 'checking') this.fail(e, err);
    }).finally(() => {
      this.checking = 0;
      this.pump();
    });
  }

  private pumpUploads() {
    const now = performance.now();
    let free = this.control.free(this.active.size, now);
    while (free > 0 && this.ready.length) {
      const entry = this.ready.shift()!;
      if (entry.state !== 'queued' || !this.blobs.has(entry.id)) continue;
      void this.upload(entry);
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

  private async upload(entry: Entry) {
    const ctrl = new AbortController();
    this.active.set(entry.id, ctrl);
    const blob = this.blobs.get(entry.id)!;
    const sha256 = this.hashes.get(entry.id)!;
    try {
      entry.state = 'uploading';
      const res = blob.size > this.resumableBytes
        ? await this.sendInParts(entry, blob, sha256, ctrl.signal)
        : await this.deps.upload(blob, entry.name, { sha256, signal: ctrl.signal, onProgress: (sent) => this.progress(entry, sent) });
      entry.state = res.duplicate ? 'duplicate' : 'done';
      entry.photoId = res.photo.id;
      this.control.sent(blob.size, performance.now());
      this.finish(entry);
    } catch (err) {
      if (ctrl.signal.aborted) {
        if (entry.state !== 'cancelled') this.requeue(entry); // paused: it starts over when resumed
      } else if (overloaded(err) && (this.overloads.get(entry.id) ?? 0) < MAX_OVERLOADS) {
        this.overloads.set(entry.id, (this.overloads.get(entry.id) ?? 0) + 1);
        this.control.failed(err.status, performance.now(), err.retryAfter);
        this.requeue(entry);
      } else {
        if (err instanceof ApiError && (err.status === 0 || err.status >= 500)) this.control.failed(err.status, performance.now());
        this.fail(entry, err);
      }
    } finally {
      this.active.delete(entry.id);
      this.inflight.delete(entry.id);
      this.pump();
    }
  }

  private requeue(entry: Entry) {
    entry.state = 'queued';
    entry.sent = 0;
    this.ready.unshift(entry);
  }

  private fail(entry: Entry, err: unknown) {
    entry.state = 'failed';
    entry.error = errorMessage(err, 'Upload failed.');
    // A file the server refused will be refused again: no need to keep it across reloads.
    if (err instanceof ApiError && !TRANSIENT.has(err.code) && !overloaded(err)) this.dropCopy(entry.id);
  }

  private finish(entry: Entry) {
    this.sentFinished += entry.size;
    entry.sent = entry.size;
    this.forget(entry);
  }

  /** Resumes the file's session if it has one (after a pause or a reload), sending only missing parts. */
  private async sendInParts(entry: Entry, blob: Blob, sha256: string, signal: AbortSignal): Promise<UploadResponse> {
    const { resumable } = this.deps;
    const known = this.sessions.get(entry.id);
    let session = known ? (await resumable.get(known).catch(() => null))?.upload : undefined;
    if (!session) {
      const created = await resumable.create(entry.name, blob.size, sha256);
      if ('photo' in created) return created;
      session = created.upload;
      this.sessions.set(entry.id, session.id);
      await this.deps.store.put({ id: entry.id, name: entry.name, size: entry.size, blob, addedAt: Date.now(), uploadId: session.id });
    }
    const have = new Set(session.parts);
    const doneBytes = () => [...have].reduce((n, p) => n + Math.min(session.partSize, blob.size - (p - 1) * session.partSize), 0);
    for (let n = 1; n <= session.partCount; n++) {
      if (have.has(n)) continue;
      const part = blob.slice((n - 1) * session.partSize, n * session.partSize);
      const base = doneBytes();
      await resumable.part(session.id, n, part, { signal, onProgress: (sent) => this.progress(entry, base + sent) });
      have.add(n);
    }
    const result = await resumable.complete(session.id);
    this.sessions.delete(entry.id);
    return result;
  }

  private forget(entry: Entry) {
    this.blobs.delete(entry.id);
    this.hashes.delete(entry.id);
    this.overloads.delete(entry.id);
    this.dropCopy(entry.id);
  }

  private dropCopy(id: string) {
    const written = this.persisted.get(id) ?? Promise.resolve();
    this.persisted.delete(id);
    void written.then(() => this.deps.store.delete(id));
  }

  private progress(entry: Entry, sent: number) {
    entry.sent = sent;
    this.inflight.set(entry.id, sent);
    const now = performance.now();
    let total = this.sentFinished;
    for (const n of this.inflight.values()) total += n;
    this.samples.push([now, total]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    const [t0, b0] = this.samples[0];
    if (now - t0 > 250) this.speed = ((total - b0) / (now - t0)) * 1000;
  }
}
