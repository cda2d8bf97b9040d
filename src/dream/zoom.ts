// The endless-zoom step: magnify an image by `s` about a focus point, with exact half-pixel-centre sampling.
import * as tf from '@tensorflow/tfjs';
import type { Focus } from './protocol';
export type { Focus };

/**
 * Source pixel coordinate (continuous, pixel centres at integers) sampled by output pixel `i` of an axis of
 * `n` pixels, magnified by `s` about `f` ∈ [0,1]. Output centre (i+½)/n maps to f + ((i+½)/n − f)/s.
 */
export function zoomSourceCoord(i: number, n: number, s: number, f: number): number {
  return (f + ((i + 0.5) / n - f) / s) * n - 0.5;
}

/**
 * Magnify `image` ([1,h,w,c]) by `s` ≥ 1 about `focus`, bilinear, edges clamped. The focus stays put: a
 * feature at (u,v) is at (u,v) after the zoom. Output has the same shape.
 */
export function zoom(image: tf.Tensor4D, s: number, focus: Focus): tf.Tensor4D {
  const [u, v] = focus;
  if (!(s >= 1 && Number.isFinite(s))) throw new Error(`zoom: factor must be a finite number ≥ 1, got ${s}`);
  if (!(u >= 0 && u <= 1 && v >= 0 && v <= 1)) throw new Error(`zoom: focus must be in [0,1]², got (${u}, ${v})`);
  const [, h, w] = image.shape;
  // tf.image.transform maps output pixel (x,y) (integer indices) to input (a0·x + a2, b1·y + b2).
  // From zoomSourceCoord: src = x/s + (f·n − ½)(1 − 1/s).
  const k = 1 / s;
  const tx = (u * w - 0.5) * (1 - k);
  const ty = (v * h - 0.5) * (1 - k);
  return tf.tidy(() =>
    tf.image.transform(image, tf.tensor2d([[k, 0, tx, 0, k, ty, 0, 0]]), 'bilinear', 'nearest'),
  );
}
