import { describe, it, expect } from 'vitest';
import { ComfortGovernor, budgetUv, disparityScaleFor, disparityUv, validateComfortConfig, DEFAULT_COMFORT_CONFIG } from '../../../src/stereo/comfort';

describe('disparity math', () => {
  it('1° on a 65° screen is 1/65 of its width; reduced motion halves it', () => {
    expect(budgetUv(DEFAULT_COMFORT_CONFIG)).toBeCloseTo(1 / 65, 12);
    expect(budgetUv({ ...DEFAULT_COMFORT_CONFIG, reducedMotion: true })).toBeCloseTo(0.5 / 65, 12);
  });
  it('the full-strength scale puts the extreme depth exactly on the budget, zero at z0', () => {
    const c = validateComfortConfig();
    for (const z0 of [0, 0.2, 0.5, 0.9]) {
      const k = disparityScaleFor(z0, c);
      const worst = Math.max(Math.abs(disparityUv(0, z0, k)), Math.abs(disparityUv(1, z0, k)));
      expect(worst).toBeLessThanOrEqual(budgetUv(c) + 1e-12);
      expect(disparityUv(z0, z0, k)).toBe(0);
    }
    expect(disparityUv(0, 0.5, 1)).toBeGreaterThan(0); // near = crossed = positive
  });
});

describe('ComfortGovernor', () => {
  it('never exceeds the budget, for any gaze depths and speeds', () => {
    const g = new ComfortGovernor({ maxScaleRate: 50, maxConvergenceRate: 50 });
    let r = 3;
    const rand = () => ((r = (r * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 3000; i++) {
      g.update(1 / 72, rand(), rand() * 0.3);
      expect(g.maxDisparityUv()).toBeLessThanOrEqual(budgetUv(g.config) + 1e-12);
    }
  });
  it('moves the zero-parallax plane to the gaze depth at a limited rate', () => {
    const g = new ComfortGovernor({ maxConvergenceRate: 0.4 });
    g.update(0.1, 0.9, 0);
    expect(g.z0).toBeCloseTo(0.54, 9);
    for (let i = 0; i < 100; i++) g.update(0.1, 0.9, 0);
    expect(g.z0).toBeCloseTo(0.9, 9);
  });
  it('ramps depth in gently and flattens during fast zoom-speed changes', () => {
    const g = new ComfortGovernor();
    g.update(0.1, 0.5, 0.1);
    const first = g.scale;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(disparityScaleFor(0.5, g.config));
    for (let i = 0; i < 50; i++) g.update(0.1, 0.5, 0.1);
    const steady = g.scale;
    expect(steady).toBeCloseTo(disparityScaleFor(0.5, g.config), 9);
    // zoom speed jumps by 0.5/s each frame for 1 s: depth eases toward flat
    let speed = 0.1;
    for (let i = 0; i < 10; i++) g.update(0.1, 0.5, (speed += 0.05));
    expect(g.scale).toBeLessThan(steady * 0.5);
  });
  it('validates its config with exact messages', () => {
    expect(() => validateComfortConfig({ maxDisparityDeg: 5 })).toThrow('maxDisparityDeg must be in [0, 3], got 5');
    expect(() => validateComfortConfig({ strength: 2 })).toThrow('strength must be in [0, 1], got 2');
  });
});
