import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installOverrides, type AcceleratorOptions } from '../../../../src/tf';
import { isOverridden } from '../../../../src/tf/registry';
import { seededRng } from '../../../../src/dream/transforms';
import { wasm } from '../../dream/helpers';
import { withOptions } from '../helpers';

interface Case { h: number; w: number; c: number; m: number; k: number; stride: number; pad: 'same' | 'valid'; dilation: number }
const cases: Case[] = [];
for (const stride of [1, 2]) for (const pad of ['same', 'valid'] as const) for (const m of [1, 2]) for (const k of [3, 5])
  cases.push({ h: 9 + stride, w: 8, c: 3, m, k, stride, pad, dilation: 1 });
cases.push({ h: 16, w: 16, c: 4, m: 1, k: 3, stride: 2, pad: 'same', dilation: 1 });
// Stride phases (src/tf/accel/conv/stride-phases.ts): odd sizes, stride 3, a filter smaller than the stride (empty phases).
// (TF.js has no depthwise gradient for dilations > 1.)
cases.push({ h: 33, w: 31, c: 8, m: 1, k: 3, stride: 2, pad: 'same', dilation: 1 });
cases.push({ h: 11, w: 13, c: 4, m: 1, k: 5, stride: 3, pad: 'same', dilation: 1 });
cases.push({ h: 10, w: 9, c: 4, m: 2, k: 1, stride: 2, pad: 'valid', dilation: 1 });

function inputGrad(cs: Case, seed: number): Float32Array {
  const rng = seededRng(seed);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);
  return tf.tidy(() => {
    const x = tf.tensor4d(rand(cs.h * cs.w * cs.c), [1, cs.h, cs.w, cs.c]);
    const f = tf.tensor4d(rand(cs.k * cs.k * cs.c * cs.m), [cs.k, cs.k, cs.c, cs.m]);
    const y = tf.depthwiseConv2d(x, f, cs.stride, cs.pad, 'NHWC', cs.dilation);
    const dy = tf.tensor(rand(y.size), y.shape);
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(xx as tf.Tensor4D, f, cs.stride, cs.pad, 'NHWC', cs.dilation), dy)))(x);
    return g.dataSync() as Float32Array;
  });
}

describe('wasm DepthwiseConv2dNativeBackpropInput', () => {
  beforeAll(wasm);

  it('is registered once (wasm has none of its own), the accelerator\'s paths above it', () => {
    const top = tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')!.kernelFunc;
    expect(isOverridden('wasm', 'DepthwiseConv2dNativeBackpropInput')).toBe(true);
    installOverrides('wasm');
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')!.kernelFunc).toBe(top);
    withOptions('off', {}, () => {
      const composite = tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')!.kernelFunc;
      expect(composite).not.toBe(top);
      installOverrides('wasm', { convInputGradAsConv: false }); // other overrides' options: the composite stays
      expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBeDefined();
    });
    expect(isOverridden('cpu', 'DepthwiseConv2dNativeBackpropInput')).toBe(false); // cpu has its own
  });

  // The composite alone (accelerator off), with the stride phases above it, and the scatter kernel above those.
  const modes: [string, AcceleratorOptions | 'off'][] = [['composite', 'off'], ['phases', { simdDepthwise: false }], ['accelerated', {}]];
  it.each(modes.flatMap(([m, o]) => cases.map((c, i) => [m, i, o, c] as const)))('%s: matches cpu, case %i', async (_m, i, options, cs) => {
    await tf.setBackend('cpu');
    const want = inputGrad(cs, 100 + i);
    await tf.setBackend('wasm');
    withOptions(options, {}, () => {
      const before = tf.memory().numTensors;
      const got = inputGrad(cs, 100 + i);
      expect(tf.memory().numTensors).toBe(before);
      expect(got.length).toBe(want.length);
      let err = 0;
      for (let j = 0; j < got.length; j++) err = Math.max(err, Math.abs(got[j] - want[j]));
      expect(err).toBeLessThan(1e-4);
      expect(want.some((v) => v !== 0)).toBe(true);
    });
  });
});
