// A cheaper gradient for Mean (DeepDream's objective is mean(act²)). TF.js's own builds a tensor of ones the size
// of the activation in JS on every backward pass (makeOnesTypedArray, then an upload) and multiplies by it with a
// broadcast: ~4 % of a wasm crowds 128² step. Here dy / n is broadcast to the input's shape (one Tile): the
// same values (dy · 1 / n and dy / n are the same float operation), no JS-side allocation.
import * as tf from '@tensorflow/tfjs';

let original: tf.GradConfig | undefined | null = null; // null: ours is not registered

/** Ours (on = true) or TF.js's own (on = false; the bench's stock runs). Global; returns whether anything changed. */
export function setMeanGrad(on: boolean): boolean {
  if (on === (original !== null)) return false;
  if (!on) {
    if (original) tf.registerGradient(original);
    original = null;
    return true;
  }
  original = tf.getGradient('Mean');
  tf.registerGradient({
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
      const n = axes.reduce((p, a) => p * x.shape[a], 1);
      const kept = x.shape.map((s, i) => (axes.includes(i) ? 1 : s));
      return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, kept), n), x.shape) };
    },
  });
  return true;
}

export const registerMeanGrad = (): boolean => setMeanGrad(true);
