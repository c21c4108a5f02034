// Synthetic face embeddings for the quality tests and the benchmark: identities are random unit centres
// (a share of them look-alikes of another identity), faces are centre + Gaussian noise whose strength varies
// per face like detection quality does. Calibrated to SFace's published behaviour: same-person pairs
// mostly 0.3–0.75 in cosine, strangers near 0, look-alikes ~0.2–0.3 — so pairs straddle the 0.363 threshold.
import { mulberry32 } from '../mulberry32';
import { unit } from './vectors';

export interface SyntheticFace {
  id: string;
  truth: string;
  vec: Float32Array;
}

/** Deterministic PRNG, so every run scores the same data. */
export function rng(seed: number) {
  const next = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, gauss };
}

export interface SyntheticOptions {
  faces: number;
  dims?: number;
  seed?: number;
  /** Largest identity; sizes are log-uniform in 1…maxSize, so most identities are small and a few are huge. */
  maxSize?: number;
  /** Share of identities that are look-alikes (cosine ~0.4 between centres) of an earlier one. */
  lookalikes?: number;
}

export function synthetic({ faces: total, dims = 128, seed = 1, maxSize = 500, lookalikes = 0.2 }: SyntheticOptions): SyntheticFace[] {
  const r = rng(seed);
  const randomUnit = () => unit(Array.from({ length: dims }, r.gauss));
  const centres: Float32Array[] = [];
  const faces: SyntheticFace[] = [];
  for (let k = 0; faces.length < total; k++) {
    let centre = randomUnit();
    if (centres.length && r.next() < lookalikes) {
      const parent = centres[Math.floor(r.next() * centres.length)];
      centre = unit(Array.from(centre, (x, i) => 0.4 * parent[i] + 0.917 * x));
    }
    centres.push(centre);
    // The first identity is always maxSize, so every run has the largest case.
    const size = k === 0 ? maxSize : Math.min(maxSize, Math.floor(Math.exp(r.next() * Math.log(maxSize + 1))));
    for (let i = 0; i < size && faces.length < total; i++) {
      // Noise per dimension: 0.07–0.14 for most faces, 0.18 for 5% (blurred, profile, tiny).
      const sigma = r.next() < 0.05 ? 0.18 : 0.07 + 0.07 * r.next();
      const scaled = sigma * Math.sqrt(128 / dims); // the same angles in any dimension
      faces.push({ id: `f${faces.length}`, truth: `t${k}`, vec: unit(Array.from(centre, (x) => x + scaled * r.gauss())) });
    }
  }
  // Arrival order is random, as photos are uploaded and analysed in any order.
  for (let i = faces.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [faces[i], faces[j]] = [faces[j], faces[i]];
  }
  return faces;
}

export interface Quality {
  /** Of the faces put into people, the share that agree with their person's majority identity. */
  purity: number;
  /** Of the faces of identities with ≥ 3 faces, the share in their identity's main person. */
  recall: number;
  people: number;
  identities: number;
  unassigned: number;
}

export function quality(faces: SyntheticFace[], personOf: (faceId: string) => string | null, minFaces = 3): Quality {
  const byPerson = new Map<string, Map<string, number>>();
  const byTruth = new Map<string, Map<string | null, number>>();
  let unassigned = 0;
  for (const f of faces) {
    const p = personOf(f.id);
    if (p === null) unassigned++;
    else byPerson.set(p, bump(byPerson.get(p), f.truth));
    byTruth.set(f.truth, bump(byTruth.get(f.truth), p));
  }
  let pure = 0;
  let assigned = 0;
  for (const counts of byPerson.values()) {
    pure += Math.max(...counts.values());
    for (const n of counts.values()) assigned += n;
  }
  let recalled = 0;
  let clusterable = 0;
  for (const counts of byTruth.values()) {
    const size = [...counts.values()].reduce((a, b) => a + b, 0);
    if (size < minFaces) continue;
    clusterable += size;
    recalled += Math.max(0, ...[...counts].filter(([p]) => p !== null).map(([, n]) => n));
  }
  return { purity: assigned ? pure / assigned : 1, recall: clusterable ? recalled / clusterable : 1, people: byPerson.size, identities: byTruth.size, unassigned };
}

function bump<K>(m: Map<K, number> | undefined, k: K) {
  const out = m ?? new Map<K, number>();
  return out.set(k, (out.get(k) ?? 0) + 1);
}
