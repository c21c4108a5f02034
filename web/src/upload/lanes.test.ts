// The upload lanes: the concurrency bound, parts for large files, 429s waited out, a 503's budget, batches.
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../../../worker/contract/http';
import { ApiError } from '../lib/api';
import { AdaptiveConcurrency } from './concurrency';
import { Entry } from './entry.svelte';
import { Lanes, type LanesHost } from './lanes';
import { UploadQueue } from './queue.svelte';
import { file, harness, settle, states } from './queue-harness';

/** A Lanes host whose sender uploads with `upload`; `pump` lets each test decide what pumping means. */
function laneHost(upload: LanesHost['sender']['upload'], host: Pick<LanesHost, 'done' | 'fail' | 'pump'>): LanesHost {
  const unused = async (): Promise<never> => { throw new Error('unused'); };
  return {
    sender: {
      upload,
      resumable: { create: unused, get: unused, part: unused, complete: unused },
      resumableBytes: 1e9,
      blob: () => new Blob(['x']),
      sha256: () => 'h',
      session: () => undefined,
      opened: async () => {},
      progress: () => {},
    },
    batching: false,
    usable: (e) => e.state === 'queued',
    setState: (e, patch) => Object.assign(e, patch),
    settled: () => {},
    ...host,
  };
}

describe('upload lanes', () => {
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

  it('gives a file five 503s before failing it, and puts a paused request back at the head of the line', async () => {
    const calls: string[] = [];
    let answer: (name: string, signal?: AbortSignal) => Promise<UploadResponse> = async () => { throw new ApiError(503, 'unavailable', 'Busy.', 1); };
    const failed: unknown[] = [];
    let paused = false;
    const host = laneHost((_blob, name, o) => (calls.push(name), answer(name, o.signal)), {
      done: (e) => (e.state = 'done'),
      fail: (e, err) => ((e.state = 'failed'), failed.push(err)),
      pump: () => paused || lanes.pump(),
    });
    const one = () => new AdaptiveConcurrency({ start: 1, min: 1, max: 1 });
    let lanes = new Lanes(host, one());
    const a = new Entry('a', 'a.jpg', 1, 'queued');
    lanes.push(a);
    lanes.pump();
    for (let i = 0; i < 50 && a.state !== 'failed'; i++) await settle();
    expect(calls).toEqual(Array(6).fill('a.jpg')); // the first answer and five more tries
    expect(failed).toHaveLength(1);

    // A request stopped by a pause: its file waits again, ahead of the one behind it. (New lanes: the
    // last 503 holds these for a second.)
    lanes = new Lanes(host, one());
    answer = (name, signal) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve({ photo: { id: name } as UploadResponse['photo'] }), 20);
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new ApiError(0, 'aborted', 'Upload stopped.'))));
    });
    const [b, c] = [new Entry('b', 'b.jpg', 1, 'queued'), new Entry('c', 'c.jpg', 1, 'queued')];
    lanes.push(b);
    lanes.push(c);
    lanes.pump();
    expect(b.state).toBe('uploading');
    paused = true;
    lanes.stop();
    await settle();
    expect([b.state, c.state]).toEqual(['queued', 'queued']);
    paused = false;
    lanes.pump();
    for (let i = 0; i < 50 && c.state !== 'done'; i++) await settle();
    expect(calls.slice(6)).toEqual(['b.jpg', 'b.jpg', 'c.jpg']);
    expect([b.state, c.state, failed.length]).toEqual(['done', 'done', 1]);
  });

  it('starts requests a time slice per task when many lanes come free at once', async () => {
    let started = 0;
    // Starting a request costs the page 3 ms here (building the form, the browser reading file details).
    const upload = () => {
      const t = performance.now();
      while (performance.now() - t < 3);
      started++;
      return new Promise<never>(() => {});
    };
    const host = laneHost(upload, { done: () => {}, fail: () => {}, pump: () => lanes.pump() });
    const lanes = new Lanes(host, new AdaptiveConcurrency({ start: 16, min: 16, max: 16 }));
    for (let i = 0; i < 16; i++) lanes.push(new Entry(`e${i}`, `${i}.jpg`, 1, 'queued'));
    lanes.pump();
    expect(started).toBeLessThanOrEqual(4); // 8 ms of 3 ms starts, and the one that crossed it
    for (let i = 0; i < 20 && started < 16; i++) await settle();
    expect(started).toBe(16);
  });
});
