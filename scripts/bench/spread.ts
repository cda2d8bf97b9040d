// How much a bench ratio moves from round to round. The jobs of a row run interleaved (a, b, a, b, …), so each
// round gives one paired ratio a_i / b_i measured seconds apart, under the same load; the row's value stays the
// ratio of the medians, and this adds the paired ratios' median and quartiles. A row whose quartiles straddle its
// target is "on the line": the verdict would flip with the machine's load (e.g. rounds reading 0.18–0.20 against B3's 0.2).
// Pure, so a unit test can check it on hand-made samples.

export interface Spread { median: number; q1: number; q3: number; n: number }

/** The q-quantile of ascending `sorted`, interpolated between neighbours (R's type 7, numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no samples');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${q}`);
  const h = (sorted.length - 1) * q, lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Median and quartiles of num_i / den_i, times `scale` (e.g. FLOPs over the reference's FLOPs). */
export function pairedRatios(num: readonly number[], den: readonly number[], scale = 1): Spread {
  if (num.length !== den.length) throw new Error(`pairedRatios: ${num.length} numerators for ${den.length} denominators`);
  const r = num.map((v, i) => (scale * v) / den[i]).sort((a, b) => a - b);
  return { median: quantile(r, 0.5), q1: quantile(r, 0.25), q3: quantile(r, 0.75), n: r.length };
}

/** True when the interquartile range holds values on both sides of the target (or touches it). */
export function onTheLine(s: Spread, target: number): boolean {
  return s.q1 <= target && target <= s.q3;
}
