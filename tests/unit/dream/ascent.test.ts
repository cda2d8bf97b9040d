// Lucid's property test: for every objective and every transform, a few ascent steps increase the objective.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelStats, colourCare } from '../../../src/dream/dreamer';
import type { DreamModel } from '../../../src/model';
import { channel, evaluate, guide, layer, scale, sum, type Objective } from '../../../src/dream/objectives';
import { noiseSeed } from '../../../src/dream/seed';
import { ascentStep, dreamOctaves, gradient } from '../../../src/dream/step';
import { compose, jitter, randomRotate, randomScale, roll, seededRng, type Transform } from '../../../src/dream/transforms';
import { load, scalar, SELFIE_NODE, wasm } from './helpers';

let model: DreamModel;
let seed: tf.Tensor4D;
let guideImage: tf.Tensor4D;
beforeAll(async () => {
  await wasm();
  model = await load('selfie');
  seed = noiseSeed(48, 48, 11);
  guideImage = noiseSeed(40, 40, 12);
});
afterAll(() => { seed.dispose(); guideImage.dispose(); model.dispose(); });

function climb(obj: Objective, transform?: Transform, steps = 4, tileSize?: number): [number, number] {
  const before = scalar(evaluate(model, seed, obj));
  const rng = seededRng(5);
  let x = seed.clone();
  for (let i = 0; i < steps; i++) {
    const next = ascentStep(model, x, obj, { stepSize: 0.01, transform, rng, tileSize });
    x.dispose();
    x = next;
  }
  const after = scalar(evaluate(model, x, obj));
  x.dispose();
  return [before, after];
}

const objectives: [string, () => Objective][] = [
  ['layer', () => layer(SELFIE_NODE)],
  ['channel', () => channel(SELFIE_NODE, 5)],
  ['guide', () => guide(SELFIE_NODE, guideImage)],
  ['sum', () => sum(layer('mul_9'), channel(SELFIE_NODE, 2, 0.5))],
  ['scale', () => scale(layer(SELFIE_NODE), 3)],
];
const transforms: [string, Transform][] = [
  ['jitter', jitter(4)],
  ['randomScale', randomScale([0.9, 1.1])],
  ['randomRotate', randomRotate([-8, 8])],
  ['compose', compose(jitter(3), randomScale([0.95, 1.05]), randomRotate([-5, 5]))],
];

describe('ascent increases the objective', () => {
  it.each(objectives)('objective %s', (_, make) => {
    const [before, after] = climb(make());
    expect(after).toBeGreaterThan(before);
  });
  it.each(transforms)('transform %s', (_, t) => {
    const [before, after] = climb(layer(SELFIE_NODE), t);
    expect(after).toBeGreaterThan(before);
  });
  it('with tiled gradients (fixed 32 px tiles on 48 px)', () => {
    const [before, after] = climb(layer(SELFIE_NODE), jitter(4), 4, 32);
    expect(after).toBeGreaterThan(before);
  });
  it('through the octave loop', () => {
    const obj = layer(SELFIE_NODE);
    const before = scalar(evaluate(model, seed, obj));
    const out = dreamOctaves(model, seed, obj, { octaves: 2, octaveScale: 1.4, steps: 3, stepSize: 0.01, transform: jitter(3), rng: seededRng(2) });
    expect(out.shape).toEqual(seed.shape);
    expect(scalar(evaluate(model, out, obj))).toBeGreaterThan(before);
    out.dispose();
  });
});

describe('objectives and transforms', () => {
  it('scale multiplies and sum adds', () => {
    const a = scalar(evaluate(model, seed, layer(SELFIE_NODE)));
    const b = scalar(evaluate(model, seed, channel(SELFIE_NODE, 5)));
    expect(scalar(evaluate(model, seed, scale(layer(SELFIE_NODE), 3)))).toBeCloseTo(3 * a, 4);
    expect(scalar(evaluate(model, seed, sum(layer(SELFIE_NODE), channel(SELFIE_NODE, 5))))).toBeCloseTo(a + b, 4);
  });
  it('tiles no larger than the image give the untiled gradient', () => {
    const obj = layer(SELFIE_NODE);
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(gradient(model, seed, obj), gradient(model, seed, obj, 48)))));
    expect(scalar(d)).toBe(0);
  });
  it('compose merges neighbouring affine warps: one resampling each way, by the product matrix', async () => {
    const img = tf.randomUniform([1, 24, 20, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const s = 1.1, th = (10 * Math.PI) / 180, cos = Math.cos(th), sin = Math.sin(th);
    // scale then rotate (each about the centre) = one warp by R(−θ)/s; the gradient goes back by s·R(θ)
    const about = (x: tf.Tensor4D, [a, b, c, d]: number[], fill: 'reflect' | 'constant') => {
      const cx = (20 - 1) / 2, cy = (24 - 1) / 2;
      return tf.image.transform(x, tf.tensor2d([[a, b, cx - a * cx - b * cy, c, d, cy - c * cx - d * cy, 0, 0]]), 'bilinear', fill);
    };
    const warp = compose(jitter(0), randomScale([s]), randomRotate([10]))(seededRng(1));
    for (const [run, m, fill] of [[(x: tf.Tensor4D) => warp.forward(x), [cos / s, sin / s, -sin / s, cos / s], 'reflect'], [(x: tf.Tensor4D) => warp.inverse(x), [cos * s, -sin * s, sin * s, cos * s], 'constant']] as const) {
      let out: tf.Tensor | undefined;
      const info = await tf.profile(() => { out = run(img); return out; });
      expect(info.kernels.filter((k) => k.name === 'Transform')).toHaveLength(1);
      const want = about(img, [...m], fill);
      expect(tf.max(tf.abs(tf.sub(out!, want))).dataSync()[0]).toBeLessThan(1e-5);
      tf.dispose([out!, want]);
    }
    // a roll between two affine warps keeps them apart (they do not commute with it)
    const apart = compose(randomScale([s]), jitter(3), randomRotate([10]))(seededRng(1));
    const info = await tf.profile(() => apart.forward(img));
    expect(info.kernels.filter((k) => k.name === 'Transform')).toHaveLength(2);
    img.dispose();
  });
  it('roll is cyclic and undone by the opposite roll', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const r = roll(x, 1, 1);
    expect(Array.from(r.dataSync())).toEqual([6, 4, 5, 3, 1, 2]);
    const back = roll(r, -1, -1);
    expect(Array.from(back.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    tf.dispose([x, r, back]);
  });
  it('unknown nodes and bad channels throw before differentiating, without leaking', () => {
    const before = tf.memory().numTensors;
    expect(() => ascentStep(model, seed, layer('no/such/node'), { stepSize: 0.01 })).toThrow("unknown node 'no/such/node' in model 'selfie'");
    expect(tf.memory().numTensors).toBe(before);
    expect(() => evaluate(model, seed, channel(SELFIE_NODE, 9999))).toThrow(/channel: index 9999 out of range for 'mul_13' with \d+ channels/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('no leaks in public tensor functions', () => {
  const leaks = (f: () => tf.Tensor | tf.Tensor[]) => {
    f(); // first call may create lazily cached tensors inside the backend
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(f());
    return tf.memory().numTensors - before;
  };
  const obj = () => sum(layer(SELFIE_NODE), guide('mul_9', guideImage));
  it.each([
    ['gradient', () => gradient(model, seed, obj())],
    ['gradient (tiled)', () => gradient(model, seed, obj(), 32)],
    ['ascentStep', () => ascentStep(model, seed, obj(), { stepSize: 0.01, transform: compose(jitter(3), randomRotate([5])), rng: seededRng(1) })],
    ['dreamOctaves', () => dreamOctaves(model, seed, obj(), { octaves: 2, octaveScale: 1.4, steps: 1, stepSize: 0.01 })],
    ['evaluate', () => evaluate(model, seed, obj())],
    ['activations', () => model.activations(seed, ['mul_9', SELFIE_NODE])],
    ['roll', () => roll(seed, 3, -2)],
    ['noiseSeed', () => noiseSeed(16, 16, 1)],
    ['warp forward/inverse', () => {
      const w = compose(jitter(3), randomScale([1.1]), randomRotate([5]))(seededRng(1));
      const f = w.forward(seed);
      const g = w.inverse(f);
      f.dispose();
      return g;
    }],
    ['channelStats', () => { const s = channelStats(seed); return [s.mean, s.std]; }],
    ['colourCare', () => { const s = channelStats(guideImage); const y = colourCare(seed, s, 0.5); tf.dispose([s.mean, s.std]); return y; }],
  ] as [string, () => tf.Tensor | tf.Tensor[]][])('%s', (_, f) => {
    expect(leaks(f)).toBe(0);
  });
});
