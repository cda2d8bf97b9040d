import { describe, expect, it } from 'vitest';
import { onTheLine, pairedRatios, quantile } from '../../../scripts/bench/spread';

describe('paired-ratio spread (bench rows)', () => {
  it('interpolates quantiles between neighbours (type 7)', () => {
    const s = [1, 2, 3, 4];
    expect(quantile(s, 0)).toBe(1);
    expect(quantile(s, 1)).toBe(4);
    expect(quantile(s, 0.5)).toBe(2.5);
    expect(quantile(s, 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile([7], 0.75)).toBe(7);
    expect(() => quantile([], 0.5)).toThrow('no samples');
    expect(() => quantile(s, 1.5)).toThrow('q must be in [0, 1]');
  });

  it('pairs each round\'s numerator with its own denominator, not the sorted ones', () => {
    // the load doubles in round 2: both jobs slow down together, so the paired ratio stays 0.2 every round,
    // while the ratio of medians (or of unpaired quantiles) would mix rounds
    const depth = [20, 40, 22, 21, 44];
    const keyframe = [100, 200, 110, 105, 220];
    const s = pairedRatios(depth, keyframe);
    expect(s).toEqual({ median: 0.2, q1: 0.2, q3: 0.2, n: 5 });
    expect(pairedRatios([2, 4], [1, 1], 0.5)).toEqual({ median: 1.5, q1: 1.25, q3: 1.75, n: 2 });
    expect(() => pairedRatios([1], [1, 2])).toThrow('1 numerators for 2 denominators');
  });

  it('calls a row on the line when its quartiles straddle the target', () => {
    const s = pairedRatios([18, 19, 20, 21, 22], [100, 100, 100, 100, 100]); // 0.18 … 0.22
    expect(s.q1).toBeCloseTo(0.19, 12);
    expect(s.q3).toBeCloseTo(0.21, 12);
    expect(onTheLine(s, 0.2)).toBe(true);
    expect(onTheLine(s, 0.25)).toBe(false);
    expect(onTheLine(s, 0.15)).toBe(false);
  });
});
