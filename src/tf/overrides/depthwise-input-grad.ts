// DepthwiseConv2dNativeBackpropInput for backends that lack it (tfjs-backend-wasm 4.22), composed from kernels
// they do have. Needed for input gradients through every MobileNet. Math (per spatial axis, stride s,
// dilation d, filter K, leading pad p):
//   dx[i] = Σ_k dyz[i + p − k·d] · w[k]    with dyz = dy with s−1 zeros inserted after each sample
//         = VALID stride-1 depthwise conv of pad(dyz, (K−1)d − p) with the flipped filter.
// A channel multiplier M is handled by convolving all C·M channels with multiplier 1 and summing M.
// The wasm accelerator puts faster paths for strided convs above this one (src/tf/accel/depthwise/input-grad.ts).
import * as tf from '@tensorflow/tfjs';
import { currentKernel, hasOwnKernel, overrideKernel, ownKernel, RANK, type Restore } from '../registry';
import { backpropGeometry, derivedFilter, dilateAndPad, inputGradInfo, kernelScope, type ConvPad, type Info, type InputGradAttrs, type KernelFn } from './compose';

/** The kernels the depthwise input gradient is built from. */
export interface DepthwiseGradKernels { reshape: KernelFn; pad: KernelFn; slice: KernelFn; reverse: KernelFn; depthwise: KernelFn; sum: KernelFn; stridedSlice: KernelFn }

/**
 * `backendName`'s own kernels, except the depthwise conv: whichever is registered when the gradient runs (on wasm
 * the accelerator's generated ones, where installed), so a stride-1 input gradient is as fast as a forward conv.
 */
export function depthwiseGradKernels(backendName: string): DepthwiseGradKernels {
  const what = 'DepthwiseConv2dNativeBackpropInput';
  const own = (name: string) => ownKernel(backendName, name, what);
  return {
    reshape: own('Reshape'), pad: own('PadV2'), slice: own('Slice'), reverse: own('Reverse'), sum: own('Sum'), stridedSlice: own('StridedSlice'),
    depthwise: currentKernel(backendName, 'DepthwiseConv2dNative', what),
  };
}

// The stride-1 conv's attrs object, kept per gradient attrs object: a replayed step passes the same one every call,
// and the depthwise kernel keeps its compiled geometry per attrs object (src/tf/accel/depthwise).
const inners = new WeakMap<object, { key: string; attrs: Record<string, unknown> }>();
function innerAttrs(a: InputGradAttrs, pad: ConvPad, dh: number, dw: number): Record<string, unknown> {
  const key = `${pad}|${dh}|${dw}`;
  let e = inners.get(a);
  if (e?.key !== key) inners.set(a, (e = { key, attrs: { strides: 1, pad, dilations: [dh, dw], dataFormat: 'NHWC' } }));
  return e.attrs;
}

/** dx [b,H,W,C·M] with the channel multiplier M summed out ([b,H,W,C]); dx itself where M is 1. */
export function sumMultiplier(scope: ReturnType<typeof kernelScope>, k: DepthwiseGradKernels, dx: Info, info: tf.backend_util.Conv2DInfo): Info {
  const { batchSize: b, inHeight: H, inWidth: W, inChannels: C, outChannels: CM } = info;
  if (CM === C) return dx;
  const r = scope.run(k.reshape, { x: dx }, { shape: [b, H, W, C, CM / C] });
  return scope.run(k.sum, { x: r }, { axis: [4], keepDims: false });
}

/** The input gradient as one stride-1 depthwise conv of the zero-inserted, padded dy with the flipped filter. */
export function depthwiseInputGrad(k: DepthwiseGradKernels, { inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): Info {
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const a = attrs as unknown as InputGradAttrs;
  const info = inputGradInfo(a, filter.shape as [number, number, number, number], true);
  const g = backpropGeometry(info);
  const kb = backend as tf.KernelBackend;
  const scope = kernelScope(kb);
  const { z, pad: zPad } = dilateAndPad(scope, [k.reshape, k.pad, k.slice], dy, g);
  const w = derivedFilter(kb, filter, 'dw-flip', () => {
    const own = kernelScope(kb);
    const flipped = own.run(k.reverse, { x: filter }, { dims: [0, 1] }); // always a new buffer (see derivedFilter)
    return own.finish(own.run(k.reshape, { x: flipped }, { shape: [g.kh, g.kw, g.C, 1] }));
  });
  const dx = scope.run(k.depthwise, { x: z, filter: w }, innerAttrs(a, zPad, g.dh, g.dw));
  return scope.finish(sumMultiplier(scope, k, dx, info));
}

/**
 * Register the composed kernel where `backendName` has no DepthwiseConv2dNativeBackpropInput of its own; null where
 * it has (nothing to do). Throws, naming the kernel, where even the building blocks are missing: such a backend
 * cannot dream.
 */
export function installDepthwiseInputGrad(backendName: string): Restore | null {
  if (hasOwnKernel(backendName, 'DepthwiseConv2dNativeBackpropInput')) return null;
  const k = depthwiseGradKernels(backendName);
  return overrideKernel(backendName, 'DepthwiseConv2dNativeBackpropInput', () => (args) => depthwiseInputGrad(k, args), RANK.composite);
}
