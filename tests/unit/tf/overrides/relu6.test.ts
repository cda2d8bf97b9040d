import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installOverrides } from '../../../../src/tf';
import { RELU6_GRAD } from '../../../../src/tf/ops/names';
import { wasm } from '../../dream/helpers';

// x spans negatives, (0,6) and beyond 6, avoiding exactly 0 (where the two subgradients differ by design).
const xs = Float32Array.from({ length: 4 * 6 * 6 * 3 }, (_, i) => ((i * 7919) % 211) / 211 * 16 - 5 + (i % 211 === 0 ? 0.01 : 0));
const dys = Float32Array.from({ length: xs.length }, (_, i) => Math.sin(i) * 2);

/** TF.js's own Relu6 gradient formula, by hand. */
const reference = () => tf.tidy(() => {
  const x = tf.tensor4d(xs, [4, 6, 6, 3]);
  return tf.mul(tf.tensor(dys, x.shape), tf.cast(tf.mul(tf.lessEqual(x, 6), tf.step(x)), 'float32')).dataSync() as Float32Array;
});
const viaGrad = () => tf.tidy(() => {
  const x = tf.tensor4d(xs, [4, 6, 6, 3]);
  const dy = tf.tensor(dys, x.shape);
  return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu6(v), dy)))(x).dataSync() as Float32Array;
});

describe('Relu6 gradient (3 kernels, 1 on wasm)', () => {
  beforeAll(wasm);

  it('is registered by useBackend, and installing the overrides again changes nothing', () => {
    const ours = tf.getGradient('Relu6')!;
    expect(ours.outputsToSave).toEqual([true]); // ours reads Relu6's output; TF.js's only its input
    installOverrides('wasm');
    expect(tf.getGradient('Relu6')).toBe(ours);
  });

  it.each(['wasm', 'cpu'])('equals TF.js\'s formula on %s, without leaks', async (backend) => {
    await tf.setBackend(backend);
    const want = reference();
    expect(want.some((v) => v === 0) && want.some((v) => v !== 0)).toBe(true); // both sides of the mask occur
    const before = tf.memory().numTensors;
    const got = viaGrad();
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it('runs one fused kernel in the backward pass on wasm, 3 elsewhere; never a comparison with a broadcast scalar', async () => {
    const backward = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.randomUniform([1, 8, 8, 4], -3, 9);
      const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(tf.relu6(v)))(x));
      x.dispose();
      return info.kernels.map((k) => k.name);
    };
    const wasmNames = await backward('wasm');
    expect(wasmNames).toContain(RELU6_GRAD);
    for (const k of ['Equal', 'Cast', 'LessEqual', 'Step']) expect(wasmNames).not.toContain(k);
    const cpuNames = await backward('cpu');
    expect(cpuNames).toContain('Equal');
    expect(cpuNames).not.toContain(RELU6_GRAD);
    expect(cpuNames).not.toContain('LessEqual');
    expect(cpuNames).not.toContain('Step');
    await tf.setBackend('wasm');
  });

  it('can be switched back to TF.js\'s own (the bench\'s stock runs) and on again', async () => {
    await tf.setBackend('wasm');
    const kernels = async () => { const x = tf.randomUniform([1, 4, 4, 2], -3, 9); const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(tf.relu6(v)))(x)); x.dispose(); return info.kernels.map((k) => k.name); };
    installOverrides('wasm', { relu6Grad: false });
    try {
      expect(tf.getGradient('Relu6')!.outputsToSave).toBeUndefined(); // TF.js's
      expect(await kernels()).toContain('LessEqual');
      expect(Array.from(viaGrad())).toEqual(Array.from(reference()));
    } finally {
      installOverrides('wasm');
    }
    expect(tf.getGradient('Relu6')!.outputsToSave).toEqual([true]);
    expect(await kernels()).not.toContain('LessEqual');
  });
});
