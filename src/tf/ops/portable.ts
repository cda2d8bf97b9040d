// Portable ops for the domain code (dream, depth): each runs the backend's accelerated kernel where the active
// backend has one (the wasm accelerator's, src/tf/accel) and otherwise the composite of stock TF.js ops that the
// tests compare it with. Domain code calls these and never names a kernel.
import * as tf from '@tensorflow/tfjs';
import { ASCENT_UPDATE, INTERLEAVE_2X2, ROLL } from './names';
import { hasKernel } from '../registry';

/**
 * DeepDream's normalised ascent step: clip(x + g · stepSize / (mean|g| + 1e-8), 0, 1).
 * x, g: [1,h,w,3] float32; stepSize in image units per step.
 */
export function ascentUpdate(x: tf.Tensor4D, g: tf.Tensor4D, stepSize: number): tf.Tensor4D {
  if (x.dtype === 'float32' && hasKernel(ASCENT_UPDATE)) return tf.engine().runKernel(ASCENT_UPDATE, { x, g }, { stepSize }) as tf.Tensor4D;
  return tf.tidy(() => {
    const step = tf.div(stepSize, tf.add(tf.mean(tf.abs(g)), 1e-8));
    return tf.clipByValue(tf.add(x, tf.mul(g, step)), 0, 1) as tf.Tensor4D;
  });
}

/** Cyclic shift by (dy, dx) pixels along H and W (np.roll) of [n,h,w,c]. */
export function roll(x: tf.Tensor4D, dy: number, dx: number): tf.Tensor4D {
  if (x.dtype === 'float32' && hasKernel(ROLL)) return tf.engine().runKernel(ROLL, { x }, { dy, dx }) as tf.Tensor4D;
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const cut = (t: tf.Tensor4D, axis: 1 | 2, n: number, k: number): tf.Tensor4D => {
      const s = ((k % n) + n) % n;
      if (s === 0) return t;
      const parts = tf.split(t, [n - s, s], axis);
      return tf.concat([parts[1], parts[0]], axis) as tf.Tensor4D;
    };
    return cut(cut(x, 1, h, dy), 2, w, dx);
  });
}

/**
 * Interleaves four [n,h,w,c] phase maps into one [n,2h,2w,c]: out[2i+a, 2j+b] = p_ab[i, j]. Composite: columns
 * within each row phase, then rows, by stacking whole blocks.
 */
export function interleave2x2(p00: tf.Tensor4D, p01: tf.Tensor4D, p10: tf.Tensor4D, p11: tf.Tensor4D): tf.Tensor4D {
  if (hasKernel(INTERLEAVE_2X2)) return tf.engine().runKernel(INTERLEAVE_2X2, { p00, p01, p10, p11 }) as tf.Tensor4D;
  return tf.tidy(() => {
    const [n, h, w, ch] = p00.shape;
    const row = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.reshape(tf.stack([a, b], 3), [n, h, 2 * w, ch]);
    return tf.reshape(tf.stack([row(p00, p01), row(p10, p11)], 2), [n, 2 * h, 2 * w, ch]) as tf.Tensor4D;
  });
}

/** Explicit padding of a 4-D NHWC conv: [[0,0],[top,bottom],[left,right],[0,0]]. */
export type ConvPad = [[0, 0], [number, number], [number, number], [0, 0]];
