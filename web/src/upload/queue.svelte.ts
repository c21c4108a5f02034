// The upload queue: hash each file off the main thread, ask the server whether the library already has
// it, upload what is new with bounded concurrency, and report progress, speed and time left. Entries
// are persisted, so a reload resumes the queue; navigation inside the app never touches it.
import type { UploadResponse } from '../../../worker/contract/http';
import type { UploadSessionResponse } from '../../../worker/contract/uploads';
import { ApiError, errorMessage, type UploadOptions } from '../lib/api';
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

const ACTIVE: EntryState[] = ['hashing', 'checking', 'uploading'];
const FINISHED: EntryState[] = ['done', 'duplicate', 'skipped', 'cancelled'];
/** Errors worth keeping the file for: the network, not the server's verdict on the file. */
const TRANSIENT = new Set(['offline', 'http_error', 'internal']);

let counter = 0;
const newId = () => `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export class UploadQueue {
  entries = $state<Entry[]>([]);
  paused = $state(false);
  /** Bytes per second over the last few seconds. */
  speed = $state(0);

  readonly concurrency: number;
  private readonly resumableBytes: number;
  private blobs = new Map<string, Blob>();
  private sessions = new Map<string, string>();
  private active = new Map<string, AbortController>();
  private samples: Array<[number, number]> = [];
  private sentFinished = 0;

  constructor(private readonly deps: QueueDeps, options: { concurrency?: number; resumableBytes?: number } = {}) {
    this.concurrency = options.concurrency ?? 3;
    this.resumableBytes = options.resumableBytes ?? RESUMABLE_BYTES;
  }

  get totals() {
    let total = 0, sent = 0, waiting = 0, failed = 0, active = 0;
    for (const e of this.entries) {
      if (e.state === 'skipped' || e.state === 'cancelled' || e.state === 'shared') continue;
      total += e.size;
      sent += e.state === 'done' || e.state === 'duplicate' ? e.size : e.sent;
      if (e.state === 'queued') waiting++;
      if (e.state === 'failed') failed++;
      if (ACTIVE.includes(e.state)) active++;
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
    }
    this.pump();
  }

  /** The user accepts a shared file: from now on it is an ordinary queued upload. */
  async confirm(id: string) {
    const entry = this.find(id);
    const blob = this.blobs.get(id);
    if (!entry || entry.state !== 'shared' || !blob) return;
    entry.state = 'queued';
    await this.deps.store.put({ id, name: entry.name, size: entry.size, blob, addedAt: Date.now(), shared: false });
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
    this.entries.push(...added);
    // Persist before starting, so a reload in the next second still has them.
    await Promise.all(added.filter((e) => e.state === 'queued').map((e, i) => this.deps.store.put({
      id: e.id, name: e.name, size: e.size, blob: this.blobs.get(e.id)!, addedAt: Date.now() + i,
    })));
    this.pump();
  }

  pause() {
    this.paused = true;
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
    for (const entry of this.entries) {
      if (this.active.size >= this.concurrency) break;
      if (entry.state === 'queued' && !this.active.has(entry.id)) void this.run(entry);
    }
  }

  private async run(entry: Entry) {
    const ctrl = new AbortController();
    this.active.set(entry.id, ctrl);
    const blob = this.blobs.get(entry.id)!;
    try {
      entry.state = 'hashing';
      const sha256 = await this.deps.hash(blob);
      if (ctrl.signal.aborted) throw new ApiError(0, 'aborted', 'stopped');
      entry.state = 'checking';
      const { existing } = await this.deps.check([sha256]);
      if (existing[sha256]) {
        entry.state = 'duplicate';
        entry.photoId = existing[sha256];
      } else {
        entry.state = 'uploading';
        const res = blob.size > this.resumableBytes
          ? await this.sendInParts(entry, blob, sha256, ctrl.signal)
          : await this.deps.upload(blob, entry.name, { sha256, signal: ctrl.signal, onProgress: (sent) => this.progress(entry, sent) });
        entry.state = res.duplicate ? 'duplicate' : 'done';
        entry.photoId = res.photo.id;
      }
      this.sentFinished += entry.size;
      entry.sent = entry.size;
      this.forget(entry);
    } catch (err) {
      if (ctrl.signal.aborted) {
        if (entry.state !== 'cancelled') {
          entry.state = 'queued'; // paused: it starts over when resumed
          entry.sent = 0;
        }
      } else {
        entry.state = 'failed';
        entry.error = errorMessage(err, 'Upload failed.');
        // A file the server refused will be refused again: no need to keep it across reloads.
        if (err instanceof ApiError && !TRANSIENT.has(err.code)) void this.deps.store.delete(entry.id);
      }
    } finally {
      this.active.delete(entry.id);
      this.pump();
    }
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
    void this.deps.store.delete(entry.id);
  }

  private progress(entry: Entry, sent: number) {
    entry.sent = sent;
    const now = performance.now();
    const total = this.sentFinished + this.entries.reduce((n, e) => n + (e.state === 'uploading' ? e.sent : 0), 0);
    this.samples.push([now, total]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    const [t0, b0] = this.samples[0];
    if (now - t0 > 250) this.speed = ((total - b0) / (now - t0)) * 1000;
  }
}
