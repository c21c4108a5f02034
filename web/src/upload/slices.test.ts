import { describe, expect, it } from 'vitest';
import { inSlices } from './slices';

const busy = (ms: number) => {
  const t = performance.now();
  while (performance.now() - t < ms);
};

describe('inSlices', () => {
  it('cuts a slow loop into time slices with a task between them, in order', async () => {
    const chunks: Array<[number, number]> = [];
    const lengths: number[] = [];
    let done = false;
    const running = inSlices(Array.from({ length: 200 }, (_, i) => i), (i) => (busy(0.5), i * 2), (out, from) => {
      chunks.push([from, out.length]);
      expect(out[0]).toBe(from * 2);
    }, { ms: 8 }).then(() => (done = true));
    let turns = 0; // how often other tasks got a turn meanwhile
    while (!done) {
      await new Promise((r) => setTimeout(r, 0));
      turns++;
    }
    await running;
    for (const [, n] of chunks) lengths.push(n);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(200);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(17); // 8 ms of 0.5 ms items, and the one that crossed it
    expect(chunks.length).toBeGreaterThanOrEqual(6);
    expect(turns).toBeGreaterThanOrEqual(chunks.length - 1);
    expect(chunks.map(([from]) => from)).toEqual(chunks.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0)));
  });

  it('caps a slice by count when items are cheap', async () => {
    const lengths: number[] = [];
    await inSlices(Array.from({ length: 1200 }, (_, i) => i), (i) => i, (out) => lengths.push(out.length), { max: 500, ms: 1000 });
    expect(lengths).toEqual([500, 500, 200]);
  });

  it('does nothing for nothing', async () => {
    let calls = 0;
    await inSlices([], (x) => x, () => calls++);
    expect(calls).toBe(0);
  });
});
