import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceleratorOptions, acceleratorStatus, DEFAULT_ACCELERATOR, installWasmAccelerator, removeWasmAccelerator, useBackend } from '../../../../src/tf';
import { HEAP_KERNELS } from '../../../../src/tf/accel/heap/kernels';
import { isOverridden } from '../../../../src/tf/registry';
import { WASM_DIR, wasm } from '../../dream/helpers';

/** Every kernel the accelerator registers with all its options on. */
const ACCELERATED = [...HEAP_KERNELS, 'Identity', 'Cast', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D', 'DepthwiseConv2dNativeBackpropInput', 'Conv2DBackpropInput'];
/** Of those, the ones src/tf/overrides registers beneath the accelerator's paths (composed input gradients). */
const COMPOSITES = ['DepthwiseConv2dNativeBackpropInput', 'Conv2DBackpropInput'];
describe('installWasmAccelerator', () => {
  beforeAll(wasm);
  afterAll(async () => { await wasm(); installWasmAccelerator(); });

  it('is what useBackend(wasm) installs, every option on, and says so', () => {
    expect(acceleratorStatus()).toEqual({ on: true, reason: null });
    expect(acceleratorOptions()).toEqual(DEFAULT_ACCELERATOR);
    for (const k of ACCELERATED) expect(isOverridden('wasm', k), k).toBe(true);
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
