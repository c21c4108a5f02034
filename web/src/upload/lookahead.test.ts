// Hashing and /check ahead of the lanes, through the queue.
import { describe, expect, it } from 'vitest';
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
});
