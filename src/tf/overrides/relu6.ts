// A cheaper gradient for Relu6 (every MobileNet activation). TF.js's own is
//   dy · cast(lessEqual(x, 6) · step(x))          — 6 kernels, one of them a scalar broadcast (slow on wasm:
// there LessEqual + Step are ~¼ of a crowds step). Here: the forward output y = min(max(x,0),6)
// equals x exactly where the gradient passes, so
//   dy · cast(equal(x, y))                         — 3 kernels, no broadcast.
// Identical except at x = 0 exactly (a subgradient either way: 1 here, 0 in TF.js) and NaN (0 in both).
// Where the backend has the fused kernel (the wasm accelerator's): that mask and product in 1 kernel.
import * as tf from '@tensorflow/tfjs';
import { RELU6_GRAD } from '../ops/names';
import { hasKernel, overrideGradient, type Restore } from '../registry';

/** Register the cheaper Relu6 gradient; returns what puts TF.js's back. */
export const overrideRelu6Grad = (): Restore => overrideGradient('Relu6', () => ({
  kernelName: 'Relu6',
  inputsToSave: ['x'],
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [x, y] = saved;
    if (hasKernel(RELU6_GRAD)) return { x: () => tf.engine().runKernel(RELU6_GRAD, { dy: dy as tf.Tensor, x, y }) as tf.Tensor };
    return { x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.equal(x, y), 'float32')) };
  },
}));
