// Conv2DBackpropInput (the input gradient of every Conv2D, most of a dream step) as a forward Conv2D, which
// tfjs-backend-wasm 4.22 runs 10–20× faster than its own Conv2DBackpropInput (`npm run bench:convgrad`).
// Same math as depthwise-input-grad.ts: dx = VALID stride-1 conv of pad(zero-inserted dy) with the filter
// flipped in space and its in/out channels swapped. NHWC only; other layouts go to the backend's own kernel.
// The wasm accelerator puts faster paths for RGB stems and strided convs above this one (src/tf/accel/conv).
import * as tf from '@tensorflow/tfjs';
import { overrideKernel, ownKernel, RANK, type Restore } from '../registry';
import { backpropGeometry, derivedFilter, dilateAndPad, inputGradInfo, kernelScope, type Info, type InputGradAttrs, type KernelFn } from './compose';

/** Backends whose Conv2DBackpropInput is slower than their Conv2D. */
export const CONV_INPUT_GRAD_AS_CONV_BACKENDS: readonly string[] = ['wasm'];

/** The kernels Conv2DBackpropInput is built from here and in the accelerator's paths (the backend's own). */
export interface ConvGradKernels { reshape: KernelFn; pad: KernelFn; slice: KernelFn; reverse: KernelFn; transpose: KernelFn; conv: KernelFn; stridedSlice: KernelFn }

export function convGradKernels(backendName: string): ConvGradKernels {
  const own = (name: string) => ownKernel(backendName, name, 'Conv2DBackpropInput as a conv');
  return { reshape: own('Reshape'), pad: own('PadV2'), slice: own('Slice'), reverse: own('Reverse'), transpose: own('Transpose'), conv: own('Conv2D'), stridedSlice: own('StridedSlice') };
}

/** dx as one forward conv of the zero-inserted, padded dy with the flipped, channel-swapped filter (NHWC). */
export function convInputGradAsConv(k: ConvGradKernels, { inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): Info {
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const kb = backend as tf.KernelBackend;
  const g = backpropGeometry(inputGradInfo(attrs as unknown as InputGradAttrs, filter.shape as [number, number, number, number], false));
  const scope = kernelScope(kb);
  const { z, pad: zPad } = dilateAndPad(scope, [k.reshape, k.pad, k.slice], dy, g);
  const w = derivedFilter(kb, filter, 'flip-swap', () => {
    const own = kernelScope(kb);
    const flipped = g.kh > 1 || g.kw > 1 ? own.run(k.reverse, { x: filter }, { dims: [0, 1] }) : filter;
    return own.finish(own.run(k.transpose, { x: flipped }, { perm: [0, 1, 3, 2] }));
  });
  return scope.finish(scope.run(k.conv, { x: z, filter: w }, { strides: 1, pad: zPad, dilations: 1, dataFormat: 'NHWC' }));
}

/** Whether a Conv2DBackpropInput call is NHWC, the only layout the composed paths handle. */
export const isNhwc = (attrs: unknown): boolean => {
  const f = (attrs as { dataFormat?: string } | undefined)?.dataFormat;
  return !f || f === 'NHWC';
};

/** Register the composed Conv2DBackpropInput over `backendName`'s own; returns what puts the own back. */
export function installConvInputGradAsConv(backendName: string): Restore {
  const k = convGradKernels(backendName);
  return overrideKernel(backendName, 'Conv2DBackpropInput', (next) => (args) => {
    if (isNhwc(args.attrs)) return convInputGradAsConv(k, args);
    if (!next) throw new Error(`${backendName}: Conv2DBackpropInput as a conv is NHWC only, got ${(args.attrs as { dataFormat?: string }).dataFormat}`);
    return next(args);
  }, RANK.composite);
}
