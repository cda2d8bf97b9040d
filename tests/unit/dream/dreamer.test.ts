import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelStats, colourCare, Dreamer } from '../../../src/dream/dreamer';
import { loadDreamModel, PASS_PROFILES, type DreamModel } from '../../../src/model';
import { validateRecipe, type Recipe } from '../../../src/dream/recipes';
import { noiseSeed } from '../../../src/dream/seed';
import { fileFetch } from '../../../src/tf/file-fetch';
import { entry, load, MODEL_DIR, SELFIE_NODE, wasm } from './helpers';

const tiny: Recipe = validateRecipe({ name: 'tiny', model: 'selfie', terms: [{ node: 'mul_13', weight: 1 }], octaves: 2, steps: 1, stepSize: 0.02, jitter: 8, zoom: 1.1, colour: 0.3 });
let model: DreamModel;
beforeAll(async () => { await wasm(); model = await load('selfie'); });
afterAll(() => model.dispose());

describe('Dreamer (zoom → dream → colour care)', () => {
  it('keyframes differ from the seed, count up and report each step\'s zoom (the recipe\'s, then a new recipe\'s); a new seed counts from 1', () => {
    const seed = noiseSeed(32, 32, 1);
    const d = new Dreamer(model, tiny, seed);
    const k1 = d.keyframe([0.5, 0.5]);
    const diff = tf.tidy(() => tf.mean(tf.abs(tf.sub(k1.image, seed))).dataSync()[0]);
    expect(diff).toBeGreaterThan(0.005);
    expect([k1.index, k1.stepZoom, k1.focus]).toEqual([1, 1.1, [0.5, 0.5]]);
    const k2 = d.keyframe([0.2, 0.7]);
    expect([k2.index, k2.stepZoom, k2.focus]).toEqual([2, 1.1, [0.2, 0.7]]);
    d.setRecipe({ ...tiny, zoom: 1.25 });
    expect(d.keyframe([0.5, 0.5])).toMatchObject({ index: 3, stepZoom: 1.25 });
    d.setSeed(seed);
    expect(d.keyframe([0.5, 0.5])).toMatchObject({ index: 1, stepZoom: 1.25 });
    d.dispose(); seed.dispose();
  });

  it('leaks no tensors over 50 keyframes, recipe and seed changes included', () => {
    const seed = noiseSeed(32, 32, 2);
    const before = tf.memory().numTensors;
    const d = new Dreamer(model, tiny, seed);
    for (let i = 0; i < 50; i++) {
      if (i === 20) d.setRecipe({ ...tiny, terms: [{ node: 'mul_9', weight: 1, channel: 3 }] });
      if (i === 30) d.setSeed(seed);
      d.keyframe([((i * 0.37) % 1), ((i * 0.61) % 1)]);
    }
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
    seed.dispose();
  });

  it('rejects unknown nodes, wrong models and bad fields with exact messages', () => {
    const seed = noiseSeed(16, 16, 3);
    const d = new Dreamer(model, tiny, seed);
    const before = tf.memory().numTensors;
    expect(() => d.setRecipe({ ...tiny, terms: [{ node: 'nope', weight: 1 }] })).toThrow("recipe 'tiny': unknown node 'nope' in model 'selfie'");
    expect(() => d.setRecipe({ ...tiny, model: 'posenet' })).toThrow("recipe 'tiny' needs model 'posenet', got 'selfie'");
    expect(() => validateRecipe({ ...tiny, zoom: 0.5 })).toThrow('recipe \'tiny\': "zoom" must be a number in [1, 4], got 0.5');
    expect(tf.memory().numTensors).toBe(before);
    d.dispose(); seed.dispose();
  });

  it('colour care pulls channel mean/std towards the target', () => {
    const x = tf.tidy(() => tf.add(tf.mul(noiseSeed(16, 16, 4), 0.2), 0.7) as tf.Tensor4D); // bright, flat
    const target = channelStats(noiseSeed(16, 16, 5));
    const before = tf.memory().numTensors;
    const y = colourCare(x, target, 0.5);
    expect(tf.memory().numTensors).toBe(before + 1);
    const [sx, sy, st] = [channelStats(x), channelStats(y), target];
    const dist = (a: tf.Tensor1D, b: tf.Tensor1D) => tf.tidy(() => tf.sum(tf.abs(tf.sub(a, b))).dataSync()[0]);
    expect(dist(sy.mean, st.mean)).toBeLessThan(dist(sx.mean, st.mean));
    expect(dist(sy.std, st.std)).toBeLessThan(dist(sx.std, st.std));
    tf.dispose([x, y, sx.mean, sx.std, sy.mean, sy.std, st.mean, st.std]);
  });
});

describe('model loading errors', () => {
  it('missing model file', async () => {
    await expect(loadDreamModel({ ...entry('selfie'), file: 'nope.json' }, MODEL_DIR, fileFetch, PASS_PROFILES.wasm)).rejects.toThrow(`model: cannot fetch ${MODEL_DIR}nope.json (HTTP 404)`);
  });
  it('corrupt model JSON', async () => {
    const bad = async () => ({ ok: true, status: 200, json: async () => { throw new SyntaxError('Unexpected token'); }, arrayBuffer: async () => new ArrayBuffer(0) });
    await expect(loadDreamModel(entry('selfie'), '/m', bad, PASS_PROFILES.wasm)).rejects.toThrow('model: /m/selfie.json is not valid JSON (Unexpected token)');
  });
  it('truncated weights', async () => {
    const truncated = async (url: string) => {
      const r = await fileFetch(url);
      return url.endsWith('.bin') ? { ...r, arrayBuffer: async () => (await r.arrayBuffer()).slice(0, 1000) } : r;
    };
    await expect(loadDreamModel(entry('selfie'), MODEL_DIR, truncated, PASS_PROFILES.wasm)).rejects.toThrow(/^model selfie: weight shards truncated: selfie\.bin \(1000 bytes\) hold 1000 bytes, selfie\.json needs 212886$/);
  });
  it('feed node missing from the graph', async () => {
    await expect(load('selfie', { feed: 'nope' })).rejects.toThrow("model selfie: feed node 'nope' is not in the graph");
  });
  it('loads and disposes without leaking', async () => {
    const before = tf.memory().numTensors;
    const m = await load('selfie');
    const x = noiseSeed(32, 32, 1);
    const [a] = m.activations(x, [SELFIE_NODE]);
    expect(a.rank).toBe(4);
    tf.dispose([a, x]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Dreamer in slices, quick first keyframe, degradation levers', () => {
  const r3: Recipe = { ...tiny, octaves: 2, steps: 3 };
  /** Drive keyframeSteps to its end, counting its yields (= ascent steps run). */
  const sliced = (d: Dreamer) => { const g = d.keyframeSteps([0.5, 0.5]); let n = 0; for (let x = g.next(); !x.done; x = g.next()) n++; return n; };

  it('yields once per ascent step; the first keyframe after each seed does the quick work only', () => {
    const seed = noiseSeed(32, 32, 6);
    const before = tf.memory().numTensors;
    const d = new Dreamer(model, r3, seed, 1, { quickFirst: { octaves: 1, steps: 2 } });
    expect(sliced(d)).toBe(2); // 1 octave × 2 steps
    expect(sliced(d)).toBe(6); // 2 octaves × 3 steps
    d.maxSteps = 1;
    expect(sliced(d)).toBe(2); // 2 octaves × 1 step
    d.setSeed(seed);
    expect(sliced(d)).toBe(1); // quick again, and never above maxSteps
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
    seed.dispose();
  });

  it('a quick first keyframe at a fraction of the size comes back at full size', () => {
    const seed = noiseSeed(40, 32, 10);
    const before = tf.memory().numTensors;
    const d = new Dreamer(model, r3, seed, 1, { quickFirst: { octaves: 1, steps: 1, scale: 0.5 } });
    const k = d.keyframe([0.5, 0.5]);
    expect(k.image.shape).toEqual([1, 40, 32, 3]);
    const diff = tf.tidy(() => tf.mean(tf.abs(tf.sub(k.image, seed))).dataSync()[0]);
    expect(diff).toBeGreaterThan(0.001);
    expect(d.keyframe([0.5, 0.5]).image.shape).toEqual([1, 40, 32, 3]);
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
    seed.dispose();
  });

  it('sliced and whole keyframes give the same image for the same rng seed', () => {
    const seed = noiseSeed(32, 32, 7);
    const a = new Dreamer(model, r3, seed, 5), b = new Dreamer(model, r3, seed, 5);
    const ka = a.keyframe([0.3, 0.6]);
    const g = b.keyframeSteps([0.3, 0.6]);
    let x = g.next();
    while (!x.done) x = g.next();
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ka.image, x.value!.image))).dataSync()[0]);
    expect(diff).toBe(0);
    a.dispose(); b.dispose(); seed.dispose();
  });

  it('refuses changes mid-keyframe; an abandoned keyframe frees its tensors', () => {
    const seed = noiseSeed(32, 32, 8);
    const d = new Dreamer(model, r3, seed);
    const before = tf.memory().numTensors;
    const g = d.keyframeSteps([0.5, 0.5]);
    g.next();
    g.next();
    expect(() => d.setSeed(seed)).toThrow('Dreamer.setSeed: a keyframe is being dreamed; wait for it to finish');
    expect(() => d.resize(16)).toThrow(/Dreamer.resize: a keyframe is being dreamed/);
    g.return(undefined as never);
    expect(tf.memory().numTensors).toBe(before);
    d.setSeed(seed); // allowed again
    d.dispose(); seed.dispose();
  });

  it('resize resamples the state to the new longer edge, keeping the aspect, and keeps dreaming there', () => {
    const seed = noiseSeed(48, 32, 9); // h 48, w 32
    const before = tf.memory().numTensors;
    const d = new Dreamer(model, tiny, seed);
    d.keyframe([0.5, 0.5]);
    d.resize(24);
    expect(d.size).toEqual([24, 16]);
    const k = d.keyframe([0.5, 0.5]);
    expect(k.image.shape).toEqual([1, 24, 16, 3]);
    expect(() => { d.maxSteps = 0; }).toThrow('maxSteps must be ≥ 1, got 0');
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
    seed.dispose();
  });
});
