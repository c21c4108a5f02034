// Groups of photos whose embeddings are nearly identical (cosine distance ≤ threshold): bursts, edits,
// re-encodes. Small libraries compare every pair; large ones first bucket photos by random-hyperplane
// signatures (SimHash) so only photos sharing a bucket are compared. A pair at distance 0.01 differs in
// a given signature bit with probability ~4.5%, so with 10 tables of 14 bits it is missed ~0.06% of the
// time; the hyperplanes are seeded, so the same library always gives the same groups.
import { mulberry32 } from '../mulberry32';
import type { LibraryIndex } from './library-index';

/** Up to this many embeddings every pair is compared (2,000² / 2 dot products take ~0.2 s). */
const EXACT_LIMIT = 2000;
const TABLES = 10;
const BITS = 14;

export interface DuplicateGroup {
  /** Newest first. */
  ids: string[];
  similarity: number;
}

export function nearDuplicateGroups(index: LibraryIndex, threshold: number): DuplicateGroup[] {
  const rows = index.rows;
  if (!rows) return [];
  const live: number[] = [];
  for (let s = 0; s < index.n; s++) if (index.invNorm[s] !== 0) live.push(s);
  const minSimilarity = 1 - threshold;

  const parent = new Map<number, number>();
  const find = (s: number): number => {
    let p = parent.get(s) ?? s;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p)!;
    parent.set(s, p);
    return p;
  };
  const groupMin = new Map<number, number>();
  const link = (a: number, b: number, sim: number) => {
    const ra = find(a);
    const rb = find(b);
    const min = Math.min(sim, groupMin.get(ra) ?? 1, groupMin.get(rb) ?? 1);
    if (ra !== rb) parent.set(rb, ra);
    groupMin.set(ra, min);
  };
  /** Compares each member of `slots` with the members after it. */
  const compareAll = (slots: number[]) => {
    for (let i = 0; i < slots.length - 1; i++) {
      const a = slots[i];
      const rest = slots.slice(i + 1);
      const dots = rows.dotSome(rows.row(a), rest);
      for (let k = 0; k < rest.length; k++) {
        const sim = dots[k] * index.invNorm[a] * index.invNorm[rest[k]];
        if (sim >= minSimilarity) link(a, rest[k], sim);
      }
    }
  };

  if (live.length <= EXACT_LIMIT) {
    compareAll(live);
  } else {
    const random = mulberry32(0x5eed);
    const plane = new Int8Array(rows.dims);
    const signature = new Uint32Array(index.n);
    for (let table = 0; table < TABLES; table++) {
      signature.fill(0);
      for (let bit = 0; bit < BITS; bit++) {
        for (let d = 0; d < plane.length; d++) plane[d] = Math.round(random() * 254 - 127);
        const dots = rows.dotAll(plane, index.n);
        for (const s of live) if (dots[s] >= 0) signature[s] |= 1 << bit;
      }
      const buckets = new Map<number, number[]>();
      for (const s of live) {
        const b = buckets.get(signature[s]);
        if (b) b.push(s);
        else buckets.set(signature[s], [s]);
      }
      for (const b of buckets.values()) if (b.length > 1) compareAll(b);
    }
  }

  const members = new Map<number, string[]>();
  for (const s of parent.keys()) {
    const root = find(s);
    const list = members.get(root);
    if (list) list.push(index.ids[s]);
    else members.set(root, [index.ids[s]]);
  }
  return [...members]
    .map(([root, ids]) => ({ ids: ids.sort().reverse(), similarity: groupMin.get(root) ?? 1 }))
    .sort((a, b) => (a.ids[0] < b.ids[0] ? 1 : -1));
}
