// The dream step's gradient as a replayed kernel program (src/tf/kernel-replay.ts): for a (model, objective,
// image shape), recorded on the second call, checked against TF.js on the third, replayed from then on (a
// shape seen once, like the worker's warm-up, costs nothing). Each keyframe runs 18 steps at three sizes, so
// from the first full keyframe on every gradient is a replay.
import * as tf from '@tensorflow/tfjs';
import { recordKernels, replayAllowed, type KernelProgram } from '../tf/kernel-replay';
import type { DreamModel } from './model';
import type { Objective } from './objectives';

/** Programs kept per model (objectives × sizes; a dream uses three sizes, the degrade path a few more), least recently used out first. */
export const MAX_PROGRAMS = 12;

interface Entry { program: KernelProgram | null; recorded: boolean; checked: boolean }
const byModel = new WeakMap<DreamModel, Map<string, Entry>>();
const objectiveIds = new WeakMap<Objective, number>();
let nextObjective = 0;
const keyOf = (obj: Objective, x: tf.Tensor) => {
  let id = objectiveIds.get(obj);
  if (id == null) objectiveIds.set(obj, (id = nextObjective++));
  return `${id}|${x.shape.join('x')}`;
};

/** How many programs `model` holds (tests). */
export const gradientPrograms = (model: DreamModel): number => byModel.get(model)?.size ?? 0;
/** The image shapes of `model`'s programs, least recently used first (tests). */
export const gradientProgramShapes = (model: DreamModel): string[] => [...(byModel.get(model)?.keys() ?? [])].map((k) => k.split('|')[1]);

/** Let go of every program recorded for `model` (they hold its weights): call when the model is disposed. */
export function releaseGradientPrograms(model: DreamModel): void {
  const m = byModel.get(model);
  if (!m) return;
  for (const e of m.values()) e.program?.dispose();
  byModel.delete(model);
}

/** Largest |a − b|, relative to the largest |a| (one readback: the check runs once per program). */
function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  const [d, s] = tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))), tf.max(tf.abs(a))]).map((t) => { const v = t.dataSync()[0]; t.dispose(); return v; });
  return s > 0 ? d / s : d;
}

/**
 * `grad(image)` (a pure function of `image` for this model and objective), replayed where a checked program
 * exists. The second call records, the third also replays and keeps the program only if it gave the same values;
 * a program that fails later (e.g. the backend was replaced) is dropped and recorded again.
 */
export function replayedGradient(model: DreamModel, obj: Objective, image: tf.Tensor4D, grad: () => tf.Tensor4D): tf.Tensor4D {
  if (!replayAllowed()) return grad();
  let programs = byModel.get(model);
  if (!programs) byModel.set(model, (programs = new Map()));
  const key = keyOf(obj, image);
  const e = programs.get(key);
  if (!e) {
    if (programs.size >= MAX_PROGRAMS) {
      const [oldest, entry] = programs.entries().next().value as [string, Entry];
      entry.program?.dispose();
      programs.delete(oldest);
    }
    programs.set(key, { program: null, recorded: false, checked: false });
    return grad(); // one-off shapes (a warm-up, the quick first keyframe) never pay for recording
  }
  programs.delete(key);
  programs.set(key, e); // the most recently used last: the least recently used goes first when full
  if (!e.recorded) {
    e.recorded = true;
    const { result, program } = recordKernels(image, grad);
    e.program = program;
    return result;
  }
  if (!e.program) return grad();
  if (!e.checked) {
    const want = grad();
    let got: tf.Tensor | null = null;
    try { got = e.program.run(image); } catch { /* dropped below */ }
    if (got && relativeError(want, got) <= 1e-6) e.checked = true;
    else { e.program.dispose(); e.program = null; } // TF.js from now on for this key
    got?.dispose();
    return want;
  }
  try {
    return e.program.run(image) as tf.Tensor4D;
  } catch {
    e.program.dispose();
    programs.delete(key); // recorded again next time
    return grad();
  }
}
