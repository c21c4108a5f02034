// A tiny seeded PRNG (mulberry32) for what must come out the same on every run: the near-duplicate
// hyperplanes (the same library always gives the same groups), synthetic faces, seeded bench photos.
// Not for anything that must be unpredictable.

/** Uniform numbers in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
