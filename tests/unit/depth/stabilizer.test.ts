import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createDepthStabilizer, warpByZoom, validateDepthStabilizerConfig, type ZoomStep } from '../../../src/depth/index.ts';
import { depthTestBackend } from './helpers.ts';

const H = 48, W = 64;
/** A smooth "scene" depth field over normalised coords, sampled after a cumulative zoom. */
function field(scale: number, focus: [number, number]): tf.Tensor2D {
  const v = new Float32Array(H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    // pixel (x,y) of a view zoomed by `scale` about focus shows field point f + (p − f)/scale
    const u = focus[0] + ((x / (W - 1)) - focus[0]) / scale, w = focus[1] + ((y / (H - 1)) - focus[1]) / scale;
    v[y * W + x] = 0.5 + 0.3 * Math.sin(3 * u) * Math.cos(2 * w) + 0.15 * w;
  }
  return tf.tensor2d(v, [H, W]);
}
const rmse = async (a: tf.Tensor, b: tf.Tensor) => { const d = tf.tidy(() => a.sub(b).square().mean().sqrt()); const v = (await d.data())[0]; d.dispose(); return v; };
const maxAbs = async (a: tf.Tensor, b: tf.Tensor) => { const d = tf.tidy(() => a.sub(b).abs().max()); const v = (await d.data())[0]; d.dispose(); return v; };

describe('temporal depth stabiliser', () => {
  beforeAll(depthTestBackend);

  it('validates its config', () => {
    expect(() => validateDepthStabilizerConfig({ alpha: 0 })).toThrow('alpha must be in (0, 1], got 0');
    expect(() => warpByZoom(tf.zeros([2, 2]) as tf.Tensor2D, { scale: 0, focus: [0.5, 0.5] })).toThrow('zoom scale must be > 0, got 0');
    expect(() => warpByZoom(tf.zeros([2, 2]) as tf.Tensor2D, { scale: 1, focus: [1.5, 0.5] })).toThrow('zoom focus must be in [0,1]², got [1.5, 0.5]');
  });

  it('warps by the zoom: identity at scale 1, matches the analytic zoom otherwise', async () => {
    const f0 = field(1, [0.3, 0.6]);
    const same = warpByZoom(f0, { scale: 1, focus: [0.3, 0.6] });
    expect(await maxAbs(same, f0)).toBeLessThan(1e-5);
    const zoomed = warpByZoom(f0, { scale: 1.25, focus: [0.3, 0.6] });
    const truth = field(1.25, [0.3, 0.6]);
    expect(await maxAbs(zoomed, truth)).toBeLessThan(5e-3);
    [f0, same, zoomed, truth].forEach((t) => t.dispose());
  });

  it('converges under a static zoom and damps per-frame noise', async () => {
    const zoom: ZoomStep = { scale: 1.05, focus: [0.45, 0.55] };
    const stab = createDepthStabilizer({ alpha: 0.4 });
    const before = tf.memory().numTensors;
    let errFused = 0, errRaw = 0;
    for (let k = 0; k < 30; k++) {
      const truth = field(zoom.scale ** k, zoom.focus);
      // a noisy prediction whose global scale/shift also wobbles (per-keyframe normalisation)
      const noisy = tf.tidy(() => truth.mul(1 + 0.1 * Math.sin(k)).add(0.05 * Math.cos(k)).add(tf.randomNormal([H, W], 0, 0.05, 'float32', k)) as tf.Tensor2D);
      const fused = stab.fuse(noisy, zoom);
      if (k >= 20) { errFused += await rmse(fused, truth); errRaw += await rmse(noisy, truth); }
      [truth, noisy, fused].forEach((t) => t.dispose());
    }
    expect(errFused).toBeLessThan(0.6 * errRaw);
    // noise-free: the fused map converges to the consistent prediction
    stab.reset();
    let last = 1;
    for (let k = 0; k < 25; k++) {
      const truth = field(zoom.scale ** k, zoom.focus);
      const fused = stab.fuse(truth, zoom);
      last = await maxAbs(fused, truth);
      [truth, fused].forEach((t) => t.dispose());
    }
    expect(last).toBeLessThan(1e-2);
    stab.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps its state when fuse() runs inside the caller\'s tf.tidy (as in the dream worker)', async () => {
    const stab = createDepthStabilizer();
    const before = tf.memory().numTensors;
    const zoom: ZoomStep = { scale: 1.1, focus: [0.5, 0.5] };
    for (let k = 0; k < 3; k++) {
      const out = tf.tidy(() => stab.fuse(tf.fill([H, W], 0.5) as tf.Tensor2D, zoom));
      expect(out.isDisposed).toBe(false);
      out.dispose();
    }
    expect(tf.memory().numTensors).toBe(before + 1); // the stabiliser's own previous map
    stab.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('predict(): the previous map warped by the zoom, kept as the next previous one; null before any map', async () => {
    const stab = createDepthStabilizer();
    const zoom: ZoomStep = { scale: 1.25, focus: [0.3, 0.6] };
    expect(stab.predict(zoom)).toBeNull();
    const before = tf.memory().numTensors;
    const f0 = field(1, [0.3, 0.6]);
    stab.fuse(f0, zoom).dispose(); // the first map is taken as it is
    const p1 = stab.predict(zoom)!;
    const truth = field(1.25, [0.3, 0.6]);
    expect(await maxAbs(p1, truth)).toBeLessThan(5e-3);
    // the prediction became the previous map: fusing the next exact map keeps it exact
    const f2 = field(1.25 * 1.25, [0.3, 0.6]);
    const fused = stab.fuse(f2, zoom);
    expect(await maxAbs(fused, f2)).toBeLessThan(1e-2);
    [f0, p1, truth, f2, fused].forEach((t) => t.dispose());
    expect(tf.memory().numTensors).toBe(before + 1); // its own previous map only
    stab.reset();
    expect(stab.predict(zoom)).toBeNull();
    stab.dispose();
  });

  it('keeps the depth contrast over a long zoom with imperfect predictions (no flattening drift)', async () => {
    const zoom: ZoomStep = { scale: 1.01, focus: [0.5, 0.5] };
    const stab = createDepthStabilizer();
    let truthStd = 0, fusedStd = 0;
    for (let k = 0; k < 60; k++) {
      const truth = field(zoom.scale ** k, zoom.focus);
      const noisy = tf.tidy(() => truth.add(tf.randomNormal([H, W], 0, 0.05, 'float32', 100 + k)) as tf.Tensor2D);
      const fused = stab.fuse(noisy, zoom);
      if (k === 59) {
        const s = tf.tidy(() => tf.stack([tf.moments(truth).variance.sqrt(), tf.moments(fused).variance.sqrt()]));
        [truthStd, fusedStd] = Array.from(await s.data());
        s.dispose();
      }
      [truth, noisy, fused].forEach((t) => t.dispose());
    }
    expect(fusedStd).toBeGreaterThan(0.8 * truthStd);
    stab.dispose();
  });
});
