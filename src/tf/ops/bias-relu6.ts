// BiasAdd + Relu6 (after every conv of a MobileNet) as one graph op: one pass over the activation instead of two
// on wasm (src/tf/accel/heap), two fewer engine calls in the forward pass and a one-pass gradient.
// src/model/passes.ts rewrites BiasAdd → Relu6 pairs into this op at load time; it is registered with the graph
// converter here, so a graph that has it loads on every backend (elsewhere it runs as Add + Relu6).
// Gradient: dy · (0 ≤ x + bias ≤ 6), from the op's inputs: exactly src/tf/overrides/relu6.ts's dy · (x == relu6(x))
// on the pre-activation (the same f32 sum is recomputed), so the dream's gradients do not change.
import * as tf from '@tensorflow/tfjs';
import { BIAS_RELU6, BIAS_RELU6_GRAD } from './names';
import { hasKernel, registerOnce } from '../registry';

/** relu6(x + bias), bias [C] along x's last axis: one kernel where the backend has it, else Add + Relu6. */
export function biasRelu6(x: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  if (hasKernel(BIAS_RELU6)) return tf.engine().runKernel(BIAS_RELU6, { x, bias }) as tf.Tensor;
  return tf.tidy(() => tf.relu6(tf.add(x, bias)));
}

const maskedGrad = (dy: tf.Tensor, x: tf.Tensor, bias: tf.Tensor): tf.Tensor => {
  if (hasKernel(BIAS_RELU6_GRAD)) return tf.engine().runKernel(BIAS_RELU6_GRAD, { dy, x, bias }) as tf.Tensor;
  const p = tf.add(x, bias);
  return tf.mul(dy, tf.cast(tf.logicalAnd(tf.greaterEqual(p, 0), tf.lessEqual(p, 6)), 'float32'));
};

/** Register the op with the graph converter and its gradient (global, idempotent). Returns whether it did now. */
export const registerBiasRelu6 = registerOnce(() => {
  tf.registerGradient({
    kernelName: BIAS_RELU6,
    inputsToSave: ['x', 'bias'],
    gradFunc: (dy, saved) => {
      const [x, bias] = saved;
      const g = dy as tf.Tensor;
      return {
        x: () => maskedGrad(g, x, bias),
        bias: () => tf.sum(maskedGrad(g, x, bias), Array.from({ length: x.rank - 1 }, (_, i) => i)),
      };
    },
  });
  tf.registerOp(BIAS_RELU6, (node) => biasRelu6(node.inputs[0], node.inputs[1]));
});
