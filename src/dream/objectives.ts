// What to maximise (Lucid's optvis.objectives). An objective reads named activations and returns a scalar;
// objectives compose with `sum` and `scale`. All run inside tf.grad, so they must be synchronous.
import * as tf from '@tensorflow/tfjs';
import type { DreamModel } from '../model';

/** Activations of the current image, plus a forward pass on other images (for `guide`). */
export interface Activations {
  get(node: string): tf.Tensor; // [1,h,w,c] for the NHWC nets; channel = last axis
  of(image: tf.Tensor4D, node: string): tf.Tensor;
}
export interface Objective {
  (acts: Activations): tf.Scalar;
  /** Graph nodes this objective reads (validated against the model before differentiating). */
  readonly nodes: readonly string[];
  readonly description: string;
}

function objective(nodes: readonly string[], description: string, f: (acts: Activations) => tf.Scalar): Objective {
  return Object.assign(f, { nodes, description });
}

/** DeepDream's L2 objective: weight · mean(act²) of a whole layer. */
export const layer = (name: string, weight = 1): Objective =>
  objective([name], `layer(${name}, ${weight})`, (a) => tf.mul(tf.mean(tf.square(a.get(name))), weight));

/** Mean activation of one channel (last axis) of a layer. */
export const channel = (name: string, index: number, weight = 1): Objective =>
  objective([name], `channel(${name}, ${index}, ${weight})`, (a) => {
    const act = a.get(name);
    const c = act.shape[act.rank - 1];
    if (index < 0 || index >= c) throw new Error(`channel: index ${index} out of range for '${name}' with ${c} channels`);
    const begin = act.shape.map((_, i) => (i === act.rank - 1 ? index : 0));
    const size = act.shape.map((s, i) => (i === act.rank - 1 ? 1 : s));
    return tf.mul(tf.mean(tf.slice(act, begin, size)), weight);
  });

/**
 * DeepDream's guided objective (dream.ipynb `objective_guide`): every position's feature vector is pulled
 * towards the most similar feature of the guide image. `guide` is [1,h,w,3] in [0,1], any size; it is
 * re-encoded each call (no state to dispose).
 */
export const guide = (name: string, image: tf.Tensor4D, weight = 1): Objective =>
  objective([name], `guide(${name}, ${weight})`, (a) => {
    const x = a.get(name);
    const c = x.shape[x.rank - 1];
    const xs = tf.reshape(x, [-1, c]); // [n,c]
    const ys = tf.reshape(a.of(image, name), [-1, c]); // [m,c]
    // Best match per position; the match itself is a constant (argmax and one-hot have zero gradient;
    // tf.gather would try to differentiate its int32 indices).
    const best = tf.oneHot(tf.argMax(tf.matMul(xs, ys, false, true), 1), ys.shape[0]);
    const target = tf.matMul(best, ys);
    return tf.mul(tf.div(tf.sum(tf.mul(xs, target)), xs.shape[0]), weight);
  });

/** Sum of objectives (Lucid's `+`). */
export function sum(...objs: Objective[]): Objective {
  if (objs.length === 0) throw new Error('sum: needs at least one objective');
  const nodes = [...new Set(objs.flatMap((o) => o.nodes))];
  return objective(nodes, objs.map((o) => o.description).join(' + '), (a) => tf.addN(objs.map((o) => o(a))) as tf.Scalar);
}

/** Objective times a constant (Lucid's `*`). */
export const scale = (obj: Objective, k: number): Objective =>
  objective(obj.nodes, `${k} * (${obj.description})`, (a) => tf.mul(obj(a), k));

/** Activations for `image` on `model`, computing each requested node once. Call inside tf.tidy / tf.grad. */
export function activationsOf(model: DreamModel, image: tf.Tensor4D, nodes: readonly string[]): Activations {
  const outs = model.activations(image, nodes);
  const byName = new Map(nodes.map((n, i) => [n, outs[i]]));
  return {
    get: (node) => {
      const t = byName.get(node);
      if (t == null) throw new Error(`objective reads node '${node}' that was not computed`);
      return t;
    },
    of: (other, node) => model.activations(other, [node])[0],
  };
}

/** Throw (outside tf.grad, where an exception would leak) if the model lacks a node the objective reads. */
export function validateObjective(model: DreamModel, obj: Objective): void {
  const missing = obj.nodes.filter((n) => !model.hasNode(n));
  if (missing.length) throw new Error(`unknown node ${missing.map((n) => `'${n}'`).join(', ')} in model '${model.entry.id}'`);
}

/** Evaluate an objective on an image (no gradient). Returns a scalar tensor the caller owns. */
export function evaluate(model: DreamModel, image: tf.Tensor4D, obj: Objective): tf.Scalar {
  validateObjective(model, obj);
  return tf.tidy(() => obj(activationsOf(model, image, obj.nodes)));
}
