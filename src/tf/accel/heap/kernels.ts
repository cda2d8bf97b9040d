// The heap kernels as wasm kernels: the ones no backend has (our ops' names, src/tf/ops/names.ts) added, and the
// wasm kernels they beat replaced for the cases they handle (the rest fall through to wasm's own). Each has its
// composite beside it: an op's in src/tf/ops, a stock kernel's in TF.js itself; the tests compare the two.
import * as tf from '@tensorflow/tfjs';
import { ASCENT_UPDATE, BIAS_RELU6, BIAS_RELU6_GRAD, FILL_LIKE, HARD_SIGMOID, HARD_SIGMOID_GRAD, HARD_SWISH, HARD_SWISH_GRAD, INTERLEAVE_2X2, LEAKY_RELU_GRAD, RELU6_GRAD, RELU6_OUT_GRAD, ROLL } from '../../ops/names';
import { overrideKernel, RANK, type Restore } from '../../registry';
import { wasmBackend, type WasmBackend } from '../internals';
import { transformOnHeap, type TransformAttrs } from '../warp/transform';
import { fillLikeOnHeap, interleave2x2OnHeap, padOnHeap, rollOnHeap, sliceOnHeap } from './copy';
import { BINARY, biasRelu6GradOnHeap, biasRelu6OnHeap, broadcastBinaryOnHeap, hardSigmoidOnHeap, hardSwishGradOnHeap, hardSwishOnHeap, leakyReluGradOnHeap, relu6GradOnHeap, relu6OutGradOnHeap } from './elementwise';
import { maxPoolGradOnHeap } from './max-pool';
import { reduceOnHeap } from './reduce';
import { ascentUpdateOnHeap } from './update';

type Inputs = Record<string, tf.TensorInfo>;
type Attrs = Record<string, unknown>;

/** The kernels added (no backend has its own): each one heap function of the inputs and attributes. */
const ADDED: Record<string, (b: WasmBackend, i: Inputs, a: Attrs) => tf.TensorInfo> = {
  [RELU6_GRAD]: (b, i) => relu6GradOnHeap(b, i.dy, i.x, i.y),
  [RELU6_OUT_GRAD]: (b, i) => relu6OutGradOnHeap(b, i.dy, i.y),
  [HARD_SWISH]: (b, i) => hardSwishOnHeap(b, i.x, i.s, i.t),
  [HARD_SWISH_GRAD]: (b, i) => hardSwishGradOnHeap(b, i.dy, i.x, i.s, i.t),
  [HARD_SIGMOID]: (b, i) => hardSigmoidOnHeap(b, i.x, i.s, i.t),
  [HARD_SIGMOID_GRAD]: (b, i) => hardSigmoidOnHeap(b, i.x, i.s, i.t, i.dy),
  [BIAS_RELU6]: (b, i) => biasRelu6OnHeap(b, i.x, i.bias),
  [BIAS_RELU6_GRAD]: (b, i) => biasRelu6GradOnHeap(b, i.dy, i.x, i.bias),
  [LEAKY_RELU_GRAD]: (b, i, a) => leakyReluGradOnHeap(b, i.dy, i.x, a.alpha as number),
  [FILL_LIKE]: (b, i, a) => fillLikeOnHeap(b, i.x, a.shape as number[]),
  [INTERLEAVE_2X2]: (b, i) => interleave2x2OnHeap(b, [i.p00, i.p01, i.p10, i.p11]),
  [ROLL]: (b, i, a) => rollOnHeap(b, i.x, a.dy as number, a.dx as number),
  [ASCENT_UPDATE]: (b, i, a) => ascentUpdateOnHeap(b, i.x, i.g, a.stepSize as number),
};

type MaxPoolGradAttrs = { filterSize: number | [number, number]; strides: number | [number, number]; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
/**
 * The wasm kernels replaced: each a heap function of the inputs and attributes, or null for the cases it leaves to
 * the backend's own (strings, other dtypes and ranks, broadcasts other than a vector or scalar). `wasmWarp` false
 * keeps the warp's inside pixels in JS (to compare).
 */
const replaced = (wasmWarp: boolean): Record<string, (b: WasmBackend, i: Inputs, a: Attrs) => tf.TensorInfo | tf.TensorInfo[] | null> => ({
  Slice: (b, { x }, a) => {
    if (x.dtype === 'string') return null;
    const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, a.begin as number[] | number, a.size as number[] | number);
    return sliceOnHeap(b, x, begin, size);
  },
  SplitV: (b, { x }, a) => {
    if (x.dtype === 'string') return null;
    const ax = tf.util.parseAxisParam(a.axis as number, x.shape)[0];
    const splits = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, a.numOrSizeSplits as number[] | number, ax);
    const begin = new Array<number>(x.shape.length).fill(0);
    return splits.map((s) => {
      const size = [...x.shape];
      size[ax] = s;
      const part = sliceOnHeap(b, x, [...begin], size);
      begin[ax] += s;
      return part;
    });
  },
  MaxPoolGrad: (b, { dy, input, output }, attrs) => {
    if (input.dtype !== 'float32' || input.shape.length !== 4) return null;
    const a = attrs as unknown as MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    return maxPoolGradOnHeap(b, dy, input, output, info);
  },
  PadV2: (b, { x }, a) => (x.dtype !== 'float32' ? null : padOnHeap(b, x, a.paddings as [number, number][], a.constantValue as number)),
  Sum: (b, { x }, a) => reduceOnHeap(b, x, a.axis as number | number[], a.keepDims as boolean, false),
  Mean: (b, { x }, a) => reduceOnHeap(b, x, a.axis as number | number[], a.keepDims as boolean, true),
  Transform: (b, { image, transforms }, a) =>
    (image.dtype !== 'float32' || transforms.dtype !== 'float32' ? null : transformOnHeap(b, image, transforms, a as unknown as TransformAttrs, wasmWarp)),
  ...Object.fromEntries(BINARY.map((op) => [op, (b: WasmBackend, i: Inputs) => broadcastBinaryOnHeap(b, op, i.a, i.b)])),
});

/** The names of the kernels `installHeapKernels` registers or replaces (tests). */
export const HEAP_KERNELS: readonly string[] = [...Object.keys(replaced(true)), ...Object.keys(ADDED)];

/** Register the heap kernels on `backendName` (the wasm backend); returns what puts the backend's own back. */
export function installHeapKernels(backendName: string, { wasmWarp }: { wasmWarp: boolean }): Restore {
  const restore: Restore[] = [];
  for (const [name, fn] of Object.entries(replaced(wasmWarp))) {
    if (!tf.getKernel(name, backendName)) continue; // nothing to fall back to: leave it to the backend
    restore.push(overrideKernel(backendName, name, (next) => (args) =>
      fn(wasmBackend(args.backend), args.inputs as Inputs, (args.attrs ?? {}) as Attrs) ?? next!(args), RANK.accelerated));
  }
  for (const [name, fn] of Object.entries(ADDED)) {
    restore.push(overrideKernel(backendName, name, () => (args) => fn(wasmBackend(args.backend), args.inputs as Inputs, (args.attrs ?? {}) as Attrs), RANK.accelerated));
  }
  return () => restore.reverse().forEach((r) => r());
}
