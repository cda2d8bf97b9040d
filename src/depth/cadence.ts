// Depth within a share of the dream's time. The depth net costs the same ~20 ms per keyframe whatever the
// dream's size, so when the dream runs fast (small keyframes, a fast backend) depth's share of the worker grows
// and the dream slows. The stabiliser already builds each map as 0.6 × the previous one warped by the zoom
// (src/depth/stabilizer.ts); on a keyframe the budget cannot pay for, that warp alone is the map. A credit
// grows by `share` × each keyframe's dream time and each run of the net spends its measured time (but the first
// one: a new dream has no map to warp); the net runs when the credit is not negative, on the first keyframe,
// and at least every `maxSkip + 1` keyframes.

import * as tf from '@tensorflow/tfjs';
import type { DepthEstimator } from './estimator.ts';
import type { DepthStabilizer, ZoomStep } from './stabilizer.ts';

export interface DepthCadenceConfig {
  /** Depth's time as a share of the dream's, in (0, 1]; 1 with a fast net runs it on every keyframe. */
  share: number;
  /** Keyframes in a row that may reuse the warped previous map (an integer ≥ 0; 0 runs the net every time). */
  maxSkip: number;
}

/** 0.18: under the bench's B3 target of 0.2 (bench/README.md) with room for the noise of one keyframe's timing. */
export const DEFAULT_DEPTH_CADENCE_CONFIG: Readonly<DepthCadenceConfig> = Object.freeze({ share: 0.18, maxSkip: 2 });

export interface DepthCadence {
  /** Whether the next keyframe runs the depth net (else: the previous map warped by the zoom). */
  runNet(): boolean;
  /** After a keyframe: its dream time (ms, rests excluded) and the net's time if it ran (else null). */
  record(dreamMs: number, netMs: number | null): void;
  /** A new dream (a seed, a recipe): the next keyframe runs the net. */
  reset(): void;
  /** Keyframes that ran the net / that reused the warped map, since creation. */
  readonly runs: number;
  readonly skips: number;
}

export function validateDepthCadenceConfig(config: Partial<DepthCadenceConfig> = {}): DepthCadenceConfig {
  const c = { ...DEFAULT_DEPTH_CADENCE_CONFIG, ...config };
  if (!(c.share > 0 && c.share <= 1)) throw new Error(`share must be in (0, 1], got ${c.share}`);
  if (!(Number.isInteger(c.maxSkip) && c.maxSkip >= 0)) throw new Error(`maxSkip must be an integer >= 0, got ${c.maxSkip}`);
  return c;
}

export function createDepthCadence(config: Partial<DepthCadenceConfig> = {}): DepthCadence {
  const c = validateDepthCadenceConfig(config);
  let credit = 0, netMs: number | null = null, skipped = 0, runs = 0, skips = 0;
  return {
    runNet: () => netMs === null || skipped >= c.maxSkip || credit >= 0,
    record(dreamMs, ran) {
      if (!(dreamMs >= 0)) throw new Error(`dreamMs must be >= 0, got ${dreamMs}`);
      credit += c.share * dreamMs;
      // the first map of a dream is not the budget's choice (there is nothing to warp yet): it is not charged
      if (ran != null) { if (netMs !== null) credit -= ran; netMs = ran; skipped = 0; runs++; } else { skipped++; skips++; }
      // at most one run banked ahead, and no debt deeper than the forced runs can ever pay
      if (netMs !== null) credit = Math.min(netMs, Math.max(-(c.maxSkip + 1) * netMs, credit));
    },
    reset() { credit = 0; netMs = null; skipped = 0; },
    get runs() { return runs; },
    get skips() { return skips; },
  };
}

/**
 * One keyframe's stabilised depth within the budget (the worker's, and the bench's copy of it): where `cadence`
 * allows, the net's prediction fused with the previous map warped by `zoom`, else that warp alone. Records the
 * keyframe with `dreamMs` and the net's time; `ran` says whether the net ran. Caller owns `depth`.
 */
export function budgetedDepth(estimator: DepthEstimator, stabilizer: DepthStabilizer, cadence: DepthCadence, image: tf.Tensor3D, zoom: ZoomStep, dreamMs: number): { depth: tf.Tensor2D; ran: boolean } {
  const t0 = performance.now();
  const predicted = cadence.runNet() ? null : stabilizer.predict(zoom);
  const depth = predicted ?? tf.tidy(() => stabilizer.fuse(estimator.estimate(image), zoom));
  // wasm runs the kernels before estimate() returns; on webgl this is the dispatch only (the net then runs more often)
  cadence.record(dreamMs, predicted ? null : performance.now() - t0);
  return { depth, ran: !predicted };
}
