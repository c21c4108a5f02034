// The clustering algorithm on its own: plain vectors in, people out.
import { describe, expect, it } from 'vitest';
import { Clusterer, dbscan } from './cluster';
import { foldThreshold, recluster } from './recluster';
import { quality, rng, synthetic } from './synthetic';
import { unit } from './vectors';

// Faces of "person" k: axis k plus a little noise in the other axes.
const r = rng(3);
const face = (k: number, noise = 0.2) => unit(Array.from({ length: 16 }, (_, i) => (i === k ? 1 : 0) + noise * r.gauss() / 4));
const ids = () => {
  let n = 0;
  return () => `p${n++}`;
};

describe('incremental assignment', () => {
  it('keeps faces waiting until three agree, then founds a person, and later faces join it', () => {
    const c = new Clusterer(0.5, ids());
    expect(c.add('a', face(0)).personId).toBeNull();
    expect(c.add('x', face(5)).personId).toBeNull();
    expect(c.add('b', face(0)).personId).toBeNull();
    const third = c.add('c', face(0));
    expect(third.created).toBe('p0');
    expect(third.joined.map((j) => j.faceId).sort()).toEqual(['a', 'b']);
    expect(c.add('d', face(0)).personId).toBe('p0');
    expect(c.people.get('p0')!.count).toBe(4);
    expect([...c.pool.keys()]).toEqual(['x']);
  });

  it('joins the nearest person, never one the face refused', () => {
    const c = new Clusterer(0.3, ids());
    for (const k of [0, 0, 0, 1, 1, 1]) c.add(crypto.randomUUID(), face(k));
    const between = unit(Array.from({ length: 16 }, (_, i) => (i === 0 ? 1 : i === 1 ? 0.8 : 0)));
    expect(c.nearest(between)!.id).toBe('p0');
    expect(c.nearest(between, new Set(['p0']))!.id).toBe('p1');
    expect(c.nearest(face(9))).toBeNull();
  });
});

describe('dbscan', () => {
  it('finds dense groups and leaves sparse points as noise', () => {
    const labels = dbscan([face(0), face(0), face(0), face(1), face(1), face(2)], 0.5);
    expect(labels.slice(0, 3)).toEqual([0, 0, 0]);
    expect(labels.slice(3)).toEqual([-1, -1, -1]);
  });
});

describe('re-clustering', () => {
  it('assigns waiting faces, founds people from dense leftovers, and folds an untouched duplicate', () => {
    const faces = [
      ...['a1', 'a2', 'a3'].map((id) => ({ id, vec: face(0, 0.05), personId: 'A' })),
      ...['d1', 'd2', 'd3'].map((id) => ({ id, vec: face(0, 0.05), personId: 'D' })), // a duplicate of A
      { id: 'w1', vec: face(0), personId: null },
      ...['n1', 'n2', 'n3'].map((id) => ({ id, vec: face(3), personId: null })),
      { id: 'lone', vec: face(7), personId: null },
    ];
    const plan = recluster(faces, [{ id: 'A', locked: true }, { id: 'D', locked: false }], { threshold: 0.5, newId: ids() });
    expect(plan.folded).toEqual([{ from: 'D', into: 'A' }]);
    expect(['d1', 'd2', 'd3', 'w1'].map((id) => plan.assign.get(id))).toEqual(['A', 'A', 'A', 'A']);
    expect(plan.created).toHaveLength(1);
    expect(new Set(['n1', 'n2', 'n3'].map((id) => plan.assign.get(id)))).toEqual(new Set(plan.created));
    expect(plan.assign.has('lone')).toBe(false);
    expect(plan.assign.has('a1')).toBe(false); // faces that have a person stay put
  });

  it('never folds a locked person, nor across a "not this person", nor into a refused one', () => {
    const faces = [
      ...['a1', 'a2', 'a3'].map((id) => ({ id, vec: face(0, 0.05), personId: 'A' })),
      ...['b1', 'b2', 'b3'].map((id) => ({ id, vec: face(0, 0.05), personId: 'B' })),
      { id: 'c1', vec: face(0, 0.05), personId: 'C', rejects: new Set(['A', 'B']) },
      { id: 'r', vec: face(0, 0.05), personId: null, rejects: new Set(['A', 'B', 'C']) },
    ];
    const plan = recluster(faces, [{ id: 'A', locked: true }, { id: 'B', locked: true }, { id: 'C', locked: false }], { threshold: 0.5, newId: ids() });
    expect(plan.folded).toEqual([]);
    expect(plan.assign.size).toBe(0);
    expect([...plan.centroids.keys()].sort()).toEqual(['A', 'B', 'C']);
  });

  it('bounds the density pass and says how much it left for the next run', () => {
    const faces = Array.from({ length: 50 }, (_, i) => ({ id: `f${i}`, vec: face(i % 16, 3), personId: null }));
    const plan = recluster(faces, [], { threshold: 0.99, newId: ids(), maxDbscan: 20 });
    expect(plan.deferred).toBe(30);
  });

  it('folds at √threshold: above the face threshold, as centroids are tighter than faces', () => {
    expect(foldThreshold(0.363)).toBeCloseTo(0.6, 2);
  });
});

describe('quality on synthetic SFace-like embeddings (clusters of 1–500 faces)', () => {
  const faces = synthetic({ faces: 4000, seed: 11 });

  it('incremental: purity ≥ 0.95, recall ≥ 0.90', () => {
    const c = new Clusterer(0.363, ids());
    const person = new Map<string, string>();
    for (const f of faces) {
      const out = c.add(f.id, f.vec);
      if (out.personId) person.set(f.id, out.personId);
      for (const j of out.joined) person.set(j.faceId, j.personId);
    }
    const q = quality(faces, (id) => person.get(id) ?? null);
    expect(q.purity).toBeGreaterThanOrEqual(0.95);
    expect(q.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('full re-clustering from nothing: purity ≥ 0.95, recall ≥ 0.90', () => {
    const plan = recluster(faces.map((f) => ({ id: f.id, vec: f.vec, personId: null })), [], { threshold: 0.363, newId: ids(), maxDbscan: 1000 });
    const q = quality(faces, (id) => plan.assign.get(id) ?? null);
    expect(q.purity).toBeGreaterThanOrEqual(0.95);
    expect(q.recall).toBeGreaterThanOrEqual(0.9);
  });
});
