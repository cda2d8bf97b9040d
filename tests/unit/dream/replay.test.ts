import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradientProgramShapes, gradientPrograms, MAX_PROGRAMS } from '../../../src/dream/replay';
import { gradient } from '../../../src/dream/step';
import { layer } from '../../../src/dream/objectives';
import { noiseSeed } from '../../../src/dream/seed';
import { installOverrides, installWasmAccelerator } from '../../../src/tf';
import type { DreamModel } from '../../../src/model';
import { load, SELFIE_NODE, wasm } from './helpers';

const ids = () => tf.engine().backend.numDataIds();
/** The gradient TF.js itself computes (no replay). */
const reference = (m: DreamModel, x: tf.Tensor4D, obj = layer(SELFIE_NODE)) => {
  installWasmAccelerator({ replay: false });
  try { return gradient(m, x, obj); } finally { installWasmAccelerator(); }
};
const equal = (p: tf.Tensor, q: tf.Tensor) => { const a = p.dataSync(), b = q.dataSync(); return a.length === b.length && a.every((v, i) => v === b[i]); };

let model: DreamModel;
beforeAll(async () => { await wasm(); model = await load('selfie'); });
afterAll(() => { installWasmAccelerator(); model?.dispose(); });

describe('the dream step\'s gradient, replayed (src/dream/replay.ts)', () => {
  it('records on the second call, checks on the third, replays from the fourth: TF.js\'s values every time', () => {
    const obj = layer(SELFIE_NODE);
    const calls = [1, 2, 3, 4, 5].map((seed) => noiseSeed(32, 32, seed));
    const before = gradientPrograms(model);
    for (const [i, x] of calls.entries()) {
      const tensors = tf.memory().numTensors;
      const g = gradient(model, x, obj);
      expect(tf.memory().numTensors).toBe(tensors + 1);
      expect(gradientPrograms(model)).toBe(before + 1); // one entry for this objective and size, from the first call on
      const want = reference(model, x, obj);
      expect(equal(g, want)).toBe(true);
      expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
      tf.dispose([g, want]);
      if (i >= 3) { // replayed: no tensor or heap data left over from the call
        const data = ids();
        gradient(model, x, obj).dispose();
        expect(ids()).toBe(data);
      }
    }
    tf.dispose(calls);
  });

  it('keeps TF.js\'s values when the kernels it recorded are registered anew (the bench switches them off and on)', () => {
    const obj = layer(SELFIE_NODE);
    const x = noiseSeed(24, 24, 5);
    for (let i = 0; i < 4; i++) gradient(model, x, obj).dispose(); // seen, recorded, checked, replayed
    installOverrides('wasm', { fusedConvKernels: false });
    installOverrides('wasm'); // the same kernels, as new registrations
    const n = gradientPrograms(model);
    for (let i = 0; i < 3; i++) {
      const g = gradient(model, x, obj), want = reference(model, x, obj);
      expect(equal(g, want)).toBe(true);
      tf.dispose([g, want]);
    }
    expect(gradientPrograms(model)).toBe(n);
    x.dispose();
  });

  it(`keeps at most ${MAX_PROGRAMS} programs per model, and a disposed model lets go of them`, async () => {
    const m = await load('selfie');
    const obj = layer(SELFIE_NODE);
    const data = ids();
    for (let s = 16; s < 16 + MAX_PROGRAMS + 3; s++) {
      const x = noiseSeed(s, s, s);
      gradient(m, x, obj).dispose();
      gradient(m, x, obj).dispose(); // recorded
      x.dispose();
    }
    expect(gradientPrograms(m)).toBe(MAX_PROGRAMS);
    const shapes = gradientProgramShapes(m);
    expect(shapes[0]).toBe('1x19x19x3'); // 16, 17 and 18 went out first
    // one used again becomes the most recently used: the next new size pushes out the one after it
    { const x = noiseSeed(19, 19, 19); gradient(m, x, obj).dispose(); x.dispose(); } // checked: now the most recently used
    expect(gradientProgramShapes(m).at(-1)).toBe('1x19x19x3');
    const x = noiseSeed(40, 40, 40);
    gradient(m, x, obj).dispose();
    x.dispose();
    expect(gradientProgramShapes(m)).not.toContain('1x20x20x3');
    expect(gradientProgramShapes(m)).toContain('1x19x19x3');
    expect(ids()).toBeGreaterThan(data); // constants held by the programs
    m.dispose();
    expect(gradientPrograms(m)).toBe(0);
  });

  it('a model loaded, dreamed with and disposed leaves the heap as it found it', async () => {
    const data = ids();
    const m = await load('selfie');
    const x = noiseSeed(32, 32, 9);
    for (let i = 0; i < 4; i++) { const obj = layer(SELFIE_NODE); gradient(m, x, obj).dispose(); gradient(m, x, obj).dispose(); } // a program per objective
    x.dispose();
    m.dispose();
    expect(ids()).toBe(data);
  });
});
