import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordKernels, replayAllowed } from '../../../../../src/tf/accel/replay/kernel-replay';
import { installWasmAccelerator } from '../../../../../src/tf';
import { fusedConv, registerFusedConvOps, type FusedConvAttrs } from '../../../../../src/tf/ops';
import { wasm } from '../../../dream/helpers';

const ids = () => tf.engine().backend.numDataIds();
const a: FusedConvAttrs = { strides: [2, 2], pad: 'same', dilations: [1, 1], activation: 'relu6', leakyreluAlpha: 0.2 };

/** A small gradient like a dream step's: fused conv + depthwise + mean of squares, d/dx; the weights fixed. */
function net() {
  const w1 = tf.randomUniform([3, 3, 3, 8], -1, 1, 'float32', 1) as tf.Tensor4D;
  const b1 = tf.randomUniform([8], -1, 1, 'float32', 2) as tf.Tensor1D;
  const w2 = tf.randomUniform([5, 5, 8, 1], -1, 1, 'float32', 3) as tf.Tensor4D;
  const b2 = tf.randomUniform([8], -1, 1, 'float32', 4) as tf.Tensor1D;
  const f = (x: tf.Tensor) => tf.tidy(() => tf.grad((v: tf.Tensor) => {
    const h = fusedConv(v as tf.Tensor4D, w1, b1, a, false);
    return tf.mean(tf.square(fusedConv(h, w2, b2, { ...a, strides: [1, 1] }, true)));
  })(x));
  return { f, dispose: () => tf.dispose([w1, b1, w2, b2]) };
}
const image = (seed: number) => tf.randomUniform([1, 17, 15, 3], 0, 1, 'float32', seed);
const same = (p: tf.Tensor, q: tf.Tensor) => Array.from(p.dataSync()).every((v, i) => v === q.dataSync()[i]);

describe('kernel replay (src/tf/accel/replay)', () => {
  beforeAll(async () => { await wasm(); registerFusedConvOps(); });
  afterAll(async () => { installWasmAccelerator(); await tf.setBackend('wasm'); });

  it('replays a recorded gradient on new input with the same values as TF.js, and leaves nothing behind', async () => {
    const { f, dispose } = net();
    const x0 = image(5);
    f(x0).dispose(); // the gradient kernels' flipped filters are made once per weight (src/tf/overrides/compose.ts), kept with it
    const before = ids();
    const { result, program } = recordKernels(x0, () => f(x0));
    expect(program).not.toBeNull();
    expect(program!.calls).toBeGreaterThan(5);
    // the tape's saves (an Identity sharing the data) become aliases, not calls
    const made = await tf.profile(() => f(x0));
    (made.result as tf.Tensor).dispose();
    const identities = made.kernels.filter((k) => k.name === 'Identity').length;
    expect(identities).toBeGreaterThan(2);
    expect(program!.calls).toBeLessThanOrEqual(made.kernels.length - identities);
    const x1 = image(6);
    const want = f(x1);
    const tensors = tf.memory().numTensors, data = ids();
    const got = program!.run(x1);
    expect(tf.memory().numTensors).toBe(tensors + 1); // the result, tracked like any tensor
    expect(ids()).toBe(data + 1); // and nothing else: every intermediate freed
    expect(got.shape).toEqual(x1.shape);
    expect(same(got, want)).toBe(true); // the same kernels in the same order: the same bits
    expect(same(got, result)).toBe(false); // and it did use the new input
    tf.dispose([got, want, result, x1]);
    program!.dispose();
    program!.dispose(); // idempotent
    expect(ids()).toBe(before); // the constants it held are let go
    expect(() => program!.run(x0)).toThrow(/disposed/);
    x0.dispose();
    dispose();
  });

  it('does not record where a replay would go unseen by TF.js: off, inside a gradient, a profile, or on cpu', async () => {
    const { f, dispose } = net();
    const x = image(7);
    installWasmAccelerator({ replay: false });
    expect(replayAllowed()).toBe(false);
    let r = recordKernels(x, () => f(x));
    expect(r.program).toBeNull();
    r.result.dispose();
    installWasmAccelerator();
    expect(replayAllowed()).toBe(true);
    tf.grad((v: tf.Tensor) => {
      expect(replayAllowed()).toBe(false); // a tape is recording
      return tf.sum(v);
    })(x).dispose();
    await tf.profile(() => { expect(replayAllowed()).toBe(false); return tf.scalar(0); });
    await tf.setBackend('cpu');
    const xc = image(7);
    r = recordKernels(xc, () => tf.relu(xc));
    expect(r.program).toBeNull();
    tf.dispose([r.result, xc]);
    await tf.setBackend('wasm');
    expect(replayAllowed()).toBe(true);
    x.dispose();
    dispose();
  });

  it('refuses another shape or backend; calls the kernels it recorded even when they are registered anew', async () => {
    const { f, dispose } = net();
    const x = image(8);
    const { result, program } = recordKernels(x, () => f(x));
    result.dispose();
    const other = tf.zeros([1, 9, 9, 3]);
    expect(() => program!.run(other)).toThrow(/recorded for float32 \[1,17,15,3\]/);
    await tf.setBackend('cpu');
    expect(() => program!.run(x)).toThrow(/recorded on wasm/);
    await tf.setBackend('wasm');
    const want = f(x);
    const fused = tf.getKernel('DreamFusedConv2D', 'wasm')!;
    tf.unregisterKernel('DreamFusedConv2D', 'wasm');
    tf.registerKernel({ ...fused, kernelFunc: () => { throw new Error('not the recorded kernel'); } });
    try {
      const y = program!.run(x);
      expect(same(y, want)).toBe(true);
      y.dispose();
    } finally {
      tf.unregisterKernel('DreamFusedConv2D', 'wasm');
      tf.registerKernel(fused);
    }
    program!.dispose();
    tf.dispose([other, x, want]);
    dispose();
  });

  it('frees what a failing replay made before it failed', () => {
    let fail = false;
    tf.registerKernel({
      kernelName: 'DreamTestFlaky', backendName: 'wasm',
      kernelFunc: ({ inputs, backend }) => {
        if (fail) throw new Error('flaky kernel');
        const x = (inputs as { x: tf.TensorInfo }).x; // new data (a kernel that only shares its input is not called)
        return (backend as unknown as { makeOutput(s: number[], d: string): tf.TensorInfo }).makeOutput([...x.shape], 'float32');
      },
    });
    try {
      const x = image(9);
      const fn = () => tf.tidy(() => tf.relu(tf.engine().runKernel('DreamTestFlaky', { x: tf.square(tf.add(x, 1)) }) as tf.Tensor));
      const { result, program } = recordKernels(x, fn);
      result.dispose();
      fail = true;
      const data = ids();
      expect(() => program!.run(x)).toThrow(/flaky kernel/);
      expect(ids()).toBe(data); // the Add and Square outputs it made were freed
      program!.dispose();
      x.dispose();
    } finally {
      tf.unregisterKernel('DreamTestFlaky', 'wasm');
    }
  });
});
