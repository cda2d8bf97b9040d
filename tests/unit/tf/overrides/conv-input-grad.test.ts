import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installOverrides, installWasmAccelerator, type AcceleratorOptions } from '../../../../src/tf';
import { backpropPath, COL2IM_MAX_IN_CHANNELS } from '../../../../src/tf/accel/conv/input-grad';
import { isOverridden } from '../../../../src/tf/registry';
import { seededRng } from '../../../../src/dream/transforms';
import { clearDerivedFilters, derivedFilterCount, SWEEP_EVERY, sweepDerivedFilters } from '../../../../src/tf/overrides/compose';
import { wasm } from '../../dream/helpers';
import { withOptions } from '../helpers';

interface Case { h: number; w: number; cin: number; cout: number; kh: number; kw: number; stride: number | [number, number]; pad: 'same' | 'valid' }
const cases: Case[] = [];
for (const stride of [1, 2]) for (const pad of ['same', 'valid'] as const) for (const [kh, kw] of [[1, 1], [3, 3], [5, 3]])
  cases.push({ h: 9 + stride, w: 8, cin: 3, cout: 5, kh, kw, stride, pad });
// The same geometries with more input channels than COL2IM_MAX_IN_CHANNELS: the forward-conv path.
for (const stride of [1, 2]) for (const pad of ['same', 'valid'] as const) cases.push({ h: 9 + stride, w: 8, cin: 6, cout: 5, kh: 3, kw: 3, stride, pad });
cases.push({ h: 33, w: 31, cin: 3, cout: 8, kh: 3, kw: 3, stride: 2, pad: 'same' }); // odd sizes, MobileNet's stem
cases.push({ h: 17, w: 18, cin: 5, cout: 6, kh: 5, kw: 3, stride: [2, 1], pad: 'valid' }); // unequal strides
cases.push({ h: 16, w: 16, cin: 24, cout: 144, kh: 1, kw: 1, stride: 1, pad: 'same' }); // expand 1×1
cases.push({ h: 7, w: 7, cin: 4, cout: 4, kh: 3, kw: 3, stride: 3, pad: 'same' }); // stride > 2, odd

/** d sum(conv(x)·dy) / dx: its Conv2DBackpropInput is the only backend kernel that differs between runs. */
function inputGrad(cs: Case, seed: number): Float32Array {
  const rng = seededRng(seed);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);
  return tf.tidy(() => {
    const x = tf.tensor4d(rand(cs.h * cs.w * cs.cin), [1, cs.h, cs.w, cs.cin]);
    const f = tf.tensor4d(rand(cs.kh * cs.kw * cs.cin * cs.cout), [cs.kh, cs.kw, cs.cin, cs.cout]);
    const y = tf.conv2d(x, f, cs.stride, cs.pad);
    const dy = tf.tensor(rand(y.size), y.shape);
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, f, cs.stride, cs.pad), dy)))(x);
    return g.dataSync() as Float32Array;
  });
}

describe('wasm Conv2DBackpropInput as a forward conv', () => {
  beforeAll(wasm);
  afterAll(() => { installOverrides('wasm'); installWasmAccelerator(); });

  it('is what useBackend(wasm) installs, the accelerator\'s paths above it; each layer comes out on its own', () => {
    const kernel = () => tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc;
    const top = kernel();
    expect(isOverridden('wasm', 'Conv2DBackpropInput')).toBe(true);
    installOverrides('wasm');
    installWasmAccelerator();
    expect(kernel()).toBe(top); // the same options again: nothing re-registered
    try {
      installWasmAccelerator({ convInputGrad: false });
      const composite = kernel();
      expect(composite).not.toBe(top);
      installOverrides('wasm', { convInputGradAsConv: false });
      expect(isOverridden('wasm', 'Conv2DBackpropInput')).toBe(false); // wasm's own
      expect(kernel()).not.toBe(composite);
    } finally {
      installOverrides('wasm');
      installWasmAccelerator();
    }
    expect(isOverridden('wasm', 'Conv2DBackpropInput')).toBe(true);
  });

  // The accelerator's paths (col2im, stride phases) over the composite; the composite alone; wasm's own.
  const modes: [string, AcceleratorOptions | 'off', boolean][] = [['accelerated', {}, true], ['composite', 'off', true], ['wasm\'s own', 'off', false]];
  it.each(modes.flatMap(([m, o, asConv]) => cases.map((c, i) => [m, i, `${c.h}×${c.w}×${c.cin}→${c.cout} k${c.kh}×${c.kw} s${c.stride} ${c.pad}`, o, asConv, c] as const)))('%s: matches cpu, case %i (%s)', async (_m, i, _name, options, asConv, cs) => {
    await tf.setBackend('cpu');
    const want = inputGrad(cs, 200 + i);
    await tf.setBackend('wasm');
    withOptions(options, { convInputGradAsConv: asConv }, () => {
      const before = tf.memory().numTensors;
      const got = inputGrad(cs, 200 + i);
      expect(tf.memory().numTensors).toBe(before);
      expect(got.length).toBe(want.length);
      let err = 0, scale = 0;
      for (let j = 0; j < got.length; j++) { err = Math.max(err, Math.abs(got[j] - want[j])); scale = Math.max(scale, Math.abs(want[j])); }
      expect(scale).toBeGreaterThan(0.1); // a real gradient, not zeros on both sides
      expect(err).toBeLessThan(1e-4 * Math.max(1, scale));
    });
  });

  it('stems (≤ COL2IM_MAX_IN_CHANNELS input channels) take the matmul + col2im path on wasm, wider convs the conv; cpu keeps its own', async () => {
    await tf.setBackend('wasm');
    expect(COL2IM_MAX_IN_CHANNELS).toBeGreaterThanOrEqual(3); // RGB stems
    expect(backpropPath(3)).toBe('col2im');
    expect(backpropPath(COL2IM_MAX_IN_CHANNELS + 1)).toBe('conv');
    expect(isOverridden('cpu', 'Conv2DBackpropInput')).toBe(false); // no wasm heap to scatter into
  });

  it('frees a freed weight\'s derived filters within SWEEP_EVERY lookups, or at sweepDerivedFilters (a model\'s dispose)', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    clearDerivedFilters(backend);
    const base = tf.memory().numDataBuffers;
    const x = tf.ones([1, 10, 8, 6]) as tf.Tensor4D, keep = tf.randomNormal([3, 3, 6, 5]) as tf.Tensor4D;
    const grad = (w: tf.Tensor4D) => tf.dispose(tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.conv2d(v as tf.Tensor4D, w, 2, 'same')))(x)));
    grad(keep);
    const per = derivedFilterCount(backend); // one filter per stride phase
    expect(per).toBeGreaterThan(0);
    for (const sweep of [false, true]) {
      const gone = tf.randomNormal([3, 3, 6, 5]) as tf.Tensor4D;
      grad(gone);
      expect(derivedFilterCount(backend)).toBe(2 * per);
      gone.dispose();
      if (sweep) sweepDerivedFilters(backend);
      else {
        grad(keep); // known filters: no sweep on this call
        expect(derivedFilterCount(backend)).toBe(2 * per);
        for (let i = 0; i < SWEEP_EVERY / per && derivedFilterCount(backend) > per; i++) grad(keep);
      }
      expect(derivedFilterCount(backend)).toBe(per);
    }
    tf.dispose([x, keep]);
    sweepDerivedFilters(backend);
    expect(derivedFilterCount(backend)).toBe(0);
    expect(tf.memory().numDataBuffers).toBe(base);
  });

  it('flips a weight once: later backward passes reuse it, and it is freed after the weight', async () => {
    const rng = seededRng(9);
    const rand = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);
    const vals = { wide: rand(3 * 3 * 6 * 5), stem: rand(3 * 3 * 3 * 8), x6: rand(10 * 8 * 6), x3: rand(12 * 12 * 3) };
    const make = () => ({ wide: tf.tensor4d(vals.wide, [3, 3, 6, 5]), stem: tf.tensor4d(vals.stem, [3, 3, 3, 8]), x6: tf.tensor4d(vals.x6, [1, 10, 8, 6]), x3: tf.tensor4d(vals.x3, [1, 12, 12, 3]) });
    const grads = (t: ReturnType<typeof make>) => [
      tf.tidy(() => Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.conv2d(v as tf.Tensor4D, t.wide, 2, 'same'))))(t.x6).dataSync())),
      tf.tidy(() => Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.conv2d(v as tf.Tensor4D, t.stem, 2, 'same'))))(t.x3).dataSync())),
    ];
    await tf.setBackend('cpu');
    const onCpu = make();
    const want = grads(onCpu);
    tf.dispose(Object.values(onCpu));
    await tf.setBackend('wasm');
    const backend = tf.backend();
    clearDerivedFilters(backend);
    const base = tf.memory().numDataBuffers;
    const t = make();
    const first = grads(t);
    expect(derivedFilterCount(backend)).toBe(5); // the stride-2 conv: one per phase (2×2); the stem: one for col2im
    const second = grads(t);
    expect(derivedFilterCount(backend)).toBe(5);
    expect(second).toEqual(first);
    for (const k of [0, 1]) for (let j = 0; j < want[k].length; j++) expect(Math.abs(first[k][j] - want[k][j])).toBeLessThan(1e-4);
    tf.dispose(Object.values(t));
    expect(derivedFilterCount(backend)).toBe(5); // freed at the next call on this backend
    tf.dispose(tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.conv2d(v as tf.Tensor4D, tf.ones([1, 1, 5, 2]) as tf.Tensor4D, 1, 'same')))(tf.ones([1, 4, 4, 5]))));
    expect(derivedFilterCount(backend)).toBe(1); // only the (now freed) ones filter of that call
    clearDerivedFilters(backend);
    expect(derivedFilterCount(backend)).toBe(0);
    expect(tf.memory().numDataBuffers).toBe(base);
  });

  it('frees its intermediates in the backend (no data left behind over many calls)', async () => {
    await tf.setBackend('wasm');
    const cs = cases[cases.length - 1];
    inputGrad(cs, 1); // warm
    const before = tf.memory();
    for (let i = 0; i < 5; i++) inputGrad(cs, 2 + i);
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(after.numBytes).toBe(before.numBytes);
  });
});
