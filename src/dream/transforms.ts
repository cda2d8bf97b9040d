// Robustness transforms (Lucid's optvis.transform). A Transform draws its random parameters and returns a
// Warp: `forward` is applied to the image before the forward pass, `inverse` maps the gradient back (the
// notebook's roll / un-roll). Transforms compose with `compose`.
import * as tf from '@tensorflow/tfjs';
import { roll } from '../tf';
import type { Rng } from './rng';
export { seededRng, type Rng } from './rng';
export interface Warp {
  forward(x: tf.Tensor4D): tf.Tensor4D;
  inverse(g: tf.Tensor4D): tf.Tensor4D;
  /** Affine warps about the centre say their 2×2 matrices ([a,b,c,d], output offset → input offset), so `compose` can merge neighbours into one resampling. */
  affine?: { fwd: Mat2; inv: Mat2 };
}
type Mat2 = [number, number, number, number];
const mul2 = ([a, b, c, d]: Mat2, [e, f, g, h]: Mat2): Mat2 => [a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h];
export type Transform = (rng: Rng) => Warp;

const identityWarp: Warp = { forward: (x) => x, inverse: (g) => g };
export const identity: Transform = () => identityWarp;

export { roll };

/** Random integer roll of up to ±`px` pixels (DeepDream's jitter); exact inverse. */
export const jitter = (px: number): Transform => (rng) => {
  const dy = Math.round((rng() * 2 - 1) * px);
  const dx = Math.round((rng() * 2 - 1) * px);
  if (dx === 0 && dy === 0) return identityWarp;
  return { forward: (x) => roll(x, dy, dx), inverse: (g) => roll(g, -dy, -dx) };
};

/** Affine warp about the image centre; `m` maps output offsets to input offsets ([a,b;c,d], pixel units). */
function affineAboutCentre(x: tf.Tensor4D, m: Mat2, fill: 'reflect' | 'constant'): tf.Tensor4D {
  const [, h, w] = x.shape;
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  const [a, b, c, d] = m;
  return tf.tidy(() => tf.image.transform(x, tf.tensor2d([[a, b, cx - a * cx - b * cy, c, d, cy - c * cx - d * cy, 0, 0]]), 'bilinear', fill));
}
function matrixWarp(fwd: Mat2, inv: Mat2): Warp {
  // reflect-fill the image's border going in; gradients of pixels warped outside are 0 coming back
  return { forward: (x) => affineAboutCentre(x, fwd, 'reflect'), inverse: (g) => affineAboutCentre(g, inv, 'constant'), affine: { fwd, inv } };
}
function affineWarp(scale: number, radians: number): Warp {
  if (scale === 1 && radians === 0) return identityWarp;
  const cos = Math.cos(radians), sin = Math.sin(radians);
  // input offset = R(−θ)/s · output offset; the inverse is s·R(θ)
  return matrixWarp([cos / scale, sin / scale, -sin / scale, cos / scale], [cos * scale, -sin * scale, sin * scale, cos * scale]);
}

/**
 * Neighbouring affine warps as one: forward x(M₁·M₂·p), inverse g(N₂·N₁·p). One bilinear resampling instead of
 * two each way: less blur, and half the Transform calls (each a resampling of the whole image, forward and back).
 */
function mergeAffine(warps: Warp[]): Warp[] {
  const out: Warp[] = [];
  for (const w of warps) {
    if (w === identityWarp) continue;
    const prev = out[out.length - 1];
    if (prev?.affine && w.affine) out[out.length - 1] = matrixWarp(mul2(prev.affine.fwd, w.affine.fwd), mul2(w.affine.inv, prev.affine.inv));
    else out.push(w);
  }
  return out;
}

/** Random scale about the centre, one of `scales` (Lucid's random_scale), e.g. [0.95, 1, 1.05]. */
export const randomScale = (scales: readonly number[]): Transform => (rng) =>
  affineWarp(scales[Math.floor(rng() * scales.length)], 0);

/** Random rotation about the centre, one of `degrees` (Lucid's random_rotate), e.g. [-5, 0, 5]. */
export const randomRotate = (degrees: readonly number[]): Transform => (rng) =>
  affineWarp(1, (degrees[Math.floor(rng() * degrees.length)] * Math.PI) / 180);

/** Apply transforms left to right; gradients come back right to left. */
export const compose = (...ts: Transform[]): Transform => (rng) => {
  const warps = mergeAffine(ts.map((t) => t(rng)));
  return {
    forward: (x) => tf.tidy(() => warps.reduce((y, w) => w.forward(y), x)),
    inverse: (g) => tf.tidy(() => warps.reduceRight((y, w) => w.inverse(y), g)),
  };
};

