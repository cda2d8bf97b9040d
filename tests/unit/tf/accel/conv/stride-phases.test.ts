import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axisPhases } from '../../../../../src/tf/accel/conv/stride-phases';
import { interleavePhasesOnHeap } from '../../../../../src/tf/accel/heap/copy';
import { clearDerivedFilters, derivedFilterCount } from '../../../../../src/tf/overrides/compose';
import { installWasmAccelerator } from '../../../../../src/tf';
import { seededRng } from '../../../../../src/dream/transforms';
import { wasm } from '../../../dream/helpers';
import { withOptions } from '../../helpers';

describe('stride phases of a conv\'s input gradient', () => {
  beforeAll(wasm);
  afterAll(() => { installWasmAccelerator(); });

  it('axisPhases, by hand: forward i = 2o + k − p, so dx[2q + r] meets the taps k ≡ r + p (mod 2)', () => {
    // 8 → 4, K 3, SAME (p 0): dx[2q] = dy[q]·w0 + dy[q−1]·w2; dx[2q+1] = dy[q]·w1.
    expect(axisPhases(8, 4, 3, 2, 0)).toEqual([
      { r: 0, c: 0, taps: 2, count: 4, before: 1, after: 0, lead: 0 },
      { r: 1, c: 1, taps: 1, count: 4, before: 0, after: 0, lead: 0 },
    ]);
    // 7 → 4, K 3, SAME (p 1): dx[2q] = dy[q]·w1; dx[2q+1] = dy[q+1]·w0 + dy[q]·w2 (3 samples).
    expect(axisPhases(7, 4, 3, 2, 1)).toEqual([
      { r: 0, c: 1, taps: 1, count: 4, before: 0, after: 0, lead: 0 },
      { r: 1, c: 0, taps: 2, count: 3, before: 0, after: 0, lead: 0 },
    ]);
    // A 1-tap filter at stride 2: the odd samples get no tap (their dx is zero).
    expect(axisPhases(6, 3, 1, 2, 0).map((p) => p.taps)).toEqual([1, 0]);
  });

  it.each([2, 4])('interleaves phase parts into their strided places, zero where a phase is missing (%i channels: copyWithin, SIMD)', async (C) => {
    await tf.setBackend('wasm');
    const part = (v: number, h: number, w: number) => tf.fill([1, h, w, C], v);
    // dx 5×4 at stride 2×2: rows 0,2,4 / 1,3; columns 0,2 / 1,3. Phase (1,1) missing.
    const parts = [part(1, 3, 2), part(2, 3, 2), part(3, 2, 2)];
    const b = tf.backend() as unknown as Parameters<typeof interleavePhasesOnHeap>[0];
    const out = tf.engine().makeTensorFromTensorInfo(interleavePhasesOnHeap(b, [{ part: parts[0], ry: 0, rx: 0 }, { part: parts[1], ry: 0, rx: 1 }, { part: parts[2], ry: 1, rx: 0 }], [1, 5, 4, C], 2, 2, true));
    const v = out.dataSync();
    const at = (y: number, x: number) => v[(y * 4 + x) * C + C - 1];
    expect([0, 1, 2, 3, 4].map((y) => [0, 1, 2, 3].map((x) => at(y, x)))).toEqual([[1, 2, 1, 2], [3, 0, 3, 0], [1, 2, 1, 2], [3, 0, 3, 0], [1, 2, 1, 2]]);
    expect(() => interleavePhasesOnHeap(b, [{ part: parts[0], ry: 1, rx: 0 }], [1, 5, 4, C], 2, 2, true)).toThrow(/does not fit/);
    tf.dispose([...parts, out]);
  });

  it('gives zero-insertion\'s gradients (conv and depthwise), with one filter per phase, and frees its temporaries', async () => {
    await tf.setBackend('wasm');
    const rng = seededRng(4);
    const rand = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1), shape);
    const x = rand([1, 17, 16, 8]), w = rand([3, 3, 8, 6]), dw = rand([3, 3, 8, 1]);
    const grads = () => tf.tidy(() => [
      tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.conv2d(v as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'))))(x),
      tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(v as tf.Tensor4D, dw as tf.Tensor4D, 2, 'same'))))(x),
    ].map((g) => Array.from(g.dataSync())));
    const backend = tf.backend();
    // simdDepthwise off: else strided depthwise gradients are one scatter pass (../depthwise/kernels.test.ts)
    clearDerivedFilters(backend);
    const plain = withOptions({ simdDepthwise: false, stridePhases: false }, {}, grads);
    expect(derivedFilterCount(backend)).toBe(2); // one flipped filter per weight
    clearDerivedFilters(backend);
    const before = tf.memory().numDataBuffers;
    const phased = withOptions({ simdDepthwise: false }, {}, grads);
    expect(derivedFilterCount(backend)).toBe(8); // 2×2 phases per weight
    clearDerivedFilters(backend);
    expect(tf.memory().numDataBuffers).toBe(before);
    for (const k of [0, 1]) {
      let err = 0, scale = 0;
      for (let j = 0; j < plain[k].length; j++) { err = Math.max(err, Math.abs(phased[k][j] - plain[k][j])); scale = Math.max(scale, Math.abs(plain[k][j])); }
      expect(scale).toBeGreaterThan(1);
      expect(err).toBeLessThan(1e-5 * scale);
    }
    tf.dispose([x, w, dw]);
  });
});
