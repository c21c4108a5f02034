// The full re-clustering of one library and model, as a plan (pure; the job applies it). It improves what
// the order-dependent incremental path left behind — waiting faces that now have a person or enough
// company, and duplicate people — and it never undoes a decision: it moves no face that has a person
// except by folding an untouched person away whole, never folds a locked person (named, hidden, merged
// into, or holding a face a person placed), and never puts a face into a person it was refused from.
import { Clusterer, addTo, centroid, dbscan, type Centroid } from './cluster';
import { MIN_FACES } from './thresholds';
import { dot } from './vectors';

export interface ClusterFace {
  id: string;
  vec: Float32Array;
  personId: string | null;
  /** "Not this person": ids this face must never be assigned to. */
  rejects?: ReadonlySet<string>;
}

export interface ClusterPerson {
  id: string;
  /** Named, hidden, a merge target, or holding a face a person put there: never folded into another. */
  locked: boolean;
}

export interface Plan {
  /** Faces whose person changes (from none, or from a folded person). */
  assign: Map<string, string>;
  /** New people, by id. */
  created: string[];
  /** Untouched people folded into another (from disappears). */
  folded: Array<{ from: string; into: string }>;
  /** Fresh centroids of every person that remains. */
  centroids: Map<string, Centroid>;
  /** Waiting faces left for the next run because of the work bound. */
  deferred: number;
}

export interface Options {
  threshold: number;
  newId: () => string;
  /** The O(n²) density pass runs over at most this many waiting faces per run. */
  maxDbscan?: number;
  /** At most this many waiting faces are grouped per run (the rest wait for the next): bounds CPU time. */
  maxWaiting?: number;
  minFaces?: number;
}

/**
 * Centroids sit nearer the person's true centre than single faces do, so two centroids of one person are
 * far more alike than two faces. With isotropic noise, faces at similarity t to each other lie ~√t from the
 * centre, and a centroid of 3 such faces ~0.79 from it at t = 0.363: two of them meet at ≥ 0.6 ≈ √t. Two
 * different people only reach that if their faces are alike beyond the threshold anyway (look-alikes stay
 * below it), so √t folds duplicates and keeps relatives apart: SFace 0.60, ArcFace-like 0.71.
 */
export const foldThreshold = (t: number) => Math.sqrt(t);

export function recluster(faces: ClusterFace[], people: ClusterPerson[], opts: Options): Plan {
  const { threshold, newId, maxDbscan = 4000, maxWaiting = 20_000, minFaces = MIN_FACES } = opts;
  const dims = faces.find((f) => f.vec.length)?.vec.length ?? 0;
  const clusterer = new Clusterer(threshold, newId, minFaces);
  // Fresh centroids from the members: incremental sums drift under concurrent writes.
  for (const p of people) clusterer.people.set(p.id, centroid(p.id, new Float32Array(dims), 0));
  for (const f of faces) if (f.personId && clusterer.people.has(f.personId)) clusterer.join(f.personId, f.vec);
  for (const [id, c] of clusterer.people) if (!c.count) clusterer.people.delete(id);

  const assign = new Map<string, string>();
  const created: string[] = [];

  // 1. Waiting faces that are near a person now.
  let waiting: ClusterFace[] = [];
  for (const f of faces) {
    if (f.personId && clusterer.people.has(f.personId)) continue;
    const near = clusterer.nearest(f.vec, f.rejects);
    if (near) {
      clusterer.join(near.id, f.vec);
      assign.set(f.id, near.id);
    } else waiting.push(f);
  }

  const postponed = Math.max(0, waiting.length - maxWaiting);
  waiting = waiting.slice(0, maxWaiting);

  // 2. Too many for the density pass: let the incremental rule found people first, shrinking the rest.
  if (waiting.length > maxDbscan) {
    for (const f of waiting) {
      const out = clusterer.add(f.id, f.vec, f.rejects);
      if (out.created) created.push(out.created);
      if (out.personId) assign.set(f.id, out.personId);
      for (const j of out.joined) assign.set(j.faceId, j.personId);
    }
    const left = new Set(clusterer.pool.keys());
    waiting = waiting.filter((f) => left.has(f.id));
  }

  // 3. DBSCAN over the rest: every dense group becomes a person.
  const batch = waiting.slice(0, maxDbscan);
  const labels = dbscan(batch.map((f) => f.vec), threshold, minFaces);
  const groups = Map.groupBy(batch.map((f, i) => [f, labels[i]] as const).filter(([, l]) => l >= 0), ([, l]) => l);
  for (const members of groups.values()) {
    const id = newId();
    created.push(id);
    const c = centroid(id, new Float32Array(dims), 0);
    for (const [f] of members) {
      addTo(c, f.vec);
      assign.set(f.id, id);
    }
    clusterer.people.set(id, c);
  }

  // 4. Fold duplicates: an unlocked person whose centroid is within foldThreshold of another's joins it
  //    (smallest first), unless a face of either refused the other.
  const locked = new Set(people.filter((p) => p.locked).map((p) => p.id));
  const members = new Map<string, string[]>();
  for (const f of faces) {
    const p = assign.get(f.id) ?? f.personId;
    if (p && clusterer.people.has(p)) members.set(p, [...(members.get(p) ?? []), f.id]);
  }
  const refused = new Map<string, Set<string>>(); // person → people its faces refused
  const byId = new Map(faces.map((f) => [f.id, f]));
  for (const [p, ids] of members) {
    for (const id of ids) for (const r of byId.get(id)!.rejects ?? []) refused.set(p, (refused.get(p) ?? new Set()).add(r));
  }
  const folded: Plan['folded'] = [];
  const order = [...clusterer.people.values()].filter((c) => !locked.has(c.id)).sort((a, b) => a.count - b.count);
  for (const q of order) {
    const from = clusterer.people.get(q.id)!;
    let best: Centroid | null = null;
    let bestSim = foldThreshold(threshold);
    for (const p of clusterer.people.values()) {
      if (p.id === from.id || refused.get(p.id)?.has(from.id) || refused.get(from.id)?.has(p.id)) continue;
      const sim = dot(from.dir, p.dir);
      if (sim >= bestSim) [best, bestSim] = [p, sim];
    }
    if (!best) continue;
    const sum = best.sum.slice();
    for (let i = 0; i < sum.length; i++) sum[i] += from.sum[i];
    clusterer.people.set(best.id, centroid(best.id, sum, best.count + from.count));
    clusterer.people.delete(from.id);
    for (const id of members.get(from.id) ?? []) assign.set(id, best.id);
    members.set(best.id, [...(members.get(best.id) ?? []), ...(members.get(from.id) ?? [])]);
    refused.set(best.id, new Set([...(refused.get(best.id) ?? []), ...(refused.get(from.id) ?? [])]));
    const createdAt = created.indexOf(from.id);
    if (createdAt >= 0) created.splice(createdAt, 1);
    else folded.push({ from: from.id, into: best.id });
  }
  // A person created this run and folded into another is no new person: its faces simply join.
  return { assign, created, folded, centroids: clusterer.people, deferred: postponed + waiting.length - batch.length };
}
