import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceleratorOptions, acceleratorStatus, ascentUpdate, DEFAULT_ACCELERATOR, installWasmAccelerator, removeWasmAccelerator, roll, useBackend } from '../../../../src/tf';
import { readInternals } from '../../../../src/tf/accel/internals';
import { HEAP_KERNELS } from '../../../../src/tf/accel/heap/kernels';
import { isOverridden } from '../../../../src/tf/registry';
import { ASCENT_UPDATE, ROLL } from '../../../../src/tf/ops/names';
import { seededRng } from '../../../../src/dream/transforms';
import { WASM_DIR, wasm } from '../../dream/helpers';

/** Every kernel the accelerator registers with all its options on. */
const ACCELERATED = [...HEAP_KERNELS, 'Identity', 'Cast', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D', 'DepthwiseConv2dNativeBackpropInput', 'Conv2DBackpropInput'];
/** Of those, the ones src/tf/overrides registers beneath the accelerator's paths (composed input gradients). */
const COMPOSITES = ['DepthwiseConv2dNativeBackpropInput', 'Conv2DBackpropInput'];
/** An ascent update and a roll of a seeded image: what the dream step runs through the accelerator's kernels. */
const step = () => tf.tidy(() => {
  const r = seededRng(5);
  const x = tf.tensor4d(Float32Array.from({ length: 16 * 12 * 3 }, () => r()), [1, 16, 12, 3]);
  const g = tf.tensor4d(Float32Array.from({ length: 16 * 12 * 3 }, () => r() - 0.5), [1, 16, 12, 3]);
  return Array.from(roll(ascentUpdate(x, g, 0.02), 3, -5).dataSync());
});

describe('installWasmAccelerator', () => {
  beforeAll(wasm);
  afterAll(async () => { await wasm(); installWasmAccelerator(); });

  it('is what useBackend(wasm) installs, every option on, and says so', () => {
    expect(acceleratorStatus()).toEqual({ on: true, reason: null });
    expect(acceleratorOptions()).toEqual(DEFAULT_ACCELERATOR);
    for (const k of ACCELERATED) expect(isOverridden('wasm', k), k).toBe(true);
  });

  it('stays off, says why and leaves the kernels stock when an internal is missing; the ops run as their composites', () => {
    const fast = step();
    const live = readInternals()!;
    const broken = { ...live, backend: new Proxy(live.backend as object, { get: (t, k) => (k === 'dataIdMap' ? undefined : Reflect.get(t, k, t)) }) };
    try {
      const status = installWasmAccelerator({}, broken);
      expect(status.on).toBe(false);
      expect(status.reason).toMatch(/^the wasm accelerator is off: TF\.js 4\.22\.0 has no backend\.dataIdMap.*npm ci/);
      expect(acceleratorStatus()).toEqual(status);
      expect(acceleratorOptions()).toBeNull();
      for (const k of ACCELERATED) expect(isOverridden('wasm', k), k).toBe(COMPOSITES.includes(k)); // src/tf/overrides' stay
      expect(tf.getKernel(ROLL, 'wasm')).toBeUndefined();
      expect(tf.getKernel(ASCENT_UPDATE, 'wasm')).toBeUndefined();
      // the composites' values (the step's mean |g| summed in another order by wasm's own Mean: float rounding apart)
      const slow = step();
      expect(slow.length).toBe(fast.length);
      expect(Math.max(...slow.map((v, i) => Math.abs(v - fast[i])))).toBeLessThan(1e-6);
      expect(new Set(slow).size).toBeGreaterThan(100);
    } finally {
      installWasmAccelerator();
    }
    expect(acceleratorStatus().on).toBe(true);
    expect(tf.getKernel(ROLL, 'wasm')).toBeDefined();
  });

  it('the same options again change nothing; other options put in exactly the parts asked for', () => {
    const slice = tf.getKernel('Slice', 'wasm')!.kernelFunc;
    installWasmAccelerator({});
    expect(tf.getKernel('Slice', 'wasm')!.kernelFunc).toBe(slice);
    try {
      installWasmAccelerator({ heapKernels: false, replay: false });
      expect(acceleratorOptions()).toEqual({ ...DEFAULT_ACCELERATOR, heapKernels: false, replay: false });
      expect(isOverridden('wasm', 'Slice')).toBe(false);
      expect(isOverridden('wasm', 'Identity')).toBe(true);
      expect(isOverridden('wasm', 'DepthwiseConv2dNative')).toBe(true);
      expect(acceleratorStatus().on).toBe(true);
    } finally {
      installWasmAccelerator();
    }
    expect(isOverridden('wasm', 'Slice')).toBe(true);
  });

  it('removeWasmAccelerator takes every part out and reports the reason given', () => {
    try {
      removeWasmAccelerator('off for this test');
      expect(acceleratorStatus()).toEqual({ on: false, reason: 'off for this test' });
      for (const k of ACCELERATED) expect(isOverridden('wasm', k), k).toBe(COMPOSITES.includes(k));
    } finally {
      installWasmAccelerator();
    }
  });

  it('useBackend(wasm, { accelerator: false }) leaves it out and says it was switched off; without the flag it is back', async () => {
    expect(await useBackend('wasm', { wasmPath: WASM_DIR, accelerator: false })).toBe(true);
    expect(acceleratorStatus()).toEqual({ on: false, reason: expect.stringMatching(/switched off/) });
    expect(isOverridden('wasm', 'Slice')).toBe(false);
    expect(await useBackend('wasm', { wasmPath: WASM_DIR })).toBe(true);
    expect(acceleratorStatus()).toEqual({ on: true, reason: null });
  });

  it('on another backend the status says there are no accelerated kernels for it', async () => {
    await tf.setBackend('cpu');
    expect(acceleratorStatus()).toEqual({ on: false, reason: "no accelerated kernels for the 'cpu' backend" });
    await tf.setBackend('wasm');
    expect(acceleratorStatus().on).toBe(true);
  });
});
