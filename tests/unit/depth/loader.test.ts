import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { loadDepthNet } from '../../../src/depth/index.ts';
import { convOfUpsampled, createDepthNet, phaseKernels, type DepthModelManifest } from '../../../src/depth/unet.ts';
import { fileFetch } from '../../../src/tf/file-fetch.ts';
import { INTERLEAVE_2X2 } from '../../../src/tf/ops/names.ts';
import { hasKernel } from '../../../src/tf/registry.ts';
import { ROOT, MODEL_URL, depthTestBackend, referenceInput } from './helpers.ts';

interface Fixture { trainingStep: number; inputSize: number; sampleStride: number; sampleOffset: number; samples: number[][]; mean: number; min: number; max: number }
const fixture = JSON.parse(readFileSync(`${ROOT}/tests/unit/depth/fixtures/depth-reference.json`, 'utf8')) as Fixture;

describe('depth net loader', () => {
  beforeAll(depthTestBackend);

  it('reproduces the exporter reference output within 1e-3', async () => {
    const net = await loadDepthNet(MODEL_URL, fileFetch);
    expect(net.manifest.trainingStep).toBe(fixture.trainingStep); // fixture and shipped weights come from one export
    const x = referenceInput(fixture.inputSize);
    const y = net.predict(x.expandDims(0) as tf.Tensor4D);
    const out = (await y.data()) as Float32Array;
    const S = fixture.inputSize;
    let maxErr = 0;
    fixture.samples.forEach((row, i) => row.forEach((v, j) => {
      const p = (fixture.sampleOffset + i * fixture.sampleStride) * S + fixture.sampleOffset + j * fixture.sampleStride;
      maxErr = Math.max(maxErr, Math.abs(out[p] - v));
    }));
    expect(maxErr).toBeLessThan(1e-3);
    expect(Math.abs(out.reduce((s, v) => s + v, 0) / out.length - fixture.mean)).toBeLessThan(1e-3);
    [x, y].forEach((t) => t.dispose());
    net.dispose();
  });

  it('runs a 3×3 conv of a ×2 nearest upsampling as four 2×2 phase convs of the coarse map, borders included', () => {
    // on wasm the phases interleave on the heap (SIMD rows when cout % 4 == 0, else per pixel); elsewhere by tf.stack
    expect(hasKernel(INTERLEAVE_2X2)).toBe(tf.getBackend() === 'wasm');
    for (const [n, h, w, cin, cout] of [[1, 5, 6, 3, 4], [1, 1, 1, 2, 2], [1, 3, 2, 8, 16], [2, 4, 3, 5, 3]]) {
      const coarse = tf.randomUniform([n, h, w, cin], -1, 1, 'float32', h * 7 + w) as tf.Tensor4D;
      const kernel = tf.randomUniform([3, 3, cin, cout], -1, 1, 'float32', cin * 3 + cout) as tf.Tensor4D;
      const want = tf.conv2d(tf.image.resizeNearestNeighbor(coarse, [2 * h, 2 * w], false, false), kernel, 1, 'same');
      const phases = phaseKernels(kernel);
      const before = tf.memory().numTensors;
      const got = convOfUpsampled(coarse, phases);
      expect(tf.memory().numTensors).toBe(before + 1); // only the result
      expect(got.shape).toEqual([n, 2 * h, 2 * w, cout]);
      expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-4);
      tf.dispose([coarse, kernel, want, got, ...phases.kernels]);
    }
  });

  it('computes the exported U-Net, with two convs per decoder level or one (the lighter net), as plain upsample-concat-conv', () => {
    const c = [4, 6, 8];
    for (const decoderConvs of [2, 1] as const) {
      const names: [string, number, number, number, number][] = []; // name, k, cin, cout, stride
      c.forEach((ch, i) => names.push([`enc${i}.0`, 3, i ? c[i - 1] : 3, ch, i ? 2 : 1], [`enc${i}.1`, 3, ch, ch, 1]));
      for (let j = 0; j < c.length - 1; j++) {
        const i = c.length - 2 - j;
        names.push([`dec${j}.0`, 3, c[i + 1] + c[i], c[i], 1]);
        if (decoderConvs === 2) names.push([`dec${j}.1`, 3, c[i], c[i], 1]);
      }
      names.push(['head', 1, c[0], 1, 1]);
      const weights: tf.NamedTensorMap = {};
      names.forEach(([name, k, cin, cout], s) => {
        weights[`${name}/kernel`] = tf.randomUniform([k, k, cin, cout], -0.5, 0.5, 'float32', s);
        weights[`${name}/bias`] = tf.randomUniform([cout], -0.1, 0.1, 'float32', s + 100);
      });
      const manifest = { format: 'dream-goggles/depth-unet@1', inputSize: 16, sizeMultiple: 4, channels: c, decoderConvs,
        input: { mean: 0.5, std: 0.25 }, strides: Object.fromEntries(names.map(([n, , , , st]) => [n, st])), weightsManifest: [] } as DepthModelManifest;
      const x = tf.randomUniform([1, 16, 12, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
      const want = tf.tidy(() => {
        const conv = (name: string, t: tf.Tensor4D, relu = true) => {
          const st = manifest.strides[name];
          const y = tf.add(tf.conv2d(st === 2 ? tf.pad(t, [[0, 0], [1, 1], [1, 1], [0, 0]]) : t, weights[`${name}/kernel`] as tf.Tensor4D, st, st === 2 ? 'valid' : 'same'), weights[`${name}/bias`]) as tf.Tensor4D;
          return relu ? tf.relu(y) : y;
        };
        let t = tf.div(tf.sub(x, 0.5), 0.25) as tf.Tensor4D;
        const skips: tf.Tensor4D[] = [];
        c.forEach((_, i) => { t = conv(`enc${i}.1`, conv(`enc${i}.0`, t)); skips.push(t); });
        t = skips.pop()!;
        for (let j = 0; j < c.length - 1; j++) {
          const [, h, w] = t.shape;
          t = conv(`dec${j}.0`, tf.concat([tf.image.resizeNearestNeighbor(t, [2 * h, 2 * w]), skips.pop()!], 3));
          if (decoderConvs === 2) t = conv(`dec${j}.1`, t);
        }
        return conv('head', t, false).squeeze([3]);
      });
      const net = createDepthNet(manifest, weights);
      const got = net.predict(x);
      expect(got.shape).toEqual([1, 16, 12]);
      expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-4);
      tf.dispose([x, want, got]);
      net.dispose();
    }
  });

  it('rejects a wrong format and a missing file with precise messages', async () => {
    const fake = async () => ({ ok: true, status: 200, json: async () => ({ format: 'other' }), arrayBuffer: async () => new ArrayBuffer(0) });
    await expect(loadDepthNet('m/model.json', fake)).rejects.toThrow('depth model: m/model.json has format "other", expected "dream-goggles/depth-unet@1"');
    await expect(loadDepthNet(`${ROOT}/models/depth/nope.json`, fileFetch)).rejects.toThrow(`depth model: ${ROOT}/models/depth/nope.json answered 404`);
  });

  it('does not leak tensors when loading, predicting and disposing', async () => {
    const before = tf.memory().numTensors;
    const net = await loadDepthNet(MODEL_URL, fileFetch);
    const x = tf.zeros([1, 64, 64, 3]) as tf.Tensor4D;
    net.predict(x).dispose();
    x.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
