// The dream step's gradient as a replayed kernel program (src/tf/accel/replay/kernel-replay.ts): for a (model, objective,
// image shape), recorded on the second call, checked against TF.js on the third, replayed from then on (a
// shape seen once, like the worker's warm-up, costs nothing). Each keyframe runs 18 steps at three sizes, so
// from the first full keyframe on every gradient is a replay.
import * as tf from '@tensorflow/tfjs';
import { MAX_PROGRAMS, programCount, programKeys, replayed } from '../tf';
import type { DreamModel } from '../model';
import type { Objective } from './objectives';

export { MAX_PROGRAMS };

const objectiveIds = new WeakMap<Objective, number>();
let nextObjective = 0;
const keyOf = (obj: Objective, x: tf.Tensor) => {
  let id = objectiveIds.get(obj);
  if (id == null) objectiveIds.set(obj, (id = nextObjective++));
  return `${id}|${x.shape.join('x')}`;
};

/** How many programs `model` holds (tests). */
export const gradientPrograms = (model: DreamModel): number => programCount(model);
/** The image shapes of `model`'s programs, least recently used first (tests). */
export const gradientProgramShapes = (model: DreamModel): string[] => programKeys(model).map((k) => k.split('|')[1]);

/**
 * `grad(image)` (a pure function of `image` for this model and objective), replayed where a checked program
 * exists (src/tf/accel/replay/replay-cache.ts: recorded on the second call, checked on the third).
 */
export function replayedGradient(model: DreamModel, obj: Objective, image: tf.Tensor4D, grad: () => tf.Tensor4D): tf.Tensor4D {
  return replayed(model, keyOf(obj, image), image, grad);
}
