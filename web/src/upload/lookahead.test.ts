// Hashing and /check ahead of the lanes.
import { describe, expect, it } from 'vitest';
import { Entry, type EntryState } from './entry.svelte';
import { Lookahead } from './lookahead';
import { UploadQueue } from './queue.svelte';
import { file, harness } from './queue-harness';

describe('lookahead', () => {
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

  it('marks and settles a 1,000-hash /check a time slice per task', async () => {
    const entries = Array.from({ length: 1000 }, (_, i) => new Entry(`e${i}`, `${i}.jpg`, 1, 'queued'));
    const hashes = new Map(entries.map((e) => [e.id, `h${e.id}`]));
    const ready: Entry[] = [];
    let longest = 0;
    let last = performance.now();
    // Each state change costs 0.05 ms here: 1,000 of them at once would be one 50 ms task, twice.
    const setState = (e: Entry, state: EntryState) => {
      const t = performance.now();
      while (performance.now() - t < 0.05);
      e.state = state;
    };
    let checked = false;
    const ahead = new Lookahead({
      hash: async () => [],
      check: async (h) => ((checked = true), { existing: { [h[0]]: 'known' } }),
      blob: () => new Blob(['x']),
      hashes,
      setState,
      ready: (e) => ready.push(e),
      duplicate: (e) => (e.state = 'duplicate'),
      fail: () => {},
      waiting: () => ready.length,
      lanes: () => 8,
      pump: () => {},
    }, 1);
    ahead.add(entries);
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 0);
    ahead.pump();
    for (let i = 0; i < 200 && ready.length < 999; i++) await new Promise((r) => setTimeout(r, 1));
    clearInterval(timer);
    expect(checked).toBe(true);
    expect(ready).toHaveLength(999);
    expect(entries[0].state).toBe('duplicate');
    expect(longest).toBeLessThan(35); // slices of 8 ms (a busy machine stretches some); one 50 ms loop would show here
  });
});

describe('hashing in groups', () => {
  function host(sizes: number[], unreadable = -1) {
    const entries = sizes.map((size, i) => new Entry(`e${i}`, `${i}.jpg`, size, 'queued'));
    const blobs = sizes.map((size) => ({ size }) as Blob); // the lookahead reads only their size
    const calls: number[][] = [];
    const failed: string[] = [];
    const hashes = new Map<string, string>();
    const inFlight = { now: 0, max: 0 };
    const ahead = new Lookahead({
      hash: async (bs) => {
        const ids = bs.map((b) => blobs.indexOf(b));
        calls.push(ids);
        inFlight.max = Math.max(inFlight.max, ++inFlight.now);
        await new Promise((r) => setTimeout(r, 1));
        inFlight.now--;
        if (ids.includes(unreadable)) throw new DOMException('The file could not be read.', 'NotReadableError');
        return ids.map((i) => `h${i}`);
      },
      check: async () => ({ existing: {} }),
      blob: (e) => blobs[Number(e.id.slice(1))],
      hashes,
      setState: (e, state) => (e.state = state),
      ready: () => {},
      duplicate: () => {},
      fail: (e) => failed.push(e.id),
      waiting: () => 0,
      lanes: () => 8,
      pump: () => ahead.pump(),
    }, 2);
    ahead.add(entries);
    return { ahead, calls, failed, hashes, entries, inFlight };
  }

  it('reads small files 32 at a time within 4 MB, and a bigger file alone', async () => {
    const KB = 1024;
    const h = host([...Array(40).fill(128 * KB), 5 * 1024 * KB, ...Array(3).fill(2000 * KB)]);
    h.ahead.pump();
    await new Promise((r) => setTimeout(r, 20));
    expect(h.calls.map((c) => c.length)).toEqual([32, 8, 1, 2, 1]);
    expect(h.hashes.get('e40')).toBe('h40');
    expect(h.hashes.size).toBe(44);
  });

  it('fails only the unreadable file of a group, retrying the others within the lanes', async () => {
    const h = host(Array(40).fill(100), 3);
    h.ahead.pump();
    await new Promise((r) => setTimeout(r, 200));
    expect(h.failed).toEqual(['e3']);
    expect(h.hashes.size).toBe(39);
    expect(h.inFlight.max).toBeLessThanOrEqual(2); // the 32 files of the failed group one by one, not at once
  });
});
