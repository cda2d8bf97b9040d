import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createDepthEstimator, validateDepthEstimatorConfig, disparityToDepth, DEFAULT_DEPTH_ESTIMATOR_CONFIG } from '../../../src/depth/index.ts';
import { fileFetch } from '../../../src/tf/file-fetch.ts';
import { installWasmAccelerator } from '../../../src/tf/index.ts';
import { MODEL_URL, depthTestBackend, referenceInput } from './helpers.ts';
import { Plane } from '../../../training/depth/gen/geometry.ts';
import { makeCamera } from '../../../training/depth/gen/scene.ts';
import { render } from '../../../training/depth/gen/render.ts';

const seededValues = (n: number, seed: number): number[] => {
  let x = seed;
  return Array.from({ length: n }, () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648 - 0.3; });
};

describe('DepthEstimator config', () => {
  it('fills defaults and copies the config', () => {
    const outputSize: [number, number] = [10, 20];
    const c = validateDepthEstimatorConfig({ outputSize });
    expect(c).toMatchObject({ ...DEFAULT_DEPTH_ESTIMATOR_CONFIG, outputSize: [10, 20] });
    outputSize[0] = 99;
    expect(c.outputSize).toEqual([10, 20]);
  });

  it('throws precise messages', () => {
    expect(() => validateDepthEstimatorConfig({ inputSize: 100 })).toThrow('inputSize must be a multiple of 16 in [32, 256], got 100');
    expect(() => validateDepthEstimatorConfig({ modelUrl: '' })).toThrow('modelUrl must be a non-empty string');
    expect(() => validateDepthEstimatorConfig({ outputSize: [0, 4] })).toThrow('outputSize must be null or [height, width] of positive integers, got [0,4]');
    expect(() => validateDepthEstimatorConfig({ flipAverage: 1 as unknown as boolean })).toThrow('flipAverage must be a boolean, got 1');
    expect(() => validateDepthEstimatorConfig({ lowQuantile: 0.5, highQuantile: 0.5 })).toThrow('quantiles must satisfy 0 <= lowQuantile < highQuantile <= 1, got 0.5 and 0.5');
  });
});

describe('DepthEstimator', () => {
  beforeAll(depthTestBackend);

  it('maps disparity to depth in [0,1] with near = 0', async () => {
    const d = tf.tensor2d([[4, 3], [2, 1]]);
    const depth = disparityToDepth(d, 0, 1);
    Array.from(await depth.data()).forEach((v, i) => expect(v).toBeCloseTo([0, 1 / 3, 2 / 3, 1][i], 6));
    [d, depth].forEach((t) => t.dispose());
  });

  it('normalises by the quantiles of a full sort (ties and extremes included)', async () => {
    const r = seededValues(57 * 61, 5);
    for (const [lowQ, highQ, values] of [[0.02, 0.98, r], [0, 1, r], [0.3, 0.7, r.map((v) => Math.round(v * 4))], [0.5, 0.51, r]] as const) {
      const d = tf.tensor2d(values, [57, 61]);
      const sorted = [...values].sort((a, b) => b - a), n = values.length;
      const hi = sorted[Math.round((1 - highQ) * (n - 1))], lo = sorted[Math.round((1 - lowQ) * (n - 1))];
      const want = values.map((v) => 1 - Math.min(1, Math.max(0, (v - lo) / Math.max(hi - lo, 1e-6))));
      const before = tf.memory().numTensors;
      const got = disparityToDepth(d, lowQ, highQ);
      expect(tf.memory().numTensors).toBe(before + 1);
      const g = await got.data();
      let err = 0;
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(g[i] - want[i]));
      expect(err).toBeLessThan(1e-5);
      [d, got].forEach((t) => t.dispose());
    }
  });

  it('returns [h,w] depth in [0,1] at the image size (or outputSize) and does not leak', async () => {
    const est = await createDepthEstimator({ modelUrl: MODEL_URL, fetchFn: fileFetch });
    const image = tf.image.resizeBilinear(referenceInput(96), [72, 120]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const depth = est.estimate(image);
    expect(depth.shape).toEqual([72, 120]);
    const v = await depth.data();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    depth.dispose();
    est.estimateDisparity(image).dispose();
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
    est.dispose();
    const small = await createDepthEstimator({ modelUrl: MODEL_URL, fetchFn: fileFetch, inputSize: 64, outputSize: [32, 48], flipAverage: true });
    const img2 = referenceInput(80);
    const n0 = tf.memory().numTensors;
    const d2 = small.estimate(img2);
    expect(d2.shape).toEqual([32, 48]);
    expect(tf.memory().numTensors).toBe(n0 + 1);
    [d2, img2].forEach((t) => t.dispose());
    small.dispose();
    expect(() => small.estimate(img2)).toThrow('DepthEstimator: estimate() after dispose()');
  });

  it('puts a rendered ground plane near at the bottom and far at the top (fixed sign)', async () => {
    // a lit checkered ground seen from 1.5 units up, pitched 20° down: true depth grows towards the horizon
    const scene = {
      type: 'test', camera: makeCamera([0, 1.5, 0], 0.3, (20 * Math.PI) / 180, 0, Math.PI / 3), prims: [new Plane([0, 1, 0], 0)],
      materials: [{ kind: 'checker' as const, a: [0.9, 0.8, 0.6] as [number, number, number], b: [0.2, 0.3, 0.5] as [number, number, number], scale: 1, phase: 0, spec: 0, shininess: 1 }],
      light: { kind: 'dir' as const, dir: [0.3, 0.8, 0.5] as [number, number, number] }, ambient: 0.3, shadows: false, flat: false,
      skyTop: [0.3, 0.5, 0.9] as [number, number, number], skyBottom: [0.8, 0.85, 0.9] as [number, number, number], skyMaterial: null,
      fogColor: [0.8, 0.85, 0.9] as [number, number, number], fogDensity: 0.02,
    };
    const img = render(scene, 96, 96, 1);
    const est = await createDepthEstimator({ modelUrl: MODEL_URL, fetchFn: fileFetch });
    const image = tf.tidy(() => tf.tensor3d(img.rgb, [96, 96, 3], 'int32').toFloat().div(255) as tf.Tensor3D);
    const depth = est.estimate(image), disparity = est.estimateDisparity(image);
    // mean of the rows from fraction f0 to f1 of the height of a square [s,s] map (disparity is at the net's size)
    const rowMean = (v: ArrayLike<number>, s: number, f0: number, f1: number) => {
      const y0 = Math.round(f0 * s), y1 = Math.round(f1 * s);
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = 0; x < s; x++) sum += v[y * s + x];
      return sum / ((y1 - y0) * s);
    };
    const d = await disparity.data(), z = await depth.data(), n = est.config.inputSize!;
    expect(disparity.shape).toEqual([n, n]);
    expect(rowMean(img.disparity, 96, 0, 1 / 12)).toBe(0); // sky at the top, ground from about row 17 of 96 down
    expect(rowMean(d, n, 5 / 6, 1)).toBeGreaterThan(rowMean(d, n, 5 / 12, 7 / 12)); // net disparity: near ground > mid ground
    expect(rowMean(d, n, 5 / 12, 7 / 12)).toBeGreaterThan(rowMean(d, n, 0, 1 / 12)); // … > sky
    expect(rowMean(z, 96, 5 / 6, 1)).toBeLessThan(rowMean(z, 96, 0, 1 / 12));      // depth: near = 0 end
    [image, depth, disparity].forEach((t) => t.dispose());
    est.dispose();
  });

  it("runs the net at its model.json's inputSize unless the config names one", async () => {
    const manifest = JSON.parse(readFileSync(MODEL_URL, 'utf8')) as { inputSize: number };
    const image = referenceInput(72);
    const own = await createDepthEstimator({ modelUrl: MODEL_URL, fetchFn: fileFetch });
    expect(DEFAULT_DEPTH_ESTIMATOR_CONFIG.inputSize).toBeNull();
    expect(own.config.inputSize).toBe(manifest.inputSize);
    const d1 = own.estimateDisparity(image);
    expect(d1.shape).toEqual([manifest.inputSize, manifest.inputSize]);
    const named = await createDepthEstimator({ modelUrl: MODEL_URL, fetchFn: fileFetch, inputSize: 48 });
    expect(named.config.inputSize).toBe(48);
    const d2 = named.estimateDisparity(image);
    expect(d2.shape).toEqual([48, 48]);
    [image, d1, d2].forEach((t) => t.dispose());
    own.dispose();
    named.dispose();
  });

  it('rejects a model.json whose inputSize the net cannot run at, without leaking its weights', async () => {
    const before = tf.memory().numTensors;
    const patched: typeof fileFetch = async (url) => {
      const r = await fileFetch(url);
      return url === MODEL_URL ? { ...r, json: async () => ({ ...(await r.json() as object), inputSize: 90 }) } : r;
    };
    await expect(createDepthEstimator({ modelUrl: MODEL_URL, fetchFn: patched }))
      .rejects.toThrow(`depth model: ${MODEL_URL}: inputSize must be a multiple of 16 in [32, 256], got 90`);
    expect(tf.memory().numTensors).toBe(before);
    // a size named in the config does not depend on the manifest's
    const est = await createDepthEstimator({ modelUrl: MODEL_URL, fetchFn: patched, inputSize: 64 });
    expect(est.config.inputSize).toBe(64);
    est.dispose();
  });

  it('on wasm, replays its kernels from the third call of a size: the engine\'s values, and dispose leaves the heap as found', async () => {
    await tf.setBackend('wasm');
    try {
      const ids = () => tf.engine().backend.numDataIds();
      const data = ids();
      const est = await createDepthEstimator({ modelUrl: MODEL_URL, fetchFn: fileFetch, flipAverage: true });
      const images = [1, 2, 3, 4, 5].map((k) => tf.tidy(() => tf.image.resizeBilinear(referenceInput(96), [64 + k % 2, 80]) as tf.Tensor3D));
      for (let round = 0; round < 3; round++) {
        for (const image of images) {
          installWasmAccelerator();
          const got = est.estimate(image);
          installWasmAccelerator({ replay: false });
          const want = est.estimate(image);
          installWasmAccelerator();
          expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
          tf.dispose([got, want]);
        }
      }
      // a replay (the 64×80 key has been called 9 times): one tensor made (the result), none of the engine's
      const nextId = () => (tf.engine() as unknown as { nextTensorId(): number }).nextTensorId();
      const replayedIds = ids(), id0 = nextId();
      est.estimate(images[0]).dispose();
      expect(nextId() - id0).toBe(2);
      expect(ids()).toBe(replayedIds);
      installWasmAccelerator({ replay: false });
      const id1 = nextId();
      est.estimate(images[0]).dispose();
      expect(nextId() - id1).toBeGreaterThan(20);
      installWasmAccelerator();
      tf.dispose(images);
      est.dispose();
      expect(ids()).toBe(data); // its programs let go of the weights they held
    } finally {
      installWasmAccelerator();
      await depthTestBackend();
    }
  });

  it('leaves no tensors behind after create + dispose', async () => {
    const before = tf.memory().numTensors;
    const est = await createDepthEstimator({ modelUrl: MODEL_URL, fetchFn: fileFetch });
    est.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
