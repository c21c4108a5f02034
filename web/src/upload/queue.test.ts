// The queue as the page uses it: add, dedupe, refusals, pause/resume/cancel, retry, reload, shares.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api';
import { UploadQueue } from './queue.svelte';
import { file, harness, settle, states } from './queue-harness';

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

  describe('taking in a big pick', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('lets the tasks it started (the hash workers\' answers) in between its slices', async () => {
      // Chromium's scheduler: yield() resumes ahead of every waiting task, postTask() takes its turn.
      vi.stubGlobal('scheduler', {
        yield: () => Promise.resolve(),
        postTask: (f: () => void) => new Promise<void>((resolve) => setTimeout(() => (f(), resolve()), 0)),
      });
      const h = harness({ hold: true });
      const q = new UploadQueue(h.deps);
      q.pause();
      let inWhenATaskRan = -1;
      setTimeout(() => (inWhenATaskRan = q.entries.length), 0);
      // A stat per file, as a picked file's first size read is in Chromium: 100 ms for the pick.
      class Picked extends Blob {
        override get size() {
          const t = performance.now();
          while (performance.now() - t < 0.02);
          return super.size;
        }
      }
      await q.add(Array.from({ length: 5000 }, (_, i) => ({ name: `${i}.jpg`, blob: new Picked([`${i}`]) })));
      expect(q.entries).toHaveLength(5000);
      expect(inWhenATaskRan).toBeGreaterThan(0);
      expect(inWhenATaskRan).toBeLessThan(5000);
    });
  });

  it('starts the hash workers when the upload page opens', () => {
    const h = harness();
    let warmed = 0;
    new UploadQueue({ ...h.deps, warm: () => warmed++ }).prepare();
    expect(warmed).toBe(1);
  });
});

