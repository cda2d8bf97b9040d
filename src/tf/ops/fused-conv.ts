// Conv2D / DepthwiseConv2dNative + BiasAdd + activation (linear, Relu, Relu6, LeakyRelu) as one graph op, so
// the forward pass runs as one XNNPACK call on wasm (the bias goes into the accumulators, the clamp into the
// store: no pass over the activation, two fewer engine calls per conv), with a gradient that computes only what
// a dream asks for: the input gradient (TF.js's own fused-conv gradient always computes the filter gradient,
// which wasm lacks, and supports no Relu6). src/model/passes.ts folds the chains into these ops at load time.
//
// The gradient's mask comes from the op's output y (the pre-activation is never stored): Relu y > 0, LeakyRelu
// y > 0 (both the same as from x), Relu6 0 < y < 6, which is TensorFlow's own Relu6Grad (TF.js's and
// src/tf/overrides/relu6.ts's also pass x = 6, and that one x = 0: where x is exactly 0 or 6, a measure-zero set).
// Backends without the fused kernel registered (all but wasm and webgl) run the same op as conv + Add + activation.
import * as tf from '@tensorflow/tfjs';
import { FUSED_CONV, FUSED_DEPTHWISE, LEAKY_RELU_GRAD, RELU6_OUT_GRAD } from './names';
import { currentKernel, hasKernel, overrideKernel, registerOnce, type Restore } from '../registry';

export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'leakyrelu';
export const FUSED_ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'relu6', 'leakyrelu'];

export interface FusedConvAttrs {
  strides: [number, number];
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
  dilations: [number, number];
  activation: FusedActivation;
  leakyreluAlpha: number;
}

function activate(y: tf.Tensor, a: FusedConvAttrs): tf.Tensor {
  switch (a.activation) {
    case 'relu': return tf.relu(y);
    case 'relu6': return tf.relu6(y);
    case 'leakyrelu': return tf.leakyRelu(y, a.leakyreluAlpha);
    default: return y;
  }
}

/** act(conv(x, filter) + bias), NHWC, bias [cout]: one kernel where the backend has it, else conv + Add + act. */
export function fusedConv(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, a: FusedConvAttrs, depthwise: boolean): tf.Tensor4D {
  const name = depthwise ? FUSED_DEPTHWISE : FUSED_CONV;
  if (hasKernel(name)) return tf.engine().runKernel(name, { x, filter, bias }, { ...a } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  return tf.tidy(() => {
    const c = depthwise ? tf.depthwiseConv2d(x, filter, a.strides, a.pad, 'NHWC', a.dilations) : tf.conv2d(x, filter, a.strides, a.pad, 'NHWC', a.dilations);
    return activate(tf.add(c, bias), a) as tf.Tensor4D;
  });
}

/** dy through the activation, from the op's output y. */
function maskedDy(dy: tf.Tensor, y: tf.Tensor, a: FusedConvAttrs): tf.Tensor {
  switch (a.activation) {
    case 'relu': // dy · step(y), TF.js's Relu gradient; on wasm one pass (LeakyRelu's with alpha 0: wasm's Greater is slow)
      if (hasKernel(LEAKY_RELU_GRAD)) return tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x: y }, { alpha: 0 }) as tf.Tensor;
      return tf.mul(dy, tf.step(y));
    case 'relu6':
      if (hasKernel(RELU6_OUT_GRAD)) return tf.engine().runKernel(RELU6_OUT_GRAD, { dy, y }) as tf.Tensor;
      return tf.mul(dy, tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 6)), 'float32'));
    case 'leakyrelu':
      if (hasKernel(LEAKY_RELU_GRAD)) return tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x: y }, { alpha: a.leakyreluAlpha }) as tf.Tensor;
      return tf.where(tf.greater(y, 0), dy, tf.mul(dy, a.leakyreluAlpha));
    default: return dy;
  }
}

function gradient(depthwise: boolean): tf.GradConfig {
  return {
    kernelName: depthwise ? FUSED_DEPTHWISE : FUSED_CONV,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved;
      const a = attrs as unknown as FusedConvAttrs;
      const g = () => maskedDy(dy as tf.Tensor, y, a);
      const common = { strides: a.strides, pad: a.pad, dimRoundingMode: undefined };
      return depthwise
        ? {
          x: () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: g(), filter }, { ...common, dilations: a.dilations, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
          filter: () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: g() }, { ...common, dilations: a.dilations, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
          bias: () => tf.sum(g(), [0, 1, 2]),
        }
        : {
          x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: g(), filter }, { ...common, dataFormat: 'NHWC', inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
          filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g() }, { ...common, dataFormat: 'NHWC', filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
          bias: () => tf.sum(g(), [0, 1, 2]),
        };
    },
  };
}

/** The graph converter's view of a node's attributes (decoded by tfjs-converter's NodeValueImpl). */
interface NodeAttrs { strides?: number[]; padding?: string; explicit_paddings?: number[]; dilations?: number[]; activation?: string; leakyrelu_alpha?: number }

/** FusedConvAttrs from the TF-style attributes the graph rewrite writes (strides/dilations as [1,h,w,1]). */
export function attrsFromNode(n: NodeAttrs): FusedConvAttrs {
  const s = n.strides ?? [1, 1, 1, 1], d = n.dilations ?? [1, 1, 1, 1];
  const p = (n.padding ?? 'valid').toLowerCase();
  const e = n.explicit_paddings ?? [];
  const pad: FusedConvAttrs['pad'] = p === 'explicit' ? [[e[0], e[1]], [e[2], e[3]], [e[4], e[5]], [e[6], e[7]]] : (p as 'same' | 'valid');
  const activation = (n.activation ?? 'linear').toLowerCase() as FusedActivation;
  if (!FUSED_ACTIVATIONS.includes(activation)) throw new Error(`fused conv: unsupported activation '${n.activation}'`);
  return { strides: [s[1], s[2]], pad, dilations: [d[1], d[2]], activation, leakyreluAlpha: n.leakyrelu_alpha ?? 0.2 };
}

/** Register both ops with the graph converter and their gradients (global, idempotent). Returns whether it did now. */
export const registerFusedConvOps = registerOnce(() => {
  tf.registerGradient(gradient(false));
  tf.registerGradient(gradient(true));
  for (const depthwise of [false, true]) {
    tf.registerOp(depthwise ? FUSED_DEPTHWISE : FUSED_CONV, (node) => {
      const [x, filter, bias] = node.inputs as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D];
      return fusedConv(x, filter, bias, attrsFromNode(node.attrs as NodeAttrs), depthwise);
    });
  }
});

/**
 * Backends whose fused conv kernels take a bias and these activations in one call: XNNPACK's on wasm, one shader
 * program on webgl (unfused, conv, Add and activation are three, each writing a texture the next one reads).
 * WebGPU's kernels take them too, but nothing here can run WebGPU to test them, so it keeps conv + Add + act.
 */
export const FUSED_CONV_BACKENDS: readonly string[] = ['wasm', 'webgl'];

/**
 * FUSED_CONV / FUSED_DEPTHWISE as `backendName`'s own FusedConv2D / FusedDepthwiseConv2D (whatever is registered
 * for those when the op runs: on wasm the accelerator's depthwise kernels, where installed). Without them the ops
 * run as conv + Add + activation. Returns what takes them out again.
 */
export function installFusedConvKernels(backendName: string): Restore {
  const restore = ([[FUSED_CONV, 'FusedConv2D'], [FUSED_DEPTHWISE, 'FusedDepthwiseConv2D']] as const).map(([name, base]) => {
    if (!tf.getKernel(base, backendName)) return () => {};
    const fn = currentKernel(backendName, base, name);
    return overrideKernel(backendName, name, () => (args) => {
      const a = args.attrs as unknown as FusedConvAttrs;
      return fn({ ...args, attrs: { strides: a.strides, pad: a.pad, dilations: a.dilations, dataFormat: 'NHWC', dimRoundingMode: undefined, activation: a.activation, leakyreluAlpha: a.leakyreluAlpha } } as unknown as Parameters<typeof fn>[0]) as tf.TensorInfo;
    });
  });
  return () => restore.forEach((r) => r());
}
