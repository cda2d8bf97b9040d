// The generated depthwise convs (./module.ts) as wasm's DepthwiseConv2dNative and FusedDepthwiseConv2D, for the convs
// they are written for (float32 NHWC, channel multiplier 1, C % 4 == 0, dilation 1, linear / relu / relu6), with
// wasm's own (XNNPACK) for every other; and the scatter kernel for strided input gradients (./input-grad.ts).
import * as tf from '@tensorflow/tfjs';
import { overrideKernel, RANK, type Restore } from '../../registry';
import { byteOffset, heapBytes, heapMemory, wasmBackend, type WasmBackend } from '../internals';
import { depthwiseFn, depthwiseGradFn, type ConvShape, type DepthwiseAct, type DwFn, type DwtFn } from './module';

export interface DepthwiseAttrs { strides: number | [number, number]; pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil'; dataFormat?: string; activation?: string }

/**
 * The geometry of a depthwise conv of an input `[b, H, W, C]` the generated kernels are written for (float32 filter
 * [kh, kw, C, 1], C % 4 == 0, dilation 1), or null.
 */
function geometry(x: [number, number, number, number], filter: tf.TensorInfo, a: DepthwiseAttrs, bias: boolean, act: DepthwiseAct): ConvShape | null {
  const [, H, W, C] = x;
  if (filter.dtype !== 'float32' || C % 4 !== 0 || filter.shape.length !== 4 || filter.shape[2] !== C || filter.shape[3] !== 1) return null;
  const info = tf.backend_util.computeConv2DInfo(x, filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || info.outHeight <= 0 || info.outWidth <= 0) return null;
  return {
    oh: info.outHeight, ow: info.outWidth, h: H, w: W, kh: info.filterHeight, kw: info.filterWidth,
    sh: info.strideHeight, sw: info.strideWidth, top: info.padInfo.top, left: info.padInfo.left, c: C, bias, act,
  };
}

/** A geometry and its compiled function, kept per attrs object: a replayed step passes the same one every call,
 *  and computeConv2DInfo plus the module's key cost ~10 µs a call (26 depthwise calls in a textures step). */
interface Plan<F> { x: number[]; f: number[]; bias: boolean; act: DepthwiseAct; attrs: unknown[]; g: ConvShape | null; memory?: WebAssembly.Memory; fn?: F | null }
const forwardPlans = new WeakMap<object, Plan<DwFn>>(), gradPlans = new WeakMap<object, Plan<DwtFn>>();
const sameShape = (p: readonly number[], q: readonly number[]) => p.length === q.length && p.every((v, i) => v === q[i]);
function plan<F>(plans: WeakMap<object, Plan<F>>, x: [number, number, number, number], filter: tf.TensorInfo, a: DepthwiseAttrs, bias: boolean, act: DepthwiseAct,
  memory: WebAssembly.Memory | undefined, compile: (m: WebAssembly.Memory | undefined, g: ConvShape) => F | null, usable = (_g: ConvShape) => true): { g: ConvShape; fn: F } | null {
  if (filter.dtype !== 'float32') return null;
  // the attributes as they are now (a field assigned anew is a miss; TF.js never changes them)
  const attrs = [a.strides, a.pad, a.dilations, a.dimRoundingMode];
  let p = plans.get(a);
  if (!p || !sameShape(p.x, x) || !sameShape(p.f, filter.shape) || p.bias !== bias || p.act !== act || p.attrs.some((v, i) => v !== attrs[i])) {
    const g = geometry(x, filter, a, bias, act);
    p = { x: [...x], f: [...filter.shape], bias, act, attrs, g: g && usable(g) ? g : null };
    plans.set(a, p);
  }
  if (p.g == null) return null;
  if (p.fn === undefined || p.memory !== memory) { p.fn = compile(memory, p.g); p.memory = memory; }
  return p.fn == null ? null : { g: p.g, fn: p.fn };
}

/**
 * act(depthwise(x, filter) + bias) on the heap, or null where the generated kernel does not apply (then the
 * backend's own runs): float32 NHWC, channel multiplier 1, C % 4 == 0, dilation 1, linear / relu / relu6.
 */
export function depthwiseOnHeap(backend: WasmBackend, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | undefined, a: DepthwiseAttrs): tf.TensorInfo | null {
  const act = (a.activation ?? 'linear') as DepthwiseAct;
  if (act !== 'linear' && act !== 'relu' && act !== 'relu6') return null;
  if ((a.dataFormat ?? 'NHWC') !== 'NHWC' || x.dtype !== 'float32' || x.shape.length !== 4) return null;
  const [b, H, W, C] = x.shape as [number, number, number, number];
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== C)) return null;
  const made = plan(forwardPlans, [b, H, W, C], filter, a, bias != null, act, heapMemory(backend), depthwiseFn);
  if (made == null) return null;
  const { g: { oh, ow }, fn } = made;
  const zero = backend.makeOutput([W * C], 'float32'); // the rows above and below the image
  const out = backend.makeOutput([b, oh, ow, C], 'float32');
  const at = (t: tf.TensorInfo) => byteOffset(backend, t);
  const z = at(zero);
  new Float32Array(heapBytes(backend).buffer, z, W * C).fill(0);
  const o = at(out), i = at(x), w = at(filter), bb = bias ? at(bias) : 0;
  for (let n = 0; n < b; n++) fn(o + n * oh * ow * C * 4, i + n * H * W * C * 4, w, bb, z);
  backend.disposeData(zero.dataId);
  return out;
}

/**
 * The input gradient of a depthwise conv with stride > 1 (shape `inputShape`) by scattering dy straight into a
 * zeroed dx; null where the generated kernel does not apply (the same conditions as forward). Stride 1 goes
 * through the forward kernel with the flipped filter (src/tf/overrides/depthwise-input-grad.ts): a gather, cheaper than a scatter.
 */
export function depthwiseGradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, inputShape: [number, number, number, number], a: DepthwiseAttrs): tf.TensorInfo | null {
  const [b, H, W, C] = inputShape;
  const made = dy.dtype === 'float32' ? plan(gradPlans, inputShape, filter, a, false, 'linear', heapMemory(backend), depthwiseGradFn, (g) => g.sh > 1 || g.sw > 1) : null;
  if (made == null) return null;
  const { g: s, fn } = made;
  if (dy.shape.length !== 4 || dy.shape[0] !== b || dy.shape[1] !== s.oh || dy.shape[2] !== s.ow || dy.shape[3] !== C) return null;
  const { oh, ow } = s;
  const trash = backend.makeOutput([W * C], 'float32'); // where the rows outside dx go
  const dx = backend.makeOutput([b, H, W, C], 'float32');
  const at = (t: tf.TensorInfo) => byteOffset(backend, t);
  const d = at(dx), g = at(dy), w = at(filter);
  new Float32Array(heapBytes(backend).buffer, d, b * H * W * C).fill(0);
  for (let n = 0; n < b; n++) fn(d + n * H * W * C * 4, g + n * oh * ow * C * 4, w, at(trash));
  backend.disposeData(trash.dataId);
  return dx;
}


/**
 * Run DepthwiseConv2dNative and FusedDepthwiseConv2D of `backendName` through the generated kernels where they
 * apply, and through the backend's own for the rest; returns what puts the backend's own back.
 */
export function installSimdDepthwise(backendName: string): Restore {
  const restore = ['DepthwiseConv2dNative', 'FusedDepthwiseConv2D'].filter((name) => tf.getKernel(name, backendName)).map((name) => {
    const fused = name === 'FusedDepthwiseConv2D';
    return overrideKernel(backendName, name, (own) => (args) => {
      const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
      const mine = x && filter && !preluActivationWeights
        ? depthwiseOnHeap(wasmBackend(args.backend), x, filter, fused ? bias : undefined, (args.attrs ?? {}) as unknown as DepthwiseAttrs)
        : null;
      return mine ?? own!(args);
    }, RANK.accelerated);
  });
  return () => restore.reverse().forEach((r) => r());
}
