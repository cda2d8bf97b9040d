import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dreamer } from '../../../src/dream/dreamer';
import type { DreamModel } from '../../../src/model';
import { validateRecipe } from '../../../src/dream/recipes';
import { noiseSeed } from '../../../src/dream/seed';
import { load, wasm } from './helpers';

// Memory: an hour in a headset is thousands of keyframes. The real engine (zoom → one ascent
// step → colour care, with jitter) runs 10 000 dream steps at 16 px on the smallest real model (selfie, an early node), and the
// TF.js tensor count and bytes must not move after a warm-up.
// An early node of selfie (conv, depthwise conv, average pool, squeeze-excite multiply): every kind of
// kernel and gradient the deep nodes use, at a fraction of the graph, so 10 000 steps fit in about a minute.
const NODE = 'multiply';
const STEPS = Number(process.env.MEMORY_STEPS ?? 10_000);
const WARMUP = 50;
const SAMPLE_EVERY = 500;
const tiny = validateRecipe({ name: 'tiny', model: 'selfie', terms: [{ node: NODE, weight: 1 }], octaves: 1, steps: 1, stepSize: 0.02, jitter: 8, zoom: 1.05, colour: 0.3 });

let model: DreamModel;
beforeAll(async () => { await wasm(); model = await load('selfie'); });
afterAll(() => model.dispose());

describe('memory over a long dream', () => {
  it(`tf.memory() is flat over ${STEPS} dream steps (16 px, one octave, one step per keyframe)`, () => {
    const seed = noiseSeed(16, 16, 7);
    const d = new Dreamer(model, tiny, seed, 7);
    seed.dispose();
    const samples: { step: number; numTensors: number; numBytes: number; dataIds: number }[] = [];
    const t0 = performance.now();
    for (let i = 1; i <= STEPS; i++) {
      d.keyframe([0.5 + 0.3 * Math.sin(i / 37), 0.5 + 0.3 * Math.cos(i / 53)]); // a wandering focus
      if (i === WARMUP || i % SAMPLE_EVERY === 0) {
        const m = tf.memory();
        samples.push({ step: i, numTensors: m.numTensors, numBytes: m.numBytes, dataIds: tf.engine().backend.numDataIds() }); // the backend's own count sees replayed kernels too (src/dream/replay.ts)
      }
    }
    const s = (performance.now() - t0) / 1000;
    console.log(`memory: ${STEPS} steps in ${s.toFixed(1)} s (${(STEPS / s).toFixed(0)} steps/s); ` +
      `tensors ${samples[0].numTensors} → ${samples.at(-1)!.numTensors}, bytes ${samples[0].numBytes} → ${samples.at(-1)!.numBytes}, heap data ${samples[0].dataIds} → ${samples.at(-1)!.dataIds}`);
    // The dream really ran: the keyframe counter moved on.
    expect(d.keyframe([0.5, 0.5]).index).toBe(STEPS + 1);
    for (const x of samples) expect(x).toEqual({ step: x.step, numTensors: samples[0].numTensors, numBytes: samples[0].numBytes, dataIds: samples[0].dataIds });
    const before = tf.memory().numTensors;
    d.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before); // it owned its state, and gave it back
  }, 300_000); // measured here: 10 000 steps in 3.8 s with the gradient replayed (src/dream/replay.ts), 53 s through TF.js
});
