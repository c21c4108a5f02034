import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../../../worker/contract/http';
import { ApiError, type UploadOptions } from '../lib/api';
import { UploadQueue, type QueueDeps } from './queue.svelte';
import type { EntryStore, StoredEntry } from './store';

/** An in-memory EntryStore and a scriptable server, so the queue's own logic is what is tested. */
function harness(opts: { existing?: string[]; refuse?: Record<string, ApiError>; hold?: boolean } = {}) {
  const stored = new Map<string, StoredEntry>();
  const store: EntryStore = {
    put: async (entries) => void entries.forEach((e) => stored.set(e.id, e)),
    delete: async (ids) => void ids.forEach((id) => stored.delete(id)),
    all: async () => [...stored.values()],
  };
  const uploads: string[] = [];
  // A resumable-upload server with 4-byte parts; part 2 of a file named "flaky" fails once.
  const sessions = new Map<string, { name: string; size: number; parts: Set<number> }>();
  const partsSent: string[] = [];
  let flaked = false;
  let inFlight = 0;
  let maxInFlight = 0;
  const releases: Array<() => void> = [];
  const deps: QueueDeps = {
    hash: async (blob) => `sha-${await blob.text()}`,
    check: async (hashes) => ({ existing: Object.fromEntries(hashes.filter((h) => opts.existing?.includes(h)).map((h) => [h, `photo-of-${h}`])) }),
    upload: async (blob: Blob, name: string, o: UploadOptions): Promise<UploadResponse> => {
      uploads.push(name);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        o.onProgress?.(blob.size / 2);
        if (opts.hold) {
          await new Promise<void>((resolve, reject) => {
            releases.push(resolve);
            o.signal?.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'stopped')));
          });
        }
        if (opts.refuse?.[name]) throw opts.refuse[name];
        return { photo: { id: `id-${name}` } as UploadResponse['photo'] };
      } finally {
        inFlight--;
      }
    },
    resumable: {
      create: async (name, size) => {
        const id = `s${sessions.size + 1}`;
        sessions.set(id, { name, size, parts: new Set() });
        return { upload: { id, filename: name, size, partSize: 4, partCount: Math.ceil(size / 4), parts: [] } };
      },
      get: async (id) => {
        const s = sessions.get(id)!;
        return { upload: { id, filename: s.name, size: s.size, partSize: 4, partCount: Math.ceil(s.size / 4), parts: [...s.parts].sort() } };
      },
      part: async (id, n, part) => {
        const s = sessions.get(id)!;
        if (s.name === 'flaky.jpg' && n === 2 && !flaked) {
          flaked = true;
          throw new ApiError(0, 'offline', 'The connection dropped during the upload.');
        }
        partsSent.push(`${s.name}#${n}:${await part.text()}`);
        s.parts.add(n);
        return {};
      },
      complete: async (id) => ({ photo: { id: `id-${sessions.get(id)!.name}` } as UploadResponse['photo'] }),
    },
    store,
  };
  return { deps, stored, uploads, releases, partsSent, max: () => maxInFlight };
}

const file = (name: string, content = name) => ({ name, blob: new Blob([content]) });
const settle = () => new Promise((r) => setTimeout(r, 10));
const states = (q: UploadQueue) => Object.fromEntries(q.entries.map((e) => [e.name, e.state]));

describe('UploadQueue', () => {
  it('uploads new files, marks known ones without uploading them, and forgets finished work', async () => {
    const h = harness({ existing: ['sha-b.jpg'] });
    const q = new UploadQueue(h.deps);
    await q.add([file('a.jpg'), file('b.jpg')]);
    await settle();
    expect(states(q)).toEqual({ 'a.jpg': 'done', 'b.jpg': 'duplicate' });
    expect(h.uploads).toEqual(['a.jpg']);
    expect(q.entries.find((e) => e.name === 'b.jpg')?.photoId).toBe('photo-of-sha-b.jpg');
    expect(h.stored.size).toBe(0);
    expect(q.totals).toMatchObject({ waiting: 0, failed: 0, active: 0 });
  });

  it('never runs more uploads at once than its concurrency', async () => {
    const h = harness({ hold: true });
    const q = new UploadQueue(h.deps, { concurrency: 2 });
    await q.add(['1', '2', '3', '4', '5'].map((n) => file(`${n}.jpg`)));
    await settle();
    expect(h.max()).toBe(2);
    while (h.releases.length) {
      h.releases.shift()!();
      await settle();
    }
    expect(Object.values(states(q)).every((s) => s === 'done')).toBe(true);
    expect(h.max()).toBe(2);
  });

  it("shows the server's reason for a refusal, drops the file from storage, and retries on request", async () => {
    const h = harness({ refuse: { 'x.jpg': new ApiError(415, 'unsupported_type', 'Not a supported photo or video.') } });
    const q = new UploadQueue(h.deps);
    await q.add([file('x.jpg')]);
    await settle();
    expect(q.entries[0]).toMatchObject({ state: 'failed', error: 'Not a supported photo or video.' });
    expect(h.stored.size).toBe(0);
    q.retryFailed();
    await settle();
    expect(h.uploads).toEqual(['x.jpg', 'x.jpg']);
  });

  it('keeps a file that failed on the network so a reload can still send it', async () => {
    const h = harness({ refuse: { 'y.jpg': new ApiError(0, 'offline', 'The connection dropped.') } });
    const q = new UploadQueue(h.deps);
    await q.add([file('y.jpg')]);
    await settle();
    expect(q.entries[0].state).toBe('failed');
    expect(h.stored.size).toBe(1);
  });

  it('pauses by stopping uploads in flight, resumes them, and cancels one', async () => {
    const h = harness({ hold: true });
    const q = new UploadQueue(h.deps, { concurrency: 1 });
    await q.add([file('a.jpg'), file('b.jpg')]);
    await settle();
    q.pause();
    await settle();
    expect(states(q)).toEqual({ 'a.jpg': 'queued', 'b.jpg': 'queued' });
    q.cancel(q.entries[1].id);
    q.resume();
    await settle();
    h.releases.at(-1)!();
    await settle();
    expect(states(q)).toEqual({ 'a.jpg': 'done', 'b.jpg': 'cancelled' });
    expect(h.stored.size).toBe(0);
  });

  it('restores what a previous page load left and finishes it', async () => {
    const h = harness({ hold: true });
    const first = new UploadQueue(h.deps);
    await first.add([file('p.jpg'), file('q.jpg')]);
    first.pause(); // the page goes away mid-upload
    expect(h.stored.size).toBe(2);

    const after = harness();
    const second = new UploadQueue({ ...after.deps, store: h.deps.store });
    await second.restore();
    await settle();
    expect(states(second)).toEqual({ 'p.jpg': 'done', 'q.jpg': 'done' });
    expect(h.stored.size).toBe(0);
  });

  it('shows why an archive was not unpacked', async () => {
    const q = new UploadQueue(harness().deps);
    await q.add([], ['notes.txt', { name: 'bomb.zip', reason: 'Not unpacked: it is compressed more than 100:1, as a ZIP bomb would be.' }]);
    expect(q.entries.map((e) => [e.name, e.state, e.error])).toEqual([
      ['notes.txt', 'skipped', 'Not a photo or video'],
      ['bomb.zip', 'skipped', 'Not unpacked: it is compressed more than 100:1, as a ZIP bomb would be.'],
    ]);
  });

  it('holds shared files until the user confirms them, and forgets discarded ones unsent', async () => {
    const h = harness();
    const blob = (text: string) => new Blob([text]);
    await h.deps.store.put([{ id: 'share-1', name: 'planted.jpg', size: 4, blob: blob('evil'), addedAt: 1, shared: true }]);
    await h.deps.store.put([{ id: 'share-2', name: 'mine.jpg', size: 4, blob: blob('mine'), addedAt: 2, shared: true }]);
    const q = new UploadQueue(h.deps);
    await q.restore();
    await settle();
    expect(states(q)).toEqual({ 'planted.jpg': 'shared', 'mine.jpg': 'shared' });
    expect(h.uploads).toEqual([]);
    expect(q.busy).toBe(false);
    expect(q.totals.total).toBe(0);

    q.discard('share-1');
    await q.confirm('share-2');
    await settle();
    expect(states(q)).toEqual({ 'mine.jpg': 'done' });
    expect(h.uploads).toEqual(['mine.jpg']);
    expect(h.stored.size).toBe(0);
  });

  it('keeps a confirmed share confirmed across a reload', async () => {
    const h = harness({ hold: true });
    await h.deps.store.put([{ id: 'share-1', name: 'mine.jpg', size: 4, blob: new Blob(['mine']), addedAt: 1, shared: true }]);
    const q = new UploadQueue(h.deps);
    await q.restore();
    await q.confirm('share-1');
    q.pause(); // the page goes away mid-upload
    expect(h.stored.get('share-1')?.shared).toBe(false);
  });

  it('sends large files in parts and, after a dropped part, resends only what is missing', async () => {
    const h = harness();
    const q = new UploadQueue(h.deps, { resumableBytes: 8 });
    await q.add([file('flaky.jpg', 'aaaabbbbcc'), file('small.jpg', 'tiny')]);
    await settle();
    expect(states(q)).toEqual({ 'flaky.jpg': 'failed', 'small.jpg': 'done' });
    expect(h.stored.get(q.entries[0].id)?.uploadId).toBe('s1'); // kept, with its session, for a reload
    q.retry(q.entries[0].id);
    await settle();
    expect(states(q)).toEqual({ 'flaky.jpg': 'done', 'small.jpg': 'done' });
    expect(h.partsSent).toEqual(['flaky.jpg#1:aaaa', 'flaky.jpg#2:bbbb', 'flaky.jpg#3:cc']);
    expect(h.uploads).toEqual(['small.jpg']);
  });

  it('lists skipped files without uploading them, and holds 10,000 entries', async () => {
    const h = harness({ hold: true });
    const q = new UploadQueue(h.deps);
    await q.add(Array.from({ length: 10_000 }, (_, i) => file(`${i}.jpg`)), ['notes.txt']);
    expect(q.entries).toHaveLength(10_001);
    expect(q.entries.at(-1)).toMatchObject({ name: 'notes.txt', state: 'skipped' });
    await settle(); // the lanes fill once the first hashes are checked
    expect(q.totals).toMatchObject({ waiting: 10_000 - q.concurrency, active: q.concurrency });
    expect(h.stored.size).toBe(10_000);
    q.pause();
    // (That the 10,000-row list stays light in the page is checked in Chromium: web/e2e/app.test.ts.)
  });
});

describe('UploadQueue pipeline', () => {
  it('takes a big pick a time slice per task, however slow reading each file is', async () => {
    const h = harness({ hold: true });
    const q = new UploadQueue(h.deps);
    // A picked file's first size read may be a round trip to the browser process: 0.5 ms each here.
    const slow = (i: number) => {
      const blob = new Blob([`${i}`]);
      Object.defineProperty(blob, 'size', { get: () => { const t = performance.now(); while (performance.now() - t < 0.5); return 1; } });
      return { name: `${i}.jpg`, blob };
    };
    let done = false;
    const adding = q.add(Array.from({ length: 400 }, (_, i) => slow(i))).then(() => (done = true));
    let turns = 0; // how often the page got a turn while the pick was taken in
    while (!done) {
      await new Promise((r) => setTimeout(r, 0));
      turns++;
    }
    await adding;
    expect(q.entries).toHaveLength(400);
    expect(turns).toBeGreaterThanOrEqual(10); // 200 ms of reads, 8 ms per task; one task of 200 ms before
    q.pause();
  });

  it('hashes ahead of the lanes and checks a big pick in batches of at most 1,000', async () => {
    const h = harness({ hold: true });
    const calls: number[] = [];
    const q = new UploadQueue({ ...h.deps, check: async (hashes) => (calls.push(hashes.length), h.deps.check(hashes)) }, { concurrency: 2 });
    await q.add(Array.from({ length: 2500 }, (_, i) => file(`${i}.jpg`)));
    await new Promise((r) => setTimeout(r, 200));
    // Two lanes upload while everything else is already hashed and checked.
    expect(h.max()).toBe(2);
    const checked = calls.reduce((a, b) => a + b, 0);
    expect(checked).toBeGreaterThanOrEqual(2000); // the lookahead (2 × a batch) plus the files in flight…
    expect(checked).toBeLessThan(2500); // …but not the whole pick
    expect(Math.max(...calls)).toBeLessThanOrEqual(1000);
    expect(calls.length).toBeLessThan(20);
    q.pause();
  });

  it('waits out a 429 with Retry-After and then sends the file', async () => {
    const h = harness();
    let refused = 0;
    const q = new UploadQueue({
      ...h.deps,
      upload: async (b, n, o) => {
        if (refused++ === 0) throw new ApiError(429, 'rate_limited', 'Slow down.', 150);
        return h.deps.upload(b, n, o);
      },
    });
    await q.add([file('a.jpg')]);
    await settle();
    expect(states(q)).toEqual({ 'a.jpg': 'queued' });
    expect(q.concurrency).toBe(3);
    await new Promise((r) => setTimeout(r, 250));
    expect(states(q)).toEqual({ 'a.jpg': 'done' });
  });

  it('never fails a file for 429s, however many: it waits each out and sends the file again', async () => {
    const h = harness();
    let refused = 0;
    const q = new UploadQueue({
      ...h.deps,
      // A library over its uploads per minute, for longer than any retry budget.
      upload: async (b, n, o) => {
        if (n === 'a.jpg' && refused++ < 12) throw new ApiError(429, 'rate_limited', 'Too many uploads.', 5);
        return h.deps.upload(b, n, o);
      },
    }, { concurrency: 4 });
    await q.add([file('a.jpg'), file('b.jpg')]);
    for (let i = 0; i < 100 && q.busy; i++) await settle();
    expect(refused).toBe(13);
    expect(states(q)).toEqual({ 'a.jpg': 'done', 'b.jpg': 'done' });
    expect(q.totals.failed).toBe(0);
  });

  it('sends a big pick of small files in batches, and a file a batch refuses is handled alone', async () => {
    const h = harness();
    const requests: string[][] = [];
    let limited = false;
    const q = new UploadQueue({
      ...h.deps,
      uploadBatch: async (files, o) => {
        requests.push(files.map((f) => f.name));
        o.onProgress?.(1);
        return {
          results: files.map((f) => {
            if (f.name === 'bad.jpg') return { filename: f.name, error: { code: 'unsupported_type' as const, message: 'Not a photo.' } };
            // Over the library's minute once: waited out and sent again, never failed.
            if (f.name === '7.jpg' && !limited) {
              limited = true;
              return { filename: f.name, error: { code: 'rate_limited' as const, message: 'Too many uploads.', retryAfter: 0.01 } };
            }
            return { filename: f.name, photo: { id: `id-${f.name}` } as UploadResponse['photo'] };
          }),
        };
      },
    }, { concurrency: 2 });
    await q.add([...Array.from({ length: 30 }, (_, i) => file(`${i}.jpg`)), file('bad.jpg')]);
    for (let i = 0; i < 100 && q.busy; i++) await settle();
    const s = states(q);
    expect(Object.entries(s).filter(([, st]) => st === 'done')).toHaveLength(30);
    expect(s['bad.jpg']).toBe('failed');
    expect(q.entries.find((e) => e.name === 'bad.jpg')?.error).toBe('Not a photo.');
    expect(requests.length).toBeLessThan(12); // 31 files, 8 at most per request
    expect(Math.max(...requests.map((r) => r.length))).toBeLessThanOrEqual(8);
    expect(requests.flat().filter((n) => n === '7.jpg')).toHaveLength(2);
    expect(h.stored.size).toBe(0);
  });
});
