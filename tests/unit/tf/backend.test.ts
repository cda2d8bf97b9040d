import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chooseBackend, parseBackendOverride } from '../../../src/tf/backend';
import { WASM_DIR } from '../dream/helpers';

// A small conv + input gradient, the shape of a dream step.
const job = () => {
  const x = tf.randomUniform([1, 32, 32, 4]) as tf.Tensor4D;
  const f = tf.randomNormal([3, 3, 4, 1]) as tf.Tensor4D;
  return tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(t as tf.Tensor4D, f, 2, 'same'))))(x);
};

describe('backend choice', () => {
  it('parses ?backend= overrides', () => {
    expect(parseBackendOverride(null)).toBeNull();
    expect(parseBackendOverride('auto')).toBeNull();
    expect(parseBackendOverride('wasm')).toBe('wasm');
    expect(() => parseBackendOverride('tpu')).toThrow("backend: unknown backend 'tpu' (use one of webgpu, webgl, wasm, cpu, auto)");
  });

  it('times each candidate that starts (webgl/webgpu do not in Node) and keeps the fastest', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const { backend, timingsMs } = await chooseBackend(job, { candidates: ['webgpu', 'webgl', 'wasm', 'cpu'], wasmPath: WASM_DIR, runs: 1 });
    expect(Object.keys(timingsMs).sort()).toEqual(['cpu', 'wasm']);
    expect(backend).toBe(timingsMs.wasm! <= timingsMs.cpu! ? 'wasm' : 'cpu');
    expect(tf.getBackend()).toBe(backend);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an override starts only that backend', async () => {
    const { backend, timingsMs } = await chooseBackend(job, { override: 'cpu', wasmPath: WASM_DIR, runs: 1 });
    expect([backend, Object.keys(timingsMs)]).toEqual(['cpu', ['cpu']]);
  });
});

describe('isSoftwareRenderer', () => {
  it('names software rasterisers and not GPUs', async () => {
    const { isSoftwareRenderer, softwareWebGL } = await import('../../../src/tf/backend');
    for (const sw of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'llvmpipe (LLVM 15.0.6, 256 bits)', 'Mesa softpipe', 'Google SwiftShader', 'Microsoft Basic Render Driver',
    ]) expect(isSoftwareRenderer(sw), sw).toBe(true);
    for (const gpu of [
      'Adreno (TM) 740', 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)', 'Apple GPU',
      'Mali-G78', 'ANGLE (Intel, Intel(R) UHD Graphics 620, OpenGL 4.6)',
    ]) expect(isSoftwareRenderer(gpu), gpu).toBe(false);
    expect(softwareWebGL()).toBeNull(); // Node: no WebGL to ask, so nothing is skipped
  });
});
