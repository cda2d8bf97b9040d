import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { currentKernel, hasOwnKernel, isOverridden, overrideGradient, overrideKernel, ownKernel, RANK, registerOnce } from '../../../src/tf/registry';

// A backend name nobody registers kernels for, so these tests touch no real backend's registry.
const B = 'registry-test';
const info = (v: number): tf.TensorInfo => ({ dataId: {}, shape: [v], dtype: 'float32' });
/** Run whatever is registered for `name` on B: the tag its kernel function returns (as the shape). */
const run = (name: string) => (tf.getKernel(name, B)!.kernelFunc({ inputs: {}, backend: null as unknown as tf.KernelBackend, attrs: {} }) as tf.TensorInfo).shape[0];
const own = (name: string, tag: number) => tf.registerKernel({ kernelName: name, backendName: B, kernelFunc: () => info(tag) });
/** An override that answers `tag` for itself and, with `fall`, what lies beneath plus `tag` × 10. */
const layer = (tag: number, fall = false) => (next: tf.KernelFunc | undefined): tf.KernelFunc => (args) =>
  (fall ? info((next!(args) as tf.TensorInfo).shape[0] + tag * 10) : info(tag));

describe('overrideKernel: one registry of our kernels over TF.js\'s', () => {
  it('registers ours over the backend\'s own and puts the own back', () => {
    own('K1', 1);
    const restore = overrideKernel(B, 'K1', layer(2));
    expect(run('K1')).toBe(2);
    expect(isOverridden(B, 'K1')).toBe(true);
    restore();
    restore(); // idempotent
    expect(run('K1')).toBe(1);
    expect(isOverridden(B, 'K1')).toBe(false);
    tf.unregisterKernel('K1', B);
  });

  it('a kernel no backend has is unregistered again', () => {
    const restore = overrideKernel(B, 'K2', layer(5));
    expect(run('K2')).toBe(5);
    restore();
    expect(tf.getKernel('K2', B)).toBeUndefined();
  });

  it('falls through to what lies beneath, ranks accelerated paths above composites whatever the install order, and any layer comes out on its own', () => {
    own('K3', 1);
    const fast = overrideKernel(B, 'K3', layer(3, true), RANK.accelerated);
    const composite = overrideKernel(B, 'K3', layer(2, true), RANK.composite); // installed later, still beneath
    expect(run('K3')).toBe(1 + 20 + 30);
    composite(); // out of the middle: the accelerated one now falls through to the own
    expect(run('K3')).toBe(1 + 30);
    const again = overrideKernel(B, 'K3', layer(4, true), RANK.composite);
    expect(run('K3')).toBe(1 + 40 + 30);
    fast();
    expect(run('K3')).toBe(1 + 40);
    again();
    expect(run('K3')).toBe(1);
    expect(isOverridden(B, 'K3')).toBe(false);
    tf.unregisterKernel('K3', B);
  });

  it('ownKernel is the backend\'s beneath our overrides; currentKernel follows whatever is on top at each call', () => {
    own('K4', 1);
    const current = currentKernel(B, 'K4', 'a test');
    const call = (f: ReturnType<typeof ownKernel>) => (f({ inputs: {}, backend: null as unknown as tf.KernelBackend }) as tf.TensorInfo).shape[0];
    expect(call(current)).toBe(1);
    const restore = overrideKernel(B, 'K4', layer(7));
    expect(call(ownKernel(B, 'K4', 'a test'))).toBe(1);
    expect(call(current)).toBe(7);
    expect(hasOwnKernel(B, 'K4')).toBe(true);
    restore();
    expect(call(current)).toBe(1);
    tf.unregisterKernel('K4', B);
    expect(hasOwnKernel(B, 'K4')).toBe(false);
    expect(() => ownKernel(B, 'K4', 'a test')).toThrow(`${B} lacks kernel K4, needed for a test`);
  });
});

describe('overrideGradient', () => {
  it('registers ours, built from TF.js\'s, and puts TF.js\'s back', () => {
    const before = tf.getGradient('Relu6');
    let seen: tf.GradConfig | undefined;
    const restore = overrideGradient('Relu6', (o) => { seen = o; return { kernelName: 'Relu6', gradFunc: () => ({}) }; });
    expect(seen).toBe(before);
    expect(tf.getGradient('Relu6')).not.toBe(before);
    restore();
    expect(tf.getGradient('Relu6')).toBe(before);
  });

  it('a gradient TF.js has none of is unregistered again', () => {
    const restore = overrideGradient('RegistryTestOp', () => ({ kernelName: 'RegistryTestOp', gradFunc: () => ({}) }));
    expect(tf.getGradient('RegistryTestOp')).toBeDefined();
    restore();
    expect(tf.getGradient('RegistryTestOp')).toBeUndefined();
  });
});

describe('registerOnce', () => {
  it('runs on the first call only and says whether it ran', () => {
    let n = 0;
    const r = registerOnce(() => { n++; });
    expect([r(), r(), n]).toEqual([true, false, 1]);
  });
});
