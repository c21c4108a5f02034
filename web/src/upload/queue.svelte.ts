// The upload queue, a three-stage pipeline so the network never waits on the CPU: a pool of hash
// workers runs ahead of the uploads, hashes go to /check in batches (up to 1,000 per call), and what
// is new is uploaded by lanes whose number adapts to the measured throughput. It reports progress,
// speed and time left. Entries are persisted, so a reload resumes the queue; navigation inside the app
// never touches it. A big pick is taken in chunks, each its own task, so the page answers meanwhile.
import type { UploadResponse } from '../../../worker/contract/http';
import type { Photo } from '../../../worker/contract/photo';
import { ApiError, errorMessage, type UploadOptions } from '../lib/api';
import { AdaptiveConcurrency } from './concurrency';
import { Copies } from './copies';
import { Entry, Tally, type EntryState } from './entry.svelte';
import type { Skipped } from './intake';
import { sendInParts, type ResumableApi } from './resumable';
import type { EntryStore } from './store';

export { Entry, type EntryState } from './entry.svelte';

export interface QueueDeps {
  hash(blob: Blob): Promise<string>;
  check(sha256: string[]): Promise<{ existing: Record<string, string> }>;
  upload(blob: Blob, name: string, options: UploadOptions): Promise<UploadResponse>;
  resumable: ResumableApi;
  store: EntryStore;
  /** Told of every acknowledged upload while the file is still in hand (a video's poster is made from it). */
  uploaded?: (blob: Blob, photo: Photo) => void;
}

/** Files above this go up in resumable parts: a dropped connection costs one part, not the file. */
const RESUMABLE_BYTES = 100 * 1024 * 1024;
/** The API checks up to this many hashes per call. */
const CHECK_BATCH = 1000;
/** Files hashed but not yet sent, at most: enough to fill a /check batch while the lanes are busy. */
const LOOKAHEAD = 2 * CHECK_BATCH;
/** 503 answers one file may get before it is marked failed. A 429 is always waited out: it never fails a file. */
const MAX_OVERLOADS = 5;
/** Files taken from a pick per task: small enough that each task stays well under 50 ms. */
const ADD_CHUNK = 500;

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
  private readonly resumableBytes: number;
  private readonly hashLanes: number;
  private byId = new Map<string, Entry>();
  private blobs = new Map<string, Blob>();
  private hashes = new Map<string, string>();
  private sessions = new Map<string, string>();
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
    this.copies = new Copies(deps.store);
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
    this.toHash.push(...fresh.filter((e) => e.state === 'queued'));
    this.pump();
  }

  /** The user accepts a shared file: from now on it is an ordinary queued upload. */
  async confirm(id: string) {
    const entry = this.byId.get(id);
    const blob = this.blobs.get(id);
    if (!entry || entry.state !== 'shared' || !blob) return;
    this.tally.update(entry, { state: 'queued' });
    await this.copies.write([{ id, name: entry.name, size: entry.size, blob, addedAt: Date.now(), shared: false }]);
    this.toHash.push(entry);
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
    for (let from = 0; from < files.length; from += ADD_CHUNK) {
      if (from) await nextTask();
      const chunk = files.slice(from, from + ADD_CHUNK).map(({ name, blob }) => {
        const entry = new Entry(newId(), name, blob.size, 'queued');
        this.blobs.set(entry.id, blob);
        return entry;
      });
      this.append(chunk);
      // Work starts while the copies are written (a finished file's copy is deleted only once written).
      writes.push(this.copies.write(chunk.map((e, i) => ({ id: e.id, name: e.name, size: e.size, blob: this.blobs.get(e.id)!, addedAt: now + from + i }))));
      this.toHash.push(...chunk);
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
    if (this.hashes.has(id)) this.toCheck.push(entry);
    else this.toHash.push(entry);
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
    this.tally.update(entry, { state: 'hashing' });
    try {
      const sha256 = await this.deps.hash(this.blobs.get(entry.id)!);
      if (entry.state !== 'hashing') return; // cancelled meanwhile
      this.hashes.set(entry.id, sha256);
      this.tally.update(entry, { state: 'queued' });
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
    for (const e of batch) this.tally.update(e, { state: 'checking' });
    this.deps.check(batch.map((e) => this.hashes.get(e.id)!)).then(({ existing }) => {
      for (const e of batch) {
        if (e.state !== 'checking') continue;
        const known = existing[this.hashes.get(e.id)!];
        if (known) this.finish(e, 'duplicate', known);
        else {
          this.tally.update(e, { state: 'queued' });
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
    const onProgress = (sent: number) => this.progress(entry, sent);
    try {
      this.tally.update(entry, { state: 'uploading' });
      const res = blob.size > this.resumableBytes
        ? await sendInParts(this.deps.resumable, {
          name: entry.name, blob, sha256, session: this.sessions.get(entry.id), signal: ctrl.signal, onProgress,
          onSession: async (id) => {
            this.sessions.set(entry.id, id);
            await this.copies.write([{ id: entry.id, name: entry.name, size: entry.size, blob, addedAt: Date.now(), uploadId: id }]);
          },
        })
        : await this.deps.upload(blob, entry.name, { sha256, signal: ctrl.signal, onProgress });
      this.sessions.delete(entry.id);
      this.control.sent(blob.size, performance.now());
      this.deps.uploaded?.(blob, res.photo);
      this.finish(entry, res.duplicate ? 'duplicate' : 'done', res.photo.id);
    } catch (err) {
      if (ctrl.signal.aborted) {
        if (entry.state !== 'cancelled') this.requeue(entry); // paused: it starts over when resumed
      } else if (overloaded(err) && (err.status === 429 || (this.overloads.get(entry.id) ?? 0) < MAX_OVERLOADS)) {
        // "Too many": not the file's fault. Wait as long as the server says and send it again.
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
    this.tally.update(entry, { state: 'queued', sent: 0 });
    this.ready.unshift(entry);
  }

  private fail(entry: Entry, err: unknown) {
    this.tally.update(entry, { state: 'failed', error: errorMessage(err, 'Upload failed.') });
    // A file the server refused will be refused again: no need to keep it across reloads.
    if (err instanceof ApiError && !TRANSIENT.has(err.code) && !overloaded(err)) this.copies.drop(entry.id);
  }

  private finish(entry: Entry, state: 'done' | 'duplicate', photoId: string) {
    this.sentFinished += entry.size;
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
