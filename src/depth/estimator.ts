// DepthEstimator: one dreamed keyframe in, one depth map out (near 0 → far 1, fixed sign).
// The net runs at a small square size (its model.json's inputSize unless the config names one) and the result
// is upsampled to the caller's size.
import * as tf from '@tensorflow/tfjs';
import { releasePrograms, replayed } from '../tf';
import type { FetchLike } from '../model';
import { type DepthNet, loadDepthNet } from './unet.ts';

export interface DepthEstimator {
  /** image: [h,w,3] RGB in [0,1] → [outH,outW] depth in [0,1], 0 = nearest, 1 = farthest.
   *  The value is 1 − normalised disparity, so stereo parallax is linear in it. Caller owns it. */
  estimate(image: tf.Tensor3D): tf.Tensor2D;
  /** The net's own output for the resized image: [s,s] relative disparity (for evaluation). */
  estimateDisparity(image: tf.Tensor3D): tf.Tensor2D;
  readonly config: Readonly<DepthEstimatorConfig>;
  dispose(): void;
}

export interface DepthEstimatorConfig {
  /** URL of model.json; weights are fetched relative to it. */
  modelUrl: string;
  /** Square size the net runs at, a multiple of 16 in [32, 256]; null: the size the model was trained for
   *  (model.json's inputSize). An estimator's `config` holds the size it resolved. */
  inputSize: number | null;
  /** [height, width] of the returned depth map, or null for the input image's size. */
  outputSize: [number, number] | null;
  /** Disparity quantiles mapped to far (1) and near (0): robust to a few outlier pixels. */
  lowQuantile: number;
  highQuantile: number;
  /** Also run the mirrored image and average (2× the work, steadier maps). */
  flipAverage: boolean;
  /** fetch-like loader: the browser's fetch by default; tests and Node scripts pass an fs one. */
  fetchFn?: FetchLike;
}

export const DEFAULT_DEPTH_MODEL_URL = 'models/depth/model.json';
export const DEFAULT_DEPTH_ESTIMATOR_CONFIG: Readonly<DepthEstimatorConfig> = Object.freeze({
  modelUrl: DEFAULT_DEPTH_MODEL_URL,
  inputSize: null,
  outputSize: null,
  lowQuantile: 0.02,
  highQuantile: 0.98,
  flipAverage: false,
});

function checkInputSize(size: number): void {
  if (!Number.isInteger(size) || size % 16 !== 0 || size < 32 || size > 256) {
    throw new Error(`inputSize must be a multiple of 16 in [32, 256], got ${size}`);
  }
}

/** Copies the config, fills defaults and throws on anything out of range. */
export function validateDepthEstimatorConfig(config: Partial<DepthEstimatorConfig> = {}): DepthEstimatorConfig {
  const c: DepthEstimatorConfig = { ...DEFAULT_DEPTH_ESTIMATOR_CONFIG, ...config };
  if (config.outputSize) c.outputSize = [config.outputSize[0], config.outputSize[1]];
  if (typeof c.modelUrl !== 'string' || c.modelUrl.length === 0) throw new Error('modelUrl must be a non-empty string');
  if (c.inputSize !== null) checkInputSize(c.inputSize);
  if (c.outputSize !== null && !(c.outputSize.length === 2 && c.outputSize.every((v) => Number.isInteger(v) && v > 0))) {
    throw new Error(`outputSize must be null or [height, width] of positive integers, got ${JSON.stringify(c.outputSize)}`);
  }
  if (!(c.lowQuantile >= 0 && c.lowQuantile < c.highQuantile && c.highQuantile <= 1)) {
    throw new Error(`quantiles must satisfy 0 <= lowQuantile < highQuantile <= 1, got ${c.lowQuantile} and ${c.highQuantile}`);
  }
  if (typeof c.flipAverage !== 'boolean') throw new Error(`flipAverage must be a boolean, got ${c.flipAverage}`);
  if (c.fetchFn !== undefined && typeof c.fetchFn !== 'function') throw new Error('fetchFn must be a function');
  return c;
}

/** Robust [0,1] normalisation of disparity, flipped so 0 = near and 1 = far. d: [h,w]. */
export function disparityToDepth(d: tf.Tensor2D, lowQuantile: number, highQuantile: number): tf.Tensor2D {
  return tf.tidy(() => {
    const flat = d.reshape([-1]);
    const n = flat.shape[0];
    // the two order statistics (index i of the values sorted descending) from a partial sort at each end:
    // the top i + 1 for the high one, the bottom n − i of the negated values for the low one (not all n)
    const ih = Math.min(n - 1, Math.round((1 - highQuantile) * (n - 1)));
    const il = Math.min(n - 1, Math.round((1 - lowQuantile) * (n - 1)));
    const hi = tf.topk(flat, ih + 1, true).values.slice([ih], [1]);
    const lo = tf.neg(tf.topk(tf.neg(flat), n - il, true).values.slice([n - 1 - il], [1]));
    const range = tf.maximum(hi.sub(lo), 1e-6);
    return tf.scalar(1).sub(d.sub(lo).div(range).clipByValue(0, 1)) as tf.Tensor2D;
  });
}

export async function createDepthEstimator(config: Partial<DepthEstimatorConfig> = {}): Promise<DepthEstimator> {
  const c = validateDepthEstimatorConfig(config);
  const fetchFn = c.fetchFn ?? ((url: string) => fetch(url));
  const net: DepthNet = await loadDepthNet(c.modelUrl, fetchFn);
  if (c.inputSize === null) {
    try { checkInputSize(net.manifest.inputSize); } catch (e) { net.dispose(); throw new Error(`depth model: ${c.modelUrl}: ${(e as Error).message}`); }
    c.inputSize = net.manifest.inputSize;
  }
  const size = c.inputSize;
  let disposed = false;
  const check = (image: tf.Tensor3D) => {
    if (disposed) throw new Error('DepthEstimator: estimate() after dispose()');
    if (image.rank !== 3 || image.shape[2] !== 3) throw new Error(`DepthEstimator: image must be [h,w,3], got [${image.shape}]`);
  };
  const disparity = (image: tf.Tensor3D): tf.Tensor2D => tf.tidy(() => {
    const x = tf.image.resizeBilinear(image.toFloat().expandDims(0) as tf.Tensor4D, [size, size], false, true);
    if (!c.flipAverage) return net.predict(x).squeeze([0]) as tf.Tensor2D;
    const both = net.predict(tf.concat([x, tf.reverse(x, 2)], 0)); // [2,s,s]
    const [a, b] = tf.split(both, 2, 0);
    return a.add(tf.reverse(b, 2)).mul(0.5).squeeze([0]) as tf.Tensor2D;
  });
  return {
    config: Object.freeze({ ...c }),
    estimateDisparity(image) { check(image); return disparity(image); },
    estimate(image) {
      check(image);
      const [h, w] = c.outputSize ?? [image.shape[0], image.shape[1]];
      // the same kernels on every keyframe of a size: on wasm a replayed program after two calls
      // (src/tf/accel/replay/replay-cache.ts), without TF.js's engine between the net's ~60 kernel calls
      return replayed(net, `${image.dtype}|${image.shape}|${h}x${w}`, image, () => tf.tidy(() => {
        const depth = disparityToDepth(disparity(image), c.lowQuantile, c.highQuantile);
        return tf.image.resizeBilinear(depth.expandDims(2) as tf.Tensor3D, [h, w], false, true).squeeze([2]) as tf.Tensor2D;
      }));
    },
    dispose() { if (!disposed) { disposed = true; releasePrograms(net); net.dispose(); } },
  };
}
