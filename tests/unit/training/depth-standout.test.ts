// The "what the dream draws stands out" check of scripts/eval-depth.ts (issue 28): figures nearer than the ring
// around them, and how big a step the relief makes there.
import { describe, it, expect } from 'vitest';
import { standsOut, summariseStandOut, depthMetrics } from '../../../scripts/depth/metrics.ts';

const S = 48;
/** A disc of figure (disparity 0.5) on a wall (0.1); the top rows are sky (0). */
function scene(): { truth: Float32Array; mask: Uint8Array } {
  const truth = new Float32Array(S * S), mask = new Uint8Array(S * S);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const p = y * S + x, inside = Math.hypot(x - 24, y - 28) < 8;
    truth[p] = y < 6 ? 0 : inside ? 0.5 : 0.1;
    mask[p] = inside ? 255 : 0;
  }
  return { truth, mask };
}

describe('stands-out check', () => {
  it('says the figure is nearer when the prediction puts it in front, with the truth\'s contrast', () => {
    const { truth, mask } = scene();
    const t = standsOut(truth, truth, mask, S)!;
    expect(t.nearer).toBe(true);
    expect(t.contrast).toBeCloseTo(1, 6); // (0.5 − 0.1) / (0.5 − 0.1): the ring is all wall
    // an affine copy of the truth stands out by the same contrast
    const pred = truth.map((v) => 3 * v - 1);
    expect(standsOut(pred, truth, mask, S)!.contrast).toBeCloseTo(t.contrast, 6);
  });

  it('catches a figure pushed behind its surroundings', () => {
    const { truth, mask } = scene();
    const inverted = truth.map((v) => -v);
    const r = standsOut(inverted, truth, mask, S)!;
    expect(r.nearer).toBe(false);
    expect(r.contrast).toBeLessThan(0);
    // the whole-image metrics see it too: a negative best-fit scale
    expect(depthMetrics(inverted, truth)!.freeScale).toBeLessThan(0);
  });

  it('skips images whose figures are too small to judge, and averages the rest', () => {
    const { truth } = scene();
    const speck = new Uint8Array(S * S);
    speck[30 * S + 30] = 255;
    expect(standsOut(truth, truth, speck, S)).toBeNull();
    const s = summariseStandOut([{ nearer: true, contrast: 0.4 }, { nearer: false, contrast: -0.2 }]);
    expect(s).toEqual({ images: 2, nearer: 0.5, contrast: expect.closeTo(0.1, 9) as number });
  });
});
