// Grouping faces into people, in memory and free of I/O: the request path loads a library's centroids and
// waiting faces into a Clusterer, the re-clustering job plans a whole library with recluster.ts, and the
// benchmark runs both in Node. Vectors are unit vectors; similarity is the dot product.
import { MIN_FACES } from './thresholds';
import { dot } from './vectors';

export interface Centroid {
  id: string;
  /** Sum of the members' unit vectors; its direction is the centroid. */
  sum: Float32Array;
  count: number;
  /** sum / |sum|, kept in step with sum. */
  dir: Float32Array;
}

export interface Outcome {
  /** The person the face joined, or null: it waits in the pool. */
  personId: string | null;
  /** Set when the face founded a new person together with waiting faces. */
  created?: string;
  /** Waiting faces that joined a person because of this face (the founders, or faces near a new centroid). */
  joined: Array<{ faceId: string; personId: string }>;
}

export function centroid(id: string, sum: Float32Array, count: number): Centroid {
  const dir = new Float32Array(sum.length);
  const n = Math.sqrt(dot(sum, sum)) || 1;
  for (let i = 0; i < sum.length; i++) dir[i] = sum[i] / n;
  return { id, sum, count, dir };
}

/** Adds (or with sign -1 removes) a member, in place: the hot path of assignment allocates nothing. */
export function addTo(c: Centroid, v: Float32Array, sign = 1): Centroid {
  const { sum, dir } = c;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    sum[i] += sign * v[i];
    n += sum[i] * sum[i];
  }
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) dir[i] = sum[i] / n;
  c.count += sign;
  return c;
}

/**
 * Incremental assignment (Immich-style): a face joins the nearest person at or above the threshold, else it
 * waits; once it and at least MIN_FACES − 1 waiting faces are all within the threshold of it, they found a
 * person, and waiting faces near the new centroid follow.
 */
export class Clusterer {
  readonly people = new Map<string, Centroid>();
  readonly pool = new Map<string, Float32Array>();

  constructor(
    readonly threshold: number,
    private readonly newId: () => string,
    readonly minFaces = MIN_FACES,
  ) {}

  nearest(v: Float32Array, rejects?: ReadonlySet<string>): { id: string; sim: number } | null {
    let best: { id: string; sim: number } | null = null;
    for (const p of this.people.values()) {
      if (rejects?.has(p.id)) continue;
      const sim = dot(v, p.dir);
      if (sim >= this.threshold && (!best || sim > best.sim)) best = { id: p.id, sim };
    }
    return best;
  }

  join(personId: string, v: Float32Array) {
    addTo(this.people.get(personId)!, v);
  }

  add(faceId: string, v: Float32Array, rejects?: ReadonlySet<string>): Outcome {
    const near = this.nearest(v, rejects);
    if (near) {
      this.join(near.id, v);
      return { personId: near.id, joined: [] };
    }
    const agree: string[] = [];
    for (const [id, w] of this.pool) if (id !== faceId && dot(v, w) >= this.threshold) agree.push(id);
    if (agree.length + 1 < this.minFaces) {
      this.pool.set(faceId, v);
      return { personId: null, joined: [] };
    }
    const personId = this.newId();
    const c = centroid(personId, v.slice(), 1);
    for (const id of agree) addTo(c, this.pool.get(id)!);
    this.people.set(personId, c);
    for (const id of agree) this.pool.delete(id);
    const joined = agree.map((id) => ({ faceId: id, personId }));
    // Faces that waited for want of a person near them may be near this one now.
    for (const [id, w] of this.pool) {
      if (dot(w, this.people.get(personId)!.dir) >= this.threshold && this.nearest(w)?.id === personId) {
        this.join(personId, w);
        this.pool.delete(id);
        joined.push({ faceId: id, personId });
      }
    }
    return { personId, created: personId, joined };
  }
}

/**
 * DBSCAN over unit vectors (eps as a similarity): clusters of points with at least minPts neighbours within
 * eps (themselves included), grown through such core points; everything else is noise (-1). O(n²).
 */
export function dbscan(vectors: Float32Array[], eps: number, minPts = MIN_FACES): number[] {
  const n = vectors.length;
  const labels = new Array<number>(n).fill(-2); // -2 unvisited, -1 noise
  const neighbours = (i: number) => {
    const out: number[] = [];
    for (let j = 0; j < n; j++) if (dot(vectors[i], vectors[j]) >= eps) out.push(j);
    return out;
  };
  let cluster = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== -2) continue;
    const seeds = neighbours(i);
    if (seeds.length < minPts) {
      labels[i] = -1;
      continue;
    }
    labels[i] = cluster;
    const queue = seeds.filter((j) => j !== i);
    for (let k = 0; k < queue.length; k++) {
      const j = queue[k];
      if (labels[j] === -1) labels[j] = cluster; // border point
      if (labels[j] !== -2) continue;
      labels[j] = cluster;
      const more = neighbours(j);
      if (more.length >= minPts) for (const m of more) if (labels[m] < 0) queue.push(m);
    }
    cluster++;
  }
  return labels;
}
