import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createDepthEstimator, validateDepthEstimatorConfig, disparityToDepth, DEFAULT_DEPTH_ESTIMATOR_CONFIG } from '../../../src/depth/index.ts';
import { fileFetch } from '../../../src/tf/file-fetch.ts';
import { MODEL_URL, depthTestBackend, referenceInput } from './helpers.ts';
import { Plane } from '../../../training/depth/gen/geometry.ts';
import { makeCamera } from '../../../training/depth/gen/scene.ts';
import { render } from '../../../training/depth/gen/render.ts';

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
    const rowMean = (v: ArrayLike<number>, y0: number, y1: number) => { let s = 0; for (let y = y0; y < y1; y++) for (let x = 0; x < 96; x++) s += v[y * 96 + x]; return s / ((y1 - y0) * 96); };
    const d = await disparity.data(), z = await depth.data();
    expect(rowMean(img.disparity, 0, 8)).toBe(0); // sky at the top, ground from about row 17 down
    expect(rowMean(d, 80, 96)).toBeGreaterThan(rowMean(d, 40, 56)); // net disparity: near ground > mid ground
    expect(rowMean(d, 40, 56)).toBeGreaterThan(rowMean(d, 0, 8));   // … > sky
    expect(rowMean(z, 80, 96)).toBeLessThan(rowMean(z, 0, 8));      // depth: near = 0 end
    [image, depth, disparity].forEach((t) => t.dispose());
    est.dispose();
  });

  it('leaves no tensors behind after create + dispose', async () => {
    const before = tf.memory().numTensors;
    const est = await createDepthEstimator({ modelUrl: MODEL_URL, fetchFn: fileFetch });
    est.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
