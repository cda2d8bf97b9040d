import { describe, it, expect } from 'vitest';
import { FocusSmoother, shapeTarget, validateFocusSmootherConfig, DEFAULT_FOCUS_SMOOTHER_CONFIG, type FocusUV } from '../../../src/gaze/smoothing';

describe('validateFocusSmootherConfig', () => {
  it('fills defaults and copies', () => {
    const c = validateFocusSmootherConfig();
    expect(c).toEqual(DEFAULT_FOCUS_SMOOTHER_CONFIG);
    expect(c).not.toBe(DEFAULT_FOCUS_SMOOTHER_CONFIG);
    expect(validateFocusSmootherConfig({ timeConstantSec: 0.5 }).timeConstantSec).toBe(0.5);
  });
  it('throws with exact messages', () => {
    expect(() => validateFocusSmootherConfig({ timeConstantSec: 0 })).toThrow('FocusSmoother timeConstantSec must be in (0, 10] s, got 0');
    expect(() => validateFocusSmootherConfig({ margin: 0.5 })).toThrow('FocusSmoother margin must be in [0, 0.5), got 0.5');
    expect(() => validateFocusSmootherConfig({ deadZone: 0.46 })).toThrow('FocusSmoother deadZone must be in [0, 0.5 - margin)');
    expect(() => validateFocusSmootherConfig({ deadZone: NaN })).toThrow('deadZone');
  });
});

describe('FocusSmoother', () => {
  const noShape = { deadZone: 0, margin: 0 };

  it('converges to the target', () => {
    const s = new FocusSmoother(noShape);
    for (let i = 0; i < 400; i++) s.update([0.8, 0.3], 1 / 60);
    expect(s.focus[0]).toBeCloseTo(0.8, 6);
    expect(s.focus[1]).toBeCloseTo(0.3, 6);
  });

  it('never overshoots a step (critically damped) and moves monotonically', () => {
    const s = new FocusSmoother(noShape);
    let prev = 0.5;
    for (let i = 0; i < 600; i++) {
      const [u] = s.update([0.9, 0.5], 1 / 90);
      expect(u).toBeGreaterThanOrEqual(prev);
      expect(u).toBeLessThanOrEqual(0.9);
      prev = u;
    }
    expect(prev).toBeGreaterThan(0.899);
  });

  it('covers the textbook share of a step after one time constant: 1 − 2/e', () => {
    const s = new FocusSmoother({ ...noShape, timeConstantSec: 0.25 });
    s.update([1, 0.5], 0.25);
    expect((s.focus[0] - 0.5) / 0.5).toBeCloseTo(1 - 2 / Math.E, 10);
  });

  it('is dt-independent: one step of 0.1 s ≈ ten of 0.01 s, also mid-flight', () => {
    const a = new FocusSmoother(noShape), b = new FocusSmoother(noShape);
    a.update([0.9, 0.1], 0.05); b.update([0.9, 0.1], 0.05); // both moving
    a.update([0.9, 0.1], 0.1);
    for (let i = 0; i < 10; i++) b.update([0.9, 0.1], 0.01);
    expect(a.focus[0]).toBeCloseTo(b.focus[0], 9);
    expect(a.focus[1]).toBeCloseTo(b.focus[1], 9);
  });

  it('is stable for huge dt (lands on the target, no blow-up)', () => {
    const s = new FocusSmoother(noShape);
    s.update([0.2, 0.7], 1000);
    expect(s.focus[0]).toBeCloseTo(0.2, 9);
    expect(s.focus[1]).toBeCloseTo(0.7, 9);
  });

  it('null target keeps drifting to the last one', () => {
    const s = new FocusSmoother(noShape);
    s.update([0.8, 0.5], 0.05);
    const mid = s.focus[0];
    for (let i = 0; i < 200; i++) s.update(null, 0.02);
    expect(mid).toBeLessThan(0.7);
    expect(s.focus[0]).toBeCloseTo(0.8, 4);
  });

  it('dead zone: small offsets from the centre stay at the centre, larger ones move continuously', () => {
    const s = new FocusSmoother({ deadZone: 0.05, margin: 0 });
    s.update([0.53, 0.47], 100);
    expect(s.focus).toEqual([0.5, 0.5]);
    const out: FocusUV = [0, 0];
    // Continuous at the rim: just outside it maps just off the centre.
    shapeTarget(0.5 + 0.0501, 0.5, 0.05, 0, out);
    expect(out[0] - 0.5).toBeGreaterThan(0);
    expect(out[0] - 0.5).toBeLessThan(0.001);
    // Edges stay reachable; the mapping is monotonic along a ray.
    shapeTarget(1, 0.5, 0.05, 0, out);
    expect(out[0]).toBeCloseTo(1, 12);
    shapeTarget(0, 0, 0.05, 0, out);
    expect(out[0]).toBeCloseTo(0, 12);
    expect(out[1]).toBeCloseTo(0, 12);
    let prev = 0.5;
    for (let u = 0.5; u <= 1; u += 0.01) {
      shapeTarget(u, 0.5, 0.05, 0, out);
      expect(out[0]).toBeGreaterThanOrEqual(prev);
      prev = out[0];
    }
  });

  it('clamps to the image with a margin', () => {
    const s = new FocusSmoother({ deadZone: 0, margin: 0.1 });
    s.update([0, 1], 100);
    expect(s.focus[0]).toBeCloseTo(0.1, 12);
    expect(s.focus[1]).toBeCloseTo(0.9, 12);
    s.update([-5, 7], 100);
    expect(s.focus[0]).toBeCloseTo(0.1, 12);
    expect(s.focus[1]).toBeCloseTo(0.9, 12);
  });

  it('reset jumps, hold stops where it is', () => {
    const s = new FocusSmoother(noShape);
    s.reset([0.3, 0.6]);
    expect(s.focus).toEqual([0.3, 0.6]);
    s.update([0.9, 0.6], 0.1);
    const here = s.focus[0];
    s.hold();
    s.update(null, 10);
    expect(s.focus[0]).toBe(here);
  });

  it('returns the same array every update and rejects bad dt', () => {
    const s = new FocusSmoother();
    expect(s.update([0.6, 0.6], 0.01)).toBe(s.update(null, 0.01));
    expect(() => s.update(null, -1)).toThrow('FocusSmoother.update: dtSec must be a finite number ≥ 0, got -1');
    expect(() => s.update(null, NaN)).toThrow('got NaN');
  });
});
