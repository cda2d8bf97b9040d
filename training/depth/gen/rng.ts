// Seeded PRNG (mulberry32) and a seed mixer, so every image is a pure function of (dataset seed, index).
// The project's one PRNG (src/dream/rng.ts), under the name this generator has always used.
import type { Rng } from '../../../src/dream/rng.ts';
export { seededRng as mulberry32, type Rng } from '../../../src/dream/rng.ts';

/** Mix two integers into one 32-bit seed (splitmix-style avalanche). */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a >>> 0, 0x9e3779b1) ^ Math.imul((b >>> 0) + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export const uniform = (r: Rng, lo: number, hi: number): number => lo + (hi - lo) * r();
export const randint = (r: Rng, lo: number, hiIncl: number): number => lo + Math.floor(r() * (hiIncl - lo + 1));
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
/** Pick a key with probability proportional to its weight. */
export function weighted<K extends string>(r: Rng, w: Record<K, number>): K {
  const keys = Object.keys(w) as K[];
  let total = 0;
  for (const k of keys) total += w[k];
  let x = r() * total;
  for (const k of keys) {
    x -= w[k];
    if (x <= 0) return k;
  }
  return keys[keys.length - 1];
}
