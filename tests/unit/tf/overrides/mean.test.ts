import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installOverrides } from '../../../../src/tf';
import { FILL_LIKE } from '../../../../src/tf/ops/names';
import { seededRng } from '../../../../src/dream/transforms';
import { wasm } from '../../dream/helpers';

const rng = seededRng(3);
const xs = Float32Array.from({ length: 2 * 5 * 6 * 4 }, () => rng() * 4 - 2);
const dys = Float32Array.from({ length: xs.length }, () => rng() * 2 - 1);
type Shape = [number, number, number, number];
// (batch 2 unless named; the repeat path takes the ones whose reduced axes lead: all, batch, and 1×H,W(×1))
const cases: [string, number | number[] | undefined, boolean, Shape?][] = [
  ['all', undefined, false], ['H,W keepDims', [1, 2], true], ['last', -1, false], ['batch', 0, true],
  ['H,W keepDims, batch 1 (squeeze-excite)', [1, 2], true, [1, 5, 6, 4]], ['H,W, batch 1', [1, 2], false, [1, 5, 6, 4]],
  ['W, batch 1', 2, true, [1, 5, 6, 4]], ['W, batch 1 height 1', 2, false, [1, 1, 6, 4]],
];

/** d/dx of sum(mean(x, axis)² · w) for a fixed w: the objective's shape of use, reduced in several ways. */
const grad = (axis: number | number[] | undefined, keepDims: boolean, shape: Shape = [2, 5, 6, 4]) => tf.tidy(() => {
  const n = shape.reduce((a, b) => a * b);
  const x = tf.tensor4d(xs.subarray(0, n), shape), d = tf.tensor4d(dys.subarray(0, n), shape);
  const m = tf.mean(tf.mul(x, d), axis, keepDims);
  const w = tf.linspace(0.5, 1.5, m.size).reshape(m.shape);
  return Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.square(tf.mean(tf.mul(v, d), axis, keepDims)), w)))(x).dataSync());
});

describe('Mean gradient without a JS tensor of ones (reduced axes leading, on wasm)', () => {
  beforeAll(wasm);
  afterAll(() => { installOverrides('wasm'); });

  it.each(['wasm', 'cpu'])('equals TF.js\'s own exactly on %s, every reduction, without leaks', async (backend) => {
    await tf.setBackend(backend);
    for (const [name, axis, keep, shape] of cases) {
      installOverrides('wasm', { meanGrad: false });
      const want = grad(axis, keep, shape);
      installOverrides('wasm');
      const before = tf.memory().numTensors;
      const got = grad(axis, keep, shape);
      expect(tf.memory().numTensors).toBe(before);
      expect(got, name).toEqual(want);
      expect(got.some((v) => v !== 0)).toBe(true);
    }
    await tf.setBackend('wasm');
  });

  it('fills dy/n on the heap for a full mean and an H,W pooling (wasm) instead of multiplying by ones, and toggles', async () => {
    await tf.setBackend('wasm');
    const kernels = async () => {
      const x = tf.randomUniform([1, 8, 8, 16]);
      const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.mean(tf.square(v)))(x));
      x.dispose();
      return info.kernels.map((k) => `${k.name} ${JSON.stringify(k.inputShapes)}`);
    };
    const ours = await kernels();
    expect(ours.some((k) => k.startsWith(FILL_LIKE))).toBe(true);
    expect(ours.some((k) => k.startsWith('Multiply [[1,1,1,1],[1,8,8,16]]'))).toBe(false);
    // and a squeeze-excite pooling's: dy [1,1,1,16] repeated over 8×8
    const x = tf.randomUniform([1, 8, 8, 16]);
    const se = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.mean(v, [1, 2], true))))(x));
    x.dispose();
    expect(se.kernels.map((k) => `${k.name} ${JSON.stringify(k.inputShapes)}`)).toContain(`${FILL_LIKE} [[1,1,1,16]]`);
    const ourGrad = tf.getGradient('Mean');
    installOverrides('wasm', { meanGrad: false });
    expect(tf.getGradient('Mean')).not.toBe(ourGrad);
    expect((await kernels()).some((k) => k.startsWith('Multiply [[1,1,1,1],[1,8,8,16]]'))).toBe(true);
    installOverrides('wasm');
    const again = tf.getGradient('Mean');
    expect((await kernels()).some((k) => k.startsWith(FILL_LIKE))).toBe(true);
    installOverrides('wasm');
    expect(tf.getGradient('Mean')).toBe(again); // the same options again: nothing re-registered
  });
});
