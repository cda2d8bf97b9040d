// Small seeded PRNG (mulberry32): dream sheets, tests and the depth-data generator are reproducible
// from a seed. Shared by src/dream (jitter) and training/depth (scene sampling).
export type Rng = () => number; // uniform in [0,1)

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
