import { describe, expect, it } from 'vitest';
import { Copies } from './copies';
import type { EntryStore, StoredEntry } from './store';

const busy = (ms: number) => {
  const t = performance.now();
  while (performance.now() - t < ms);
};

/** A store whose puts cost the page 0.05 ms each, in the caller's task, as IndexedDB's do in Chromium. */
function slowStore(cost: (transaction: number) => number = () => 0.05) {
  const stored = new Map<string, StoredEntry>();
  const puts: Array<{ n: number; ms: number }> = [];
  const store: EntryStore = {
    put(entries) {
      const t = performance.now();
      const each = cost(puts.length);
      for (const e of entries) {
        busy(each);
        stored.set(e.id, e);
      }
      puts.push({ n: entries.length, ms: performance.now() - t });
      return new Promise((resolve) => setTimeout(resolve, 1));
    },
    delete: async (ids) => void ids.forEach((id) => stored.delete(id)),
    all: async () => [...stored.values()],
  };
  return { store, stored, puts };
}

const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `e${i}`, name: `${i}.jpg`, size: 1, blob: new Blob(['x']), addedAt: i }));

describe('Copies', () => {
  it('cuts a big write into transactions of a few ms each, one task apart', async () => {
    const s = slowStore();
    const copies = new Copies(s.store);
    let done = false;
    const writing = copies.write(entries(2000)).then(() => (done = true));
    let turns = 0; // how often other tasks got a turn meanwhile
    while (!done) {
      await new Promise((r) => setTimeout(r, 0));
      turns++;
    }
    await writing;
    expect(s.stored.size).toBe(2000);
    expect(s.puts.length).toBeGreaterThanOrEqual(10); // 100 ms of puts in slices of about 6 ms
    const ms = s.puts.map((p) => p.ms).sort((a, b) => a - b);
    expect(ms[Math.floor(ms.length / 2)]).toBeLessThan(12); // the median: a busy machine may stretch one
    expect(turns).toBeGreaterThanOrEqual(s.puts.length - 1);
  });

  it('keeps a transaction short when puts turn slower than the ones it was sized from', async () => {
    // Ten times cheaper for the first three transactions, then as usual.
    const s = slowStore((n) => (n < 3 ? 0.005 : 0.05));
    await new Copies(s.store).write(entries(3000));
    expect(s.stored.size).toBe(3000);
    expect(Math.max(...s.puts.map((p) => p.n))).toBeLessThanOrEqual(250);
    // 250 × 0.05 ms; sized from the cheap ones: 1000 × 0.05. Wall time: a busy machine may stretch one or two.
    const ms = s.puts.map((p) => p.ms).sort((a, b) => a - b);
    expect(ms[Math.floor(ms.length * 0.8)]).toBeLessThan(25);
  });

  it('deletes a copy only once its write has landed, even from a later slice', async () => {
    const s = slowStore();
    const copies = new Copies(s.store);
    const writing = copies.write(entries(600));
    copies.drop('e599'); // sent before its slice was even written
    await writing;
    await new Promise((r) => setTimeout(r, 5));
    expect(s.stored.has('e599')).toBe(false);
    expect(s.stored.size).toBe(599);
  });

  it('reports a failed write to the caller', async () => {
    const copies = new Copies({ put: async () => Promise.reject(new Error('quota')), delete: async () => {}, all: async () => [] });
    await expect(copies.write(entries(3))).rejects.toThrow('quota');
  });
});
