// The ascent step's update (src/dream/step.ts) as one kernel on tfjs-backend-wasm's heap.
import * as tf from '@tensorflow/tfjs';
import { ASCENT_UPDATE } from '../../ops/names';
import { byteOffset, heapF32, heapMemory, type WasmBackend } from '../internals';
import { f32bits, simdKernels } from './simd';

/**
 * ASCENT_UPDATE: the step's normalise-and-step in two passes over the image (mean |g| as reduceOnHeap's 16
 * running sums, then x + g·step clipped) instead of seven kernels, each a pass or a scalar round trip through
 * TF.js (~0.2 ms of a 128² step). The arithmetic is the ops' own, each result rounded to float32.
 */
export function ascentUpdateOnHeap(backend: WasmBackend, x: tf.TensorInfo, g: tf.TensorInfo, stepSize: number): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  if (x.dtype !== 'float32' || g.dtype !== 'float32' || tf.util.sizeFromShape(g.shape) !== n) throw new Error(`${ASCENT_UPDATE}: x and g must be float32 of one size, got ${x.dtype} [${x.shape}], ${g.dtype} [${g.shape}]`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(heapMemory(backend)), fr = Math.fround;
  let mean: number;
  if (simd && n > 0) {
    const m = backend.makeOutput([1], 'float32');
    simd.sumAbsInner(byteOffset(backend, m), byteOffset(backend, g), 1, n, f32bits(n));
    mean = heapF32(backend, m, 1)[0];
    backend.disposeData(m.dataId);
  } else {
    const v = heapF32(backend, g, n), lanes = new Array<number>(16).fill(0), n16 = n & ~15;
    for (let i = 0; i < n16; i++) lanes[i & 15] = fr(lanes[i & 15] + Math.abs(v[i]));
    const q = [0, 1, 2, 3].map((l) => fr(fr(lanes[l] + lanes[4 + l]) + fr(lanes[8 + l] + lanes[12 + l])));
    let sum = fr(fr(q[0] + q[1]) + fr(q[2] + q[3]));
    for (let i = n16; i < n; i++) sum = fr(sum + Math.abs(v[i]));
    mean = fr(sum / fr(n));
  }
  const step = fr(fr(stepSize) / fr(mean + fr(1e-8)));
  const n4 = simd ? n & ~3 : 0;
  if (n4) simd!.ascend(byteOffset(backend, out), byteOffset(backend, x), byteOffset(backend, g), n4, f32bits(step));
  const o = heapF32(backend, out, n), a = heapF32(backend, x, n), d = heapF32(backend, g, n);
  for (let i = n4; i < n; i++) { const v = fr(a[i] + fr(d[i] * step)); o[i] = v > 1 ? 1 : v < 0 ? 0 : v; }
  return out;
}
