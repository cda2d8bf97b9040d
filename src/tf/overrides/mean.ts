// A cheaper gradient for Mean (DeepDream's objective is mean(act²); squeeze-excite blocks pool by a mean over H,W).
// TF.js's own builds a tensor of ones the size of the activation in JS on every backward pass (makeOnesTypedArray,
// then an upload) and multiplies by it with a broadcast: ~4 % of a wasm crowds 128² step. Here, where every reduced
// axis comes before the kept ones (size-1 axes aside: a full mean, or [1,h,w,c] over H,W), dx is dy / n repeated,
// filled into the input's shape on the heap (the wasm accelerator's FILL_LIKE; wasm's Tile is slower still): the
// same values (dy · 1 / n and dy / n are the same float operation), no JS-side allocation. Other reductions and
// backends: TF.js's own.
import * as tf from '@tensorflow/tfjs';
import { FILL_LIKE } from '../ops/names';
import { hasKernel, overrideGradient, type Restore } from '../registry';

/** Register the cheaper Mean gradient; returns what puts TF.js's back. */
export const overrideMeanGrad = (): Restore => overrideGradient('Mean', (own) => ({
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const g = dy as tf.Tensor;
    const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
    let lead = 0; // the leading axes that are reduced or of size 1
    while (lead < x.rank && (axes.includes(lead) || x.shape[lead] === 1)) lead++;
    if (!axes.every((a) => a < lead) || !hasKernel(FILL_LIKE)) return own!.gradFunc(dy, saved, attrs);
    return { x: () => tf.engine().runKernel(FILL_LIKE, { x: tf.div(g, x.size / g.size) }, { shape: x.shape }) as tf.Tensor };
  },
}));
