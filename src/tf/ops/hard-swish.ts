// MobileNetV3's h-swish, x·(1/6) · relu6(x + 3), and its h-sigmoid, (1/6)·relu6(x + 3) (each squeeze-excite
// block's gate: Add, Relu6, Mul, three kernels forward and three in the tape's backward pass on a [1,1,1,C]
// vector, ~5 µs of overhead each; six gates on the textures path), each as one graph op. H-swish: the graph spells it as Mul, Add, Relu6, Mul
// (four kernels forward, about ten in the tape's backward pass, each a pass over the activation), ~17 times
// on the textures recipe's path. src/model/passes.ts folds that pattern into this op at load time. On wasm it is
// one SIMD pass each way (src/tf/accel/heap) with the same float32 roundings as the four ops and their
// TF.js gradients; elsewhere it runs as those ops. The scalars (1/6 and 3, from the graph's constants) are inputs.
import * as tf from '@tensorflow/tfjs';
import { HARD_SIGMOID, HARD_SIGMOID_GRAD, HARD_SWISH, HARD_SWISH_GRAD } from './names';
import { hasKernel, registerOnce } from '../registry';

/** (x·s)·relu6(x + t): one kernel where the backend has it, else the graph's own four ops. */
export function hardSwish(x: tf.Tensor, s: tf.Tensor, t: tf.Tensor): tf.Tensor {
  if (hasKernel(HARD_SWISH)) return tf.engine().runKernel(HARD_SWISH, { x, s, t }) as tf.Tensor;
  return tf.tidy(() => tf.mul(tf.mul(s, x), tf.relu6(tf.add(x, t))));
}

/** s·relu6(x + t): one kernel where the backend has it, else the graph's own three ops. */
export function hardSigmoid(x: tf.Tensor, s: tf.Tensor, t: tf.Tensor): tf.Tensor {
  if (hasKernel(HARD_SIGMOID)) return tf.engine().runKernel(HARD_SIGMOID, { x, s, t }) as tf.Tensor;
  return tf.tidy(() => tf.mul(s, tf.relu6(tf.add(x, t))));
}

/** The pre-activation's mask, as src/tf/overrides/relu6.ts's dy · (p == relu6(p)): 0 ≤ x + t ≤ 6. */
const relu6Mask = (x: tf.Tensor, t: tf.Tensor) => { const p = tf.add(x, t); return tf.cast(tf.equal(p, tf.relu6(p)), 'float32'); };

type Grads = { x: () => tf.Tensor; s: () => tf.Tensor; t: () => tf.Tensor };
/** The gradient of an op of (x, s, t): x's through `gradKernel` where the backend has it, else `composite`'s. */
function registerGrad(kernelName: string, gradKernel: string, composite: (g: tf.Tensor, x: tf.Tensor, s: tf.Tensor, t: tf.Tensor) => Grads): void {
  tf.registerGradient({
    kernelName,
    inputsToSave: ['x', 's', 't'],
    gradFunc: (dy, saved) => {
      const [x, s, t] = saved;
      const g = dy as tf.Tensor;
      const c = composite(g, x, s, t);
      return { x: () => (hasKernel(gradKernel) ? tf.engine().runKernel(gradKernel, { dy: g, x, s, t }) as tf.Tensor : c.x()), s: c.s, t: c.t };
    },
  });
}

/** Register the ops with the graph converter and their gradients (global, idempotent). Returns whether it did now. */
export const registerHardSwish = registerOnce(() => {
  registerGrad(HARD_SWISH, HARD_SWISH_GRAD, (g, x, s, t) => ({
    x: () => tf.add(tf.mul(tf.mul(g, tf.relu6(tf.add(x, t))), s), tf.mul(tf.mul(g, tf.mul(s, x)), relu6Mask(x, t))),
    s: () => tf.sum(tf.mul(tf.mul(g, tf.relu6(tf.add(x, t))), x)),
    t: () => tf.sum(tf.mul(tf.mul(g, tf.mul(s, x)), relu6Mask(x, t))),
  }));
  tf.registerOp(HARD_SWISH, (node) => hardSwish(node.inputs[0], node.inputs[1], node.inputs[2]));
  registerGrad(HARD_SIGMOID, HARD_SIGMOID_GRAD, (g, x, s, t) => ({
    x: () => tf.mul(tf.mul(g, s), relu6Mask(x, t)),
    s: () => tf.sum(tf.mul(g, tf.relu6(tf.add(x, t)))),
    t: () => tf.sum(tf.mul(tf.mul(g, s), relu6Mask(x, t))),
  }));
  tf.registerOp(HARD_SIGMOID, (node) => hardSigmoid(node.inputs[0], node.inputs[1], node.inputs[2]));
});
