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
      hash: async () => 'unused',
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
