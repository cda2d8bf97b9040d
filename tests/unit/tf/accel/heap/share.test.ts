import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installWasmAccelerator } from '../../../../../src/tf';
import { isOverridden } from '../../../../../src/tf/registry';
import { wasm } from '../../../dream/helpers';
import { withOptions } from '../../helpers';

describe('wasm Identity shares its input (no copy)', () => {
  beforeAll(wasm);
  afterAll(() => { installWasmAccelerator(); });

  it('is what useBackend(wasm) registers: no new data buffer, same values, survives disposing the input', async () => {
    expect(isOverridden('wasm', 'Identity') && isOverridden('wasm', 'Cast')).toBe(true);
    const x = tf.tensor2d([[1, 2], [3, -4]]);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    expect(tf.memory().numDataBuffers).toBe(buffers); // shared, not copied
    expect(y.shape).toEqual([2, 2]);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, -4]); // still alive: its own reference
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers - 1);
  });

  it('a Cast to the same dtype shares too; a real conversion still converts', () => {
    const x = tf.tensor1d([1.5, -2, 3]);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.cast(x, 'float32');
    expect(tf.memory().numDataBuffers).toBe(buffers);
    const i = tf.cast(x, 'int32');
    expect(tf.memory().numDataBuffers).toBe(buffers + 1);
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([1, -2, 3]);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3]);
    tf.dispose([y, i]);
    expect(tf.memory().numDataBuffers).toBe(buffers - 1);
  });

  it('the stock kernel copies (what the bench compares against), and on again', () => {
    withOptions({ identityShare: false }, {}, () => {
      expect(isOverridden('wasm', 'Identity')).toBe(false);
      const x = tf.tensor1d([5, 6, 7]);
      const buffers = tf.memory().numDataBuffers;
      const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
      expect(tf.memory().numDataBuffers).toBe(buffers + 1);
      const z = tf.cast(x, 'float32');
      expect(tf.memory().numDataBuffers).toBe(buffers + 2);
      tf.dispose([x, y, z]);
    });
    expect(isOverridden('wasm', 'Identity')).toBe(true);
  });

  it('gradients through identities and the ops after them are unchanged, without leaks', () => {
    const f = (v: tf.Tensor) => tf.sum(tf.square(tf.mul(tf.engine().runKernel('Identity', { x: v }) as tf.Tensor, 3)));
    const run = () => tf.tidy(() => Array.from(tf.grad(f)(tf.tensor1d([1, -2, 0.5])).dataSync()));
    const before = tf.memory().numTensors;
    const shared = run();
    const copied = withOptions({ identityShare: false }, {}, run);
    expect(shared).toEqual(copied);
    expect(shared).toEqual([18, -36, 9]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
