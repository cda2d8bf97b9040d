import { describe, it, expect } from 'vitest';
import {
  ComfortGovernor, disparityUv, budgetUv, meshAngleScale, meshDisplacement, meshDisparityRad, angularDisparity,
  MIN_IPD_M,
} from '../../../src/stereo';

const RAD = Math.PI / 180;

/** The governor settled on a gaze depth: its (k, z0), as the mesh reads them. */
function settled(gazeDepth: number, cfg: ConstructorParameters<typeof ComfortGovernor>[0] = {}): ComfortGovernor {
  const g = new ComfortGovernor(cfg);
  for (let i = 0; i < 600; i++) g.update(1 / 60, gazeDepth, 0);
  return g;
}

describe('mesh stereo depth (displacement from the comfort governor)', () => {
  it('gives every depth the angular disparity the warp gives it, so the budget holds', () => {
    for (const gaze of [0.5, 0.2, 0.85]) {
      for (const budgetDeg of [1, 0.5, 2]) {
        const g = settled(gaze, { maxDisparityDeg: budgetDeg });
        const a = meshAngleScale(g.scale, g.config.screenFovDeg);
        expect(g.scale).toBeGreaterThan(0);
        let worst = 0;
        for (const dist of [2.5, 2.8, 3.4]) for (const ipd of [0.055, 0.063, 0.072]) for (let d = 0; d <= 1.0001; d += 0.05) {
          const delta = meshDisplacement(d, g.z0, a, ipd, dist);
          const seen = angularDisparity(delta, ipd, dist);
          const warp = disparityUv(d, g.z0, g.scale) * g.config.screenFovDeg * RAD; // warp's disparity, rad
          if (warp > -0.9 * ipd / dist) expect(seen).toBeCloseTo(warp, 10); // exactly the warp's
          else expect(seen).toBeGreaterThan(warp); // clamped short of divergence: less disparity
          worst = Math.max(worst, Math.abs(seen));
          // near (d < z0) comes towards the eyes, far goes back
          if (d < g.z0 - 1e-9) expect(delta).toBeGreaterThan(0);
          if (d > g.z0 + 1e-9) expect(delta).toBeLessThan(0);
        }
        expect(worst).toBeLessThanOrEqual(budgetUv(g.config) * g.config.screenFovDeg * RAD * (1 + 1e-9));
        expect(worst).toBeGreaterThan(0.9 * budgetDeg * RAD * Math.min(g.z0, 1 - g.z0) / Math.max(g.z0, 1 - g.z0));
      }
    }
  });

  it('keeps the surface under the gaze on the screen (zero parallax at z0)', () => {
    const g = settled(0.3);
    expect(g.z0).toBeCloseTo(0.3, 6);
    expect(meshDisplacement(0.3, g.z0, meshAngleScale(g.scale, 65), 0.063, 2.5)).toBeCloseTo(0, 12);
  });

  it('matches the small-angle rule Δ ≈ θ·D²/b for small disparities, and 1° at 2.5 m is about 1.1 m', () => {
    const theta = 0.001 * RAD; // 0.001°: θ·D/b = 0.07 %
    const a = theta / 0.5; // per depth unit, z0 − d = 0.5
    expect(meshDisplacement(0, 0.5, a, 0.063, 2.5) / ((theta * 2.5 * 2.5) / 0.063)).toBeCloseTo(1, 2); // within 0.5 %
    // 1° crossed at 2.5 m with b = 63 mm: vergence 1.44° → 2.44°, i.e. the point at ~1.48 m
    const delta = meshDisplacement(0, 0.5, (1 * RAD) / 0.5, 0.063, 2.5);
    expect(2.5 - delta).toBeCloseTo(0.063 / (0.063 / 2.5 + RAD), 6);
  });

  it('sizes for at least MIN_IPD_M, so a smaller (or zero) reported IPD never exceeds the budget', () => {
    const a = meshAngleScale(budgetUv({ maxDisparityDeg: 1, screenFovDeg: 65, reducedMotion: false }) / 0.5, 65);
    for (const ipd of [0, 0.02, MIN_IPD_M]) {
      const delta = meshDisplacement(0, 0.5, a, ipd, 2.5);
      expect(Number.isFinite(delta)).toBe(true);
      expect(delta).toBeLessThan(2.5);
      expect(angularDisparity(delta, ipd, 2.5)).toBeLessThanOrEqual(1 * RAD + 1e-12);
    }
    // and the far side never asks for a point beyond infinity
    expect(meshDisparityRad(1, 0, 1, 0.063, 2.5)).toBeCloseTo(-0.9 * 0.063 / 2.5, 12);
    expect(Number.isFinite(meshDisplacement(1, 0, 1, 0.063, 2.5))).toBe(true);
  });

});
