import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { budgetedDepth, createDepthCadence, createDepthStabilizer, validateDepthCadenceConfig, warpByZoom, type DepthEstimator } from '../../../src/depth/index.ts';
import { depthTestBackend } from './helpers.ts';

/** `n` keyframes of `dreamMs` each with a net of `netMs`: which ran it, and depth's share of the dream time. */
function simulate(dreamMs: number, netMs: number, n: number, config = {}) {
  const c = createDepthCadence(config);
  const ran: boolean[] = [];
  let depthMs = 0;
  for (let i = 0; i < n; i++) {
    const run = c.runNet();
    ran.push(run);
    if (run) depthMs += netMs;
    c.record(dreamMs, run ? netMs : null);
  }
  return { ran, share: depthMs / (dreamMs * n), c };
}

describe('depth cadence (src/depth/cadence.ts)', () => {
  it('validates its config', () => {
    expect(() => validateDepthCadenceConfig({ share: 0 })).toThrow('share must be in (0, 1], got 0');
    expect(() => validateDepthCadenceConfig({ maxSkip: 1.5 })).toThrow('maxSkip must be an integer >= 0, got 1.5');
    expect(() => createDepthCadence().record(-1, null)).toThrow('dreamMs must be >= 0, got -1');
  });

  it('runs the net on every keyframe while it costs less than its share of the dream', () => {
    const { ran, share } = simulate(140, 22, 50); // the viewer's 160² keyframe here
    expect(ran.every(Boolean)).toBe(true);
    expect(share).toBeCloseTo(22 / 140, 5);
  });

  it('holds depth to its share when the dream is fast, skipping as few keyframes as that allows', () => {
    const { ran, share, c } = simulate(94, 22, 300); // 128² with the replayed gradient: 0.23 unbudgeted
    expect(share).toBeLessThanOrEqual(0.18 + 22 / (94 * 300)); // within one run (the first, free) of the budget
    expect(share).toBeGreaterThan(0.17);
    expect(ran[0]).toBe(true);
    expect(c.runs + c.skips).toBe(300);
    expect(c.skips).toBeGreaterThan(20);
    expect(ran.join().includes('false,false')).toBe(false); // never two in a row here: a skip pays for most of a run
  });

  it('runs the net at least every maxSkip + 1 keyframes however expensive it is, and after a reset', () => {
    const { ran } = simulate(10, 100, 40, { maxSkip: 2 });
    for (let i = 0; i + 2 < ran.length; i++) expect(ran.slice(i, i + 3).some(Boolean)).toBe(true);
    expect(ran.filter(Boolean).length).toBeLessThanOrEqual(Math.ceil(40 / 3) + 1);
    const c = createDepthCadence({ maxSkip: 2 });
    c.record(10, 100); // the first map: free
    expect(c.runNet()).toBe(true);
    c.record(10, 100);
    expect(c.runNet()).toBe(false);
    c.reset();
    expect(c.runNet()).toBe(true); // a new dream has no map to warp
    expect(simulate(10, 100, 10, { maxSkip: 0 }).ran.every(Boolean)).toBe(true);
  });

  it('budgetedDepth: the net fused with the warped previous map while the budget pays, the warp alone when not', async () => {
    await depthTestBackend();
    let calls = 0;
    const estimator = { estimate: () => { calls++; return tf.fill([6, 8], 0.25 * calls) as tf.Tensor2D; } } as unknown as DepthEstimator;
    const stabilizer = createDepthStabilizer();
    const cadence = createDepthCadence({ maxSkip: 2 });
    const img = tf.zeros([6, 8, 3]) as tf.Tensor3D;
    const zoom = { scale: 1.1, focus: [0.5, 0.5] as [number, number] };
    const first = budgetedDepth(estimator, stabilizer, cadence, img, zoom, 0); // the first map: always, and free
    expect(first.ran).toBe(true);
    const second = budgetedDepth(estimator, stabilizer, cadence, img, zoom, 0); // credit 0: runs, and is charged
    expect(second.ran).toBe(true);
    const before = tf.tidy(() => warpByZoom(second.depth, zoom));
    const third = budgetedDepth(estimator, stabilizer, cadence, img, zoom, 0); // no dream time: nothing to pay with
    expect(third.ran).toBe(false);
    expect(calls).toBe(2);
    expect(Array.from(third.depth.dataSync())).toEqual(Array.from(before.dataSync()));
    tf.dispose([first.depth, second.depth, third.depth, before, img]);
    stabilizer.dispose();
  });
});
