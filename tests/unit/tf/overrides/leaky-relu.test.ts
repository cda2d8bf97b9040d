import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installOverrides } from '../../../../src/tf';
import { LEAKY_RELU_GRAD } from '../../../../src/tf/ops/names';
import { leakyReluGradOnHeap } from '../../../../src/tf/accel/heap/elementwise';
import { seededRng } from '../../../../src/dream/transforms';
import { wasm } from '../../dream/helpers';
import { heapBackends } from '../helpers';

const data = (n: number, seed: number) => { const r = seededRng(seed); return { xs: Float32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 0 : r() * 6 - 3)), dys: Float32Array.from({ length: n }, () => r() * 2 - 1) }; };
const grad = (shape: number[], alpha: number) => tf.tidy(() => {
  const { xs, dys } = data(shape.reduce((a, b) => a * b, 1), 4);
  const x = tf.tensor(xs, shape), dy = tf.tensor(dys, shape);
  return Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, alpha), dy)))(x).dataSync());
});

describe('LeakyRelu gradient in one kernel (wasm)', () => {
  beforeAll(wasm);
  afterAll(() => { installOverrides('wasm'); });

  it.each([[[1, 8, 8, 16], 0.1], [[1, 5, 7, 3], 0.2], [[13], 0.01], [[2, 16, 16, 24], 0.1]] as const)('%j alpha %f: TF.js\'s own gradient on cpu exactly (x = 0 included), no leaks', async (shape, alpha) => {
    await tf.setBackend('cpu');
    installOverrides('wasm', { leakyReluGrad: false });
    const want = grad([...shape], alpha);
    installOverrides('wasm');
    await tf.setBackend('wasm');
    grad([...shape], alpha);
    const before = tf.memory();
    const got = grad([...shape], alpha);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    expect(got).toEqual(want);
  });

  it('runs one kernel on wasm, TF.js\'s three on cpu; the JS fallback gives the same values', async () => {
    const names = async () => { const x = tf.randomUniform([1, 4, 4, 4], -2, 2); const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(tf.leakyRelu(v, 0.1)))(x)); x.dispose(); return info.kernels.map((k) => k.name); };
    await tf.setBackend('wasm');
    const w = await names();
    expect(w).toContain(LEAKY_RELU_GRAD);
    for (const k of ['Greater', 'Select']) expect(w).not.toContain(k);
    await tf.setBackend('cpu');
    expect(await names()).toEqual(expect.arrayContaining(['Greater', 'Select']));
    await tf.setBackend('wasm');
    const { simd: b, noSimd } = heapBackends();
    const { xs, dys } = data(105, 8);
    const x = tf.tensor(xs, [1, 5, 7, 3]), dy = tf.tensor(dys, [1, 5, 7, 3]);
    const simd = tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x }, { alpha: 0.2 }) as tf.Tensor;
    const js = tf.engine().makeTensorFromTensorInfo(leakyReluGradOnHeap(noSimd, dy, x, 0.2));
    expect(Array.from(js.dataSync())).toEqual(Array.from(simd.dataSync()));
    tf.dispose([x, dy, simd, js]);
  });
});
