import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { zoom, zoomSourceCoord } from '../../../src/dream/zoom';
import { wasm } from './helpers';

// A linear ramp is reproduced exactly by bilinear sampling, so the zoomed image must equal the ramp evaluated
// at the analytic source coordinate of each output pixel centre (clamped to the edge centres).
const H = 12, W = 16;
const ramp = (x: number, y: number, c: number) => 0.01 * x + 0.02 * y + 0.1 * c;
function rampImage(): tf.Tensor4D {
  const v = new Float32Array(H * W * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) v[(y * W + x) * 3 + c] = ramp(x, y, c);
  return tf.tensor4d(v, [1, H, W, 3]);
}
const clamp = (v: number, n: number) => Math.min(Math.max(v, 0), n - 1);

describe('zoom', () => {
  beforeAll(wasm);

  it('maps output pixel centres to (f + (q − f)/s) exactly', () => {
    expect(zoomSourceCoord(0, 10, 1, 0.3)).toBeCloseTo(0, 12);
    expect(zoomSourceCoord(9, 10, 1, 0.3)).toBeCloseTo(9, 12);
    // the focus (in edge coordinates) is a fixed point: q = f ⇒ source = f·n − ½
    expect(zoomSourceCoord(4.5 - 0.5, 10, 2, 0.45)).toBeCloseTo(0.45 * 10 - 0.5, 12);
    // magnifying by 2 about the centre halves distances from the centre
    expect(zoomSourceCoord(0, 10, 2, 0.5)).toBeCloseTo(4.5 - 4.5 / 2, 12);
  });

  it.each([
    [1.05, [0.5, 0.5]], [1.5, [0.25, 0.7]], [2, [0, 0]], [1.3, [1, 1]], [1.1, [0.9, 0.1]],
  ] as const)('matches the analytic transform: s=%f focus=%j', (s, focus) => {
    const img = rampImage();
    const out = zoom(img, s, focus);
    const px = out.dataSync();
    let err = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) {
      const sx = clamp(zoomSourceCoord(x, W, s, focus[0]), W);
      const sy = clamp(zoomSourceCoord(y, H, s, focus[1]), H);
      err = Math.max(err, Math.abs(px[(y * W + x) * 3 + c] - ramp(sx, sy, c)));
    }
    expect(err).toBeLessThan(1e-5);
    img.dispose(); out.dispose();
  });

  it('is the identity at s = 1', () => {
    const img = rampImage();
    const out = zoom(img, 1, [0.3, 0.8]);
    expect(tf.max(tf.abs(tf.sub(out, img))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([img, out]);
  });

  it('rejects bad factors and foci', () => {
    const img = rampImage();
    expect(() => zoom(img, 0.9, [0.5, 0.5])).toThrow('zoom: factor must be a finite number ≥ 1, got 0.9');
    expect(() => zoom(img, 1.1, [1.2, 0.5])).toThrow('zoom: focus must be in [0,1]², got (1.2, 0.5)');
    img.dispose();
  });

  it('does not leak', () => {
    const img = rampImage();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) zoom(img, 1.05, [0.4, 0.6]).dispose();
    expect(tf.memory().numTensors).toBe(before);
    img.dispose();
  });
});
