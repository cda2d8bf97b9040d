// Sum and Mean on tfjs-backend-wasm's heap over axes that form one block, where wasm's own transposes first or
// sums sequentially (see reduceOnHeap), as the SIMD module's sumRows / sumInner.
import * as tf from '@tensorflow/tfjs';
import { byteOffset, heapMemory, type WasmBackend } from '../internals';
import { f32bits, simdKernels } from './simd';

/**
 * Sum or Mean of float32 x over axes that form one block: x is [a, r, c] with the r rows reduced.
 *  - c > 1 (squeeze-excite's pooling over H,W of NHWC, and its gradient's Sum): the rows added in order, 4 lanes
 *    at a time. wasm's own first transposes the reduced axes innermost (~0.07 ms of a 0.08 ms Mean of
 *    [1,16,16,96]). Needs c % 4 == 0.
 *  - c = 1 (trailing axes: the objective's mean, the step's mean |g|): 16 running sums (wasm's own is one
 *    sequential sum, bound by the add's latency: 72 µs for a 128² RGB image).
 * Returns null for what it leaves to the backend: other dtypes, scattered axes, a c > 1 that is not a multiple
 * of 4, empty tensors, or no SIMD.
 */
export function reduceOnHeap(backend: WasmBackend, x: tf.TensorInfo, axis: number | number[], keepDims: boolean, mean: boolean): tf.TensorInfo | null {
  if (x.dtype !== 'float32') return null;
  const shape = x.shape;
  const axes = [...new Set(tf.util.parseAxisParam(axis, shape))].sort((p, q) => p - q);
  if (axes.length === 0 || axes.some((ax, i) => ax !== axes[0] + i)) return null;
  const a = tf.util.sizeFromShape(shape.slice(0, axes[0])), r = tf.util.sizeFromShape(axes.map((ax) => shape[ax]));
  const c = tf.util.sizeFromShape(shape.slice(axes[axes.length - 1] + 1));
  if (a === 0 || r === 0 || c === 0 || (c > 1 && c % 4 !== 0)) return null;
  const simd = simdKernels(heapMemory(backend));
  if (!simd) return null;
  const outShape = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
  const out = backend.makeOutput(outShape, 'float32');
  const o = byteOffset(backend, out), xi = byteOffset(backend, x), d = f32bits(mean ? r : 1);
  if (c === 1) simd.sumInner(o, xi, a, r, d);
  else for (let k = 0; k < a; k++) simd.sumRows(o + k * c * 4, xi + k * r * c * 4, r, c, d);
  return out;
}
