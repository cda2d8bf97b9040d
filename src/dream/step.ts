// The optimiser: gradient ascent step and the octave loop, after google/deepdream's dream.ipynb
// (`make_step`, `deepdream`). Images are [1,h,w,3] in [0,1].
import * as tf from '@tensorflow/tfjs';
import type { DreamModel } from '../model';
import { activationsOf, validateObjective, type Objective } from './objectives';
import { replayedGradient } from './replay';
import { ascentUpdate } from '../tf';
import { identity, type Rng, type Transform } from './transforms';

export interface StepConfig {
  stepSize: number; // in [0,1] image units per step, after normalising by mean|g|
  transform?: Transform;
  rng?: Rng;
  /** Above this size, gradients are computed on fixed-shape tiles (one shader set on WebGL). */
  tileSize?: number;
}
export interface OctaveConfig extends StepConfig {
  octaves: number; // pyramid levels, e.g. 3
  octaveScale: number; // e.g. 1.4
  steps: number; // ascent steps per octave
}

/** d objective / d image. Validates first: an exception inside tf.grad leaks its tensors. */
export function gradient(model: DreamModel, image: tf.Tensor4D, obj: Objective, tileSize = Infinity): tf.Tensor4D {
  validateObjective(model, obj);
  const [, h, w] = image.shape;
  const grad = tf.grad((x: tf.Tensor) => obj(activationsOf(model, x as tf.Tensor4D, obj.nodes)));
  // the same kernels every step: after a recorded and a checked call, replayed without TF.js's engine (replay.ts)
  if (h <= tileSize && w <= tileSize) return replayedGradient(model, obj, image, () => tf.tidy(() => grad(image) as tf.Tensor4D));
  return tf.tidy(() => {
    // Tiles of one fixed shape: starts at 0, t, 2t, … with the last one flush with the edge (overlap averaged).
    const starts = (n: number) => {
      const t = Math.min(tileSize, n);
      const s = [];
      for (let p = 0; p + t < n; p += t) s.push(p);
      return [...s, n - t];
    };
    const th = Math.min(tileSize, h), tw = Math.min(tileSize, w);
    let g = tf.zeros(image.shape) as tf.Tensor4D;
    let count = tf.zeros([1, h, w, 1]) as tf.Tensor4D;
    for (const y of starts(h)) for (const x of starts(w)) {
      const tile = tf.slice(image, [0, y, x, 0], [1, th, tw, 3]);
      const pads: [number, number][] = [[0, 0], [y, h - y - th], [x, w - x - tw], [0, 0]];
      g = tf.add(g, tf.pad(grad(tile) as tf.Tensor4D, pads));
      count = tf.add(count, tf.pad(tf.ones([1, th, tw, 1]), pads));
    }
    return tf.div(g, count) as tf.Tensor4D;
  });
}

/** One ascent step: jitter → forward → objective → grad → normalise by mean|g| → step → un-jitter → clip. */
export function ascentStep(model: DreamModel, image: tf.Tensor4D, obj: Objective, cfg: StepConfig): tf.Tensor4D {
  validateObjective(model, obj);
  const warp = (cfg.transform ?? identity)(cfg.rng ?? Math.random);
  return tf.tidy(() => {
    const g = warp.inverse(gradient(model, warp.forward(image), obj, cfg.tileSize));
    return ascentUpdate(image, g, cfg.stepSize);
  });
}

const resize = (x: tf.Tensor4D, h: number, w: number) => tf.image.resizeBilinear(x, [h, w], false, true);

/**
 * The octave loop: dream on a pyramid from small to full size; the detail (dreamed − base) is carried up.
 * Returns a new image the caller owns; `image` is not disposed.
 */
export function dreamOctaves(model: DreamModel, image: tf.Tensor4D, obj: Objective, cfg: OctaveConfig): tf.Tensor4D {
  return drain(dreamOctaveSteps(model, image, obj, cfg));
}

/** Run a sliced computation to its end, synchronously. */
export function drain<T>(g: Generator<void, T>): T {
  for (;;) { const r = g.next(); if (r.done) return r.value; }
}

/**
 * `dreamOctaves` in slices: yields after every ascent step, so a caller can let other work in between (the
 * worker answers commands there). `image` must stay alive until it finishes. Abandoning it (`return()`)
 * frees its intermediates.
 */
export function* dreamOctaveSteps(model: DreamModel, image: tf.Tensor4D, obj: Objective, cfg: OctaveConfig): Generator<void, tf.Tensor4D> {
  validateObjective(model, obj);
  const [, h, w] = image.shape;
  const sizes = Array.from({ length: cfg.octaves }, (_, i) => [Math.round(h / cfg.octaveScale ** i), Math.round(w / cfg.octaveScale ** i)]).reverse();
  let detail: tf.Tensor4D | null = null;
  let base: tf.Tensor4D | null = null;
  let src: tf.Tensor4D | null = null;
  let done = false;
  try {
    for (const [oh, ow] of sizes) {
      base = tf.tidy(() => resize(image, oh, ow));
      const b = base;
      src = tf.tidy(() => (detail ? tf.add(b, resize(detail, oh, ow)) : b.clone()) as tf.Tensor4D);
      for (let i = 0; i < cfg.steps; i++) {
        const next: tf.Tensor4D = ascentStep(model, src, obj, cfg);
        src.dispose();
        src = next;
        yield;
      }
      detail?.dispose();
      detail = tf.sub(src, base) as tf.Tensor4D;
      base.dispose();
      base = null;
      if (oh !== h || ow !== w) { src.dispose(); src = null; }
    }
    done = true;
    return src!;
  } finally {
    detail?.dispose();
    base?.dispose();
    if (!done) src?.dispose();
  }
}
