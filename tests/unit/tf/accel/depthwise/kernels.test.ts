import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledCount, depthwiseFn, MAX_MODULES, depthwiseGradModuleBytes, depthwiseModuleBytes, type DepthwiseAct } from '../../../../../src/tf/accel/depthwise/module';
import { depthwiseGradOnHeap, depthwiseOnHeap } from '../../../../../src/tf/accel/depthwise/kernels';
import { heapMemory } from '../../../../../src/tf/accel/internals';
import { isOverridden } from '../../../../../src/tf/registry';
import { installWasmAccelerator } from '../../../../../src/tf';
import { seededRng } from '../../../../../src/dream/transforms';
import { fusedConv, registerFusedConvOps, type FusedConvAttrs } from '../../../../../src/tf/ops';
import { wasm } from '../../../dream/helpers';
import { heapBackends, withOptions } from '../../helpers';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case { x: [number, number, number, number]; k: number; stride: number; pad: Pad; act: DepthwiseAct; bias: boolean }
const cases: Case[] = [
  { x: [1, 16, 16, 8], k: 5, stride: 1, pad: 'same', act: 'relu6', bias: true }, // ow a multiple of the 4-pixel block
  { x: [1, 11, 9, 4], k: 5, stride: 2, pad: 'same', act: 'relu', bias: true }, // odd sizes: 1 pixel after the blocks
  { x: [2, 10, 14, 12], k: 5, stride: 1, pad: 'valid', act: 'linear', bias: true }, // batch 2, 2 pixels after the blocks
  { x: [1, 13, 15, 4], k: 5, stride: 2, pad: [[0, 0], [1, 2], [2, 1], [0, 0]], act: 'relu6', bias: true }, // explicit, asymmetric; 3 after
  { x: [1, 9, 7, 16], k: 5, stride: 1, pad: 'same', act: 'linear', bias: false }, // plain DepthwiseConv2dNative
  { x: [1, 12, 12, 8], k: 7, stride: 3, pad: 'same', act: 'relu', bias: true },
];

const attrs = (cs: Case): FusedConvAttrs => ({ strides: [cs.stride, cs.stride], pad: cs.pad, dilations: [1, 1], activation: cs.act, leakyreluAlpha: 0.2 });

function inputs(cs: Case, seed: number) {
  const rng = seededRng(seed);
  const rand = (n: number, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rng());
  const c = cs.x[3];
  const x = tf.tensor4d(rand(cs.x.reduce((p, q) => p * q, 1)), cs.x);
  const w = tf.tensor4d(rand(cs.k * cs.k * c, -2, 2), [cs.k, cs.k, c, 1]);
  const b = tf.tensor1d(rand(c, -1, 3));
  return { x, w, b, rand };
}

/** Output and input gradient of act(depthwise(x) + b), on whatever backend is active. */
function run(cs: Case, seed: number) {
  return tf.tidy(() => {
    const { x, w, b, rand } = inputs(cs, seed);
    const f = (v: tf.Tensor4D) => (cs.bias ? fusedConv(v, w, b, attrs(cs), true) : tf.depthwiseConv2d(v, w, cs.stride, cs.pad)); // as the dream graphs run them
    const y = f(x);
    const dy = tf.tensor(rand(y.size), y.shape);
    const gx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v as tf.Tensor4D), dy)))(x);
    return { y: y.dataSync() as Float32Array, gx: gx.dataSync() as Float32Array };
  });
}
const maxErr = (a: Float32Array, b: Float32Array) => { let e = 0; for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i])); return e; };

describe('generated SIMD depthwise convs on the wasm heap (src/tf/accel/depthwise)', () => {
  beforeAll(async () => { await wasm(); registerFusedConvOps(); });
  afterAll(async () => { installWasmAccelerator(); await tf.setBackend('wasm'); });

  it('emits modules that validate, and refuses channels that are not a multiple of 4', () => {
    const s = { oh: 5, ow: 7, h: 10, w: 13, kh: 5, kw: 5, sh: 2, sw: 2, top: 2, left: 1, c: 8, bias: true, act: 'relu6' as const };
    expect(WebAssembly.validate(depthwiseModuleBytes(s))).toBe(true);
    expect(WebAssembly.validate(depthwiseModuleBytes({ ...s, bias: false, act: 'linear', ow: 3, w: 4, h: 3 }))).toBe(true); // no interior pixels
    const g = { ...s, bias: false, act: 'linear' as const };
    expect(WebAssembly.validate(depthwiseGradModuleBytes(g))).toBe(true);
    expect(() => depthwiseModuleBytes({ ...s, c: 6 })).toThrow(/multiple of 4/);
    expect(() => depthwiseGradModuleBytes({ ...g, c: 6 })).toThrow(/multiple of 4/);
  });

  it('keeps at most MAX_MODULES compiled geometries per memory', () => {
    const memory = heapMemory(heapBackends().simd);
    const tiny = (h: number) => ({ oh: 1, ow: 1, h, w: 1, kh: 1, kw: 1, sh: 1, sw: 1, top: 0, left: 0, c: 4, bias: false, act: 'linear' as const });
    const start = compiledCount(memory);
    for (let h = 1; h <= MAX_MODULES - start; h++) expect(depthwiseFn(memory, tiny(h))).not.toBeNull();
    expect(compiledCount(memory)).toBe(MAX_MODULES);
    expect(depthwiseFn(memory, tiny(1))).not.toBeNull(); // cached: no growth
    expect(compiledCount(memory)).toBe(MAX_MODULES);
    expect(depthwiseFn(memory, tiny(MAX_MODULES + 1))).not.toBeNull(); // one more: the cache starts over
    expect(compiledCount(memory)).toBe(1);
  });

  it('is on for wasm after useBackend, and comes out with the accelerator\'s simdDepthwise option', () => {
    for (const k of ['DepthwiseConv2dNative', 'FusedDepthwiseConv2D']) expect(isOverridden('wasm', k)).toBe(true);
    withOptions({ simdDepthwise: false }, {}, () => {
      for (const k of ['DepthwiseConv2dNative', 'FusedDepthwiseConv2D']) expect(isOverridden('wasm', k)).toBe(false);
    });
    expect(isOverridden('wasm', 'DepthwiseConv2dNative')).toBe(true);
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i: output and input gradient match cpu, with the generated kernels and without', async (i, cs) => {
    await tf.setBackend('cpu');
    const want = run(cs, 10 + i);
    await tf.setBackend('wasm');
    for (const on of [true, false]) {
      withOptions({ simdDepthwise: on }, {}, () => {
        run(cs, 10 + i); // the gradient's flipped filters are cached per weight and freed one call after it
        const before = tf.memory().numTensors;
        const ids = tf.engine().backend.numDataIds();
        const got = run(cs, 10 + i);
        expect(tf.memory().numTensors).toBe(before);
        expect(tf.engine().backend.numDataIds()).toBe(ids); // nothing left on the heap: the padded copies are freed
        expect(maxErr(got.y, want.y)).toBeLessThan(1e-4);
        expect(maxErr(got.gx, want.gx)).toBeLessThan(1e-4);
      });
    }
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i: the generated kernels take it (not the fallback)', (i, cs) => {
    const { simd } = heapBackends();
    tf.tidy(() => {
      const { x, w, b } = inputs(cs, 10 + i);
      const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
      const y = depthwiseOnHeap(simd, info(x), info(w), cs.bias ? info(b) : undefined, { strides: cs.stride, pad: cs.pad, activation: cs.act });
      expect(y).not.toBeNull();
      const yt = tf.engine().makeTensorFromTensorInfo(y!);
      const ref = cs.bias ? fusedConv(x, w, b, attrs(cs), true) : tf.depthwiseConv2d(x, w, cs.stride, cs.pad);
      expect(maxErr(yt.dataSync() as Float32Array, ref.dataSync() as Float32Array)).toBeLessThan(1e-4);
      const dx = depthwiseGradOnHeap(simd, info(ref), info(w), cs.x, { strides: cs.stride, pad: cs.pad });
      if (cs.stride === 1) expect(dx).toBeNull(); // stride 1 goes through the forward kernel with the flipped filter
      else {
        expect(dx).not.toBeNull();
        // the kernel without the generated ones: stride phases over XNNPACK's depthwise conv
        const want = withOptions({ simdDepthwise: false }, {}, () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: ref, filter: w }, { strides: cs.stride, pad: cs.pad, dilations: 1, inputShape: cs.x }) as tf.Tensor);
        expect(maxErr(tf.engine().makeTensorFromTensorInfo(dx!).dataSync() as Float32Array, want.dataSync() as Float32Array)).toBeLessThan(1e-4);
      }
    });
  });

  it('one attrs object (as a replay passes) on other shapes, or changed in place, still gets its own geometry', () => {
    const { simd } = heapBackends();
    tf.tidy(() => {
      const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
      const a: { strides: number; pad: 'same' | 'valid'; activation: DepthwiseAct } = { strides: 1, pad: 'same', activation: 'linear' };
      const check = (cs: Case) => {
        const { x, w } = inputs(cs, 3);
        const y = depthwiseOnHeap(simd, info(x), info(w), undefined, a);
        expect(y).not.toBeNull();
        const want = tf.depthwiseConv2d(x, w, cs.stride, cs.pad);
        expect(y!.shape).toEqual(want.shape);
        expect(maxErr(tf.engine().makeTensorFromTensorInfo(y!).dataSync() as Float32Array, want.dataSync() as Float32Array)).toBeLessThan(1e-4);
      };
      check({ x: [1, 8, 8, 4], k: 3, stride: 1, pad: 'same', act: 'linear', bias: false });
      check({ x: [1, 12, 10, 8], k: 3, stride: 1, pad: 'same', act: 'linear', bias: false }); // another input
      check({ x: [1, 12, 10, 8], k: 5, stride: 1, pad: 'same', act: 'linear', bias: false }); // another filter
      a.strides = 2;
      check({ x: [1, 12, 10, 8], k: 5, stride: 2, pad: 'same', act: 'linear', bias: false });
      a.pad = 'valid';
      check({ x: [1, 12, 10, 8], k: 5, stride: 2, pad: 'valid', act: 'linear', bias: false });
    });
  });

  it('leaves what it was not written for to XNNPACK', () => {
    const { simd } = heapBackends();
    tf.tidy(() => {
      const t = (shape: number[]) => tf.ones(shape);
      const info = (x: tf.Tensor) => ({ dataId: x.dataId, shape: x.shape, dtype: x.dtype });
      const a = { strides: 1, pad: 'same' as const };
      expect(depthwiseOnHeap(simd, info(t([1, 8, 8, 6])), info(t([5, 5, 6, 1])), undefined, a)).toBeNull(); // C % 4
      expect(depthwiseOnHeap(simd, info(t([1, 8, 8, 4])), info(t([5, 5, 4, 2])), undefined, a)).toBeNull(); // channel multiplier 2
      expect(depthwiseOnHeap(simd, info(t([1, 12, 12, 4])), info(t([5, 5, 4, 1])), undefined, { ...a, dilations: 2 })).toBeNull();
      expect(depthwiseOnHeap(simd, info(t([1, 8, 8, 4])), info(t([5, 5, 4, 1])), undefined, { ...a, activation: 'leakyrelu' })).toBeNull();
      expect(depthwiseOnHeap(simd, info(t([1, 8, 8, 4])), info(t([5, 5, 4, 1])), undefined, { ...a, dataFormat: 'NCHW' })).toBeNull();
    });
  });
});
