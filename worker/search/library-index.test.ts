// The in-memory index against a brute-force reference: growth past its first allocations, deletions
// (the last slot moves into the hole), the SIMD dot products, filters and newest-first order.
import { describe, expect, it } from 'vitest';
import type { IndexEntry } from './entry';
import { LibraryIndex } from './library-index';

const DIMS = 40; // not a multiple of 16: rows are padded
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

function entry(n: number): IndexEntry {
  return {
    id: `p${String(n).padStart(6, '0')}`, t: Math.floor(random() * 1e12), day: 20200101, kind: n % 3 ? 'image' : 'video',
    lat: NaN, lon: NaN, make: '', model: '', tags: [], people: [], text: ' x', embeddingModel: 'm',
    vector: Int8Array.from({ length: DIMS }, () => Math.round(random() * 254 - 127)),
  };
}

const cosine = (a: Int8Array, b: Int8Array) => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] * a[i], nb + b[i] * b[i]];
  return dot / Math.sqrt(na * nb);
};

describe('LibraryIndex', () => {
  it('ranks exactly like a brute-force scan after growing and deleting', () => {
    const index = new LibraryIndex();
    const live = new Map<string, IndexEntry>();
    for (let n = 0; n < 5000; n++) {
      const e = entry(n);
      index.upsert(e);
      live.set(e.id, e);
    }
    for (const id of [...live.keys()].filter(() => random() < 0.4)) {
      index.remove(id);
      live.delete(id);
    }
    const moved = entry(999_999);
    index.upsert({ ...moved, id: [...live.keys()][10] }); // an update in place
    live.set([...live.keys()][10], { ...moved, id: [...live.keys()][10] });
    expect(index.size).toBe(live.size);

    const query = Int8Array.from({ length: DIMS }, () => Math.round(random() * 254 - 127));
    const expected = [...live.values()]
      .filter((e) => e.kind === 'image')
      .map((e) => ({ id: e.id, score: cosine(query, e.vector!) }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1))
      .slice(0, 25);
    const got = index.search({ query, filters: { kind: 'image' }, limit: 25, cursor: null }).hits;
    expect(got.map((h) => h.id)).toEqual(expected.map((e) => e.id));
    got.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 9));

    const newest = [...live.values()].sort((a, b) => b.t - a.t || (a.id < b.id ? 1 : -1)).slice(0, 10).map((e) => e.id);
    expect(index.search({ query: null, filters: {}, limit: 10, cursor: null }).hits.map((h) => h.id)).toEqual(newest);
  });
});
