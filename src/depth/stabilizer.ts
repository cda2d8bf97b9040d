// Temporal stabilisation across the dream zoom. Each keyframe is the previous one magnified by a
// factor s about a focus (u, v) in [0,1]² and then dreamed further, so the previous keyframe's
// depth, warped by the same zoom, predicts most of the new one. We fuse the new prediction with
// that warp by an exponential moving average, so per-keyframe noise and the wobble of the per-frame
// [0,1] normalisation are damped and stereo does not "breathe" from keyframe to keyframe.
// Deliberately no re-fitting of the new map to the old one (least squares or moment matching): any
// such fit shrinks the contrast by the correlation on every keyframe, and over a long zoom the
// relief flattens. Both inputs of the plain EMA are [0,1]-normalised, so its contrast cannot drift.
import * as tf from '@tensorflow/tfjs';

export interface ZoomStep {
  /** Magnification from the previous keyframe to this one (> 0; > 1 zooms in). */
  scale: number;
  /** Fixed point of the zoom in normalised image coordinates, x right, y down. */
  focus: [number, number];
}

export interface DepthStabilizerConfig {
  /** Weight of the new prediction in (0, 1]; 1 disables smoothing. */
  alpha: number;
}

export const DEFAULT_DEPTH_STABILIZER_CONFIG: Readonly<DepthStabilizerConfig> = Object.freeze({ alpha: 0.4 });

export interface DepthStabilizer {
  /** depth: [h,w] in [0,1] for the new keyframe → stabilised [h,w] in [0,1]. Caller owns the result;
   *  the stabiliser keeps its own copy. */
  fuse(depth: tf.Tensor2D, zoom: ZoomStep): tf.Tensor2D;
  /** The previous map warped by `zoom`, kept as the new previous one (a keyframe without a new prediction,
   *  src/depth/cadence.ts); null when there is none yet. Caller owns the result. */
  predict(zoom: ZoomStep): tf.Tensor2D | null;
  reset(): void;
  dispose(): void;
}

export function validateDepthStabilizerConfig(config: Partial<DepthStabilizerConfig> = {}): DepthStabilizerConfig {
  const c = { ...DEFAULT_DEPTH_STABILIZER_CONFIG, ...config };
  if (!(c.alpha > 0 && c.alpha <= 1)) throw new Error(`alpha must be in (0, 1], got ${c.alpha}`);
  return c;
}

/** Previous map as seen after zooming by `scale` about `focus` (bilinear; the edge repeats when zooming out). */
export function warpByZoom(prev: tf.Tensor2D, zoom: ZoomStep): tf.Tensor2D {
  const { scale: s, focus: [u, v] } = zoom;
  if (!(s > 0)) throw new Error(`zoom scale must be > 0, got ${s}`);
  if (!(u >= 0 && u <= 1 && v >= 0 && v <= 1)) throw new Error(`zoom focus must be in [0,1]², got [${u}, ${v}]`);
  const [h, w] = prev.shape;
  return tf.tidy(() => {
    // new pixel p (normalised) shows previous point f + (p − f)/s; cropAndResize samples corner-aligned
    const box = [v - v / s, u - u / s, v + (1 - v) / s, u + (1 - u) / s];
    const img = prev.reshape([1, h, w, 1]) as tf.Tensor4D;
    const out = tf.image.cropAndResize(img, tf.tensor2d([box]), [0], [h, w], 'bilinear', 0);
    // out-of-range samples (zoom out) get the nearest edge value instead of 0
    const clamped = s < 1 ? tf.image.cropAndResize(img, tf.tensor2d([box.map((b) => Math.min(1, Math.max(0, b)))]), [0], [h, w], 'bilinear') : null;
    if (!clamped) return out.reshape([h, w]) as tf.Tensor2D;
    const grid = tf.image.cropAndResize(tf.ones([1, h, w, 1]), tf.tensor2d([box]), [0], [h, w], 'bilinear', 0);
    return out.add(clamped.mul(tf.scalar(1).sub(grid))).reshape([h, w]) as tf.Tensor2D;
  });
}

export function createDepthStabilizer(config: Partial<DepthStabilizerConfig> = {}): DepthStabilizer {
  const c = validateDepthStabilizerConfig(config);
  let prev: tf.Tensor2D | null = null;
  const keep = (t: tf.Tensor2D) => { prev?.dispose(); prev = tf.keep(t.clone()); };
  return {
    fuse(depth, zoom) {
      if (prev === null || prev.shape[0] !== depth.shape[0] || prev.shape[1] !== depth.shape[1]) {
        const out = depth.clone();
        keep(out);
        return out;
      }
      const p = prev;
      const out = tf.tidy(() => {
        const warped = warpByZoom(p, zoom);
        return depth.mul(c.alpha).add(warped.mul(1 - c.alpha)).clipByValue(0, 1) as tf.Tensor2D;
      });
      keep(out);
      return out;
    },
    predict(zoom) {
      if (prev === null) return null;
      const p = prev;
      const out = tf.tidy(() => warpByZoom(p, zoom));
      keep(out);
      return out;
    },
    reset() { prev?.dispose(); prev = null; },
    dispose() { prev?.dispose(); prev = null; },
  };
}
