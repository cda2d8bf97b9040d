// Element-wise kernels on tfjs-backend-wasm's heap, each one pass where TF.js runs several kernels (profile of a
// crowds 128² step, `scripts/bench/bench-engine.ts`), as the SIMD module's functions (./simd.ts) with a JS loop over heap
// views for the rest (elements past the last multiple of 4, or where SIMD cannot run):
//  - Relu6's gradient: dy · (x == relu6(x)) as ONE pass. On wasm, Equal alone is ~16 % of the step (its
//    comparisons run a generic broadcasting loop), plus a Cast (a JS copy) and a Multiply.
//  - BiasAdd + Relu6 as one pass (src/tf/ops/bias-relu6.ts), and its gradient as one pass; h-swish and h-sigmoid
//    and their gradients (src/tf/ops/hard-swish.ts); LeakyRelu's gradient; Relu6's gradient from its output.
//  - Multiply / RealDiv / Add / Sub where wasm's own is slow: a vector along the last axis, or the same shape.
// Each has the composite it replaces beside it in src/tf/ops or src/tf/overrides, and the tests compare the two.
// Views are made after the output is allocated (an allocation may grow the heap and detach older views).
import * as tf from '@tensorflow/tfjs';
import { BIAS_RELU6, BIAS_RELU6_GRAD, HARD_SIGMOID, HARD_SIGMOID_GRAD, HARD_SWISH, HARD_SWISH_GRAD, LEAKY_RELU_GRAD, RELU6_GRAD, RELU6_OUT_GRAD } from '../../ops/names';
import { byteOffset, heapF32, heapMemory, type WasmBackend } from '../internals';
import { f32bits, simdKernels } from './simd';

/** dy · (x == y): dy where x passed through Relu6 unchanged, else 0; src/tf/overrides/relu6.ts's composite in one pass. */
export function relu6GradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, x: tf.TensorInfo, y: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  if (tf.util.sizeFromShape(dy.shape) !== n || tf.util.sizeFromShape(y.shape) !== n) throw new Error(`${RELU6_GRAD}: dy, x and y must have one shape, got [${dy.shape}], [${x.shape}], [${y.shape}]`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(heapMemory(backend));
  if (simd) {
    simd.relu6grad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, x), byteOffset(backend, y), n);
    return out;
  }
  const o = heapF32(backend, out, n), g = heapF32(backend, dy, n), a = heapF32(backend, x, n), r = heapF32(backend, y, n);
  // Branch-free (a data-dependent branch mispredicts on half the elements: 3× slower): dy · 1 or dy · 0, the
  // composite's exact arithmetic (−0 for negative dy, NaN for NaN dy).
  for (let i = 0; i < n; i++) o[i] = g[i] * +(a[i] === r[i]);
  return out;
}


const scalarOf = (backend: WasmBackend, t: tf.TensorInfo, what: string): number => {
  if (tf.util.sizeFromShape(t.shape) !== 1) throw new Error(`${what} must be a scalar, got [${t.shape}]`);
  return heapF32(backend, t, 1)[0];
};

/**
 * h-swish: (x·s)·relu6(x + t), every product and sum rounded to float32 as the graph's Mul, Add, Relu6, Mul are;
 * SIMD over the first n − n mod 4 elements, JS for the rest.
 */
export function hardSwishOnHeap(backend: WasmBackend, x: tf.TensorInfo, sT: tf.TensorInfo, tT: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  const s = scalarOf(backend, sT, `${HARD_SWISH}: s`), t = scalarOf(backend, tT, `${HARD_SWISH}: t`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(heapMemory(backend));
  const n4 = simd ? n & ~3 : 0;
  if (simd && n4) simd.hardSwish(byteOffset(backend, out), byteOffset(backend, x), n4, f32bits(s), f32bits(t));
  const o = heapF32(backend, out, n), a = heapF32(backend, x, n), fr = Math.fround;
  for (let i = n4; i < n; i++) o[i] = fr(a[i] * s) * Math.min(Math.max(fr(a[i] + t), 0), 6);
  return out;
}

/**
 * h-swish's gradient as TF.js's tape builds it from the four ops: (dy·relu6(x + t))·s through the first Mul, plus
 * (dy·(x·s))·mask through Relu6 (src/tf/overrides/relu6.ts's mask, 0 ≤ x + t ≤ 6), each product rounded to float32.
 */
export function hardSwishGradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, x: tf.TensorInfo, sT: tf.TensorInfo, tT: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  if (tf.util.sizeFromShape(dy.shape) !== n) throw new Error(`${HARD_SWISH_GRAD}: dy and x must have one shape, got [${dy.shape}], [${x.shape}]`);
  const s = scalarOf(backend, sT, `${HARD_SWISH_GRAD}: s`), t = scalarOf(backend, tT, `${HARD_SWISH_GRAD}: t`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(heapMemory(backend));
  const n4 = simd ? n & ~3 : 0;
  if (simd && n4) simd.hardSwishGrad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, x), n4, f32bits(s), f32bits(t));
  const o = heapF32(backend, out, n), g = heapF32(backend, dy, n), a = heapF32(backend, x, n), fr = Math.fround;
  for (let i = n4; i < n; i++) {
    const p = fr(a[i] + t), r = Math.min(Math.max(p, 0), 6);
    o[i] = fr(fr(g[i] * r) * s) + fr(fr(g[i] * fr(a[i] * s)) * +(p >= 0 && p <= 6));
  }
  return out;
}

/** h-sigmoid s·relu6(x + t) (the graph's Add, Relu6, Mul) and, with `dy`, its gradient (dy·s)·(0 ≤ x + t ≤ 6) as
 *  TF.js's tape makes it (Mul's, then src/tf/overrides/relu6.ts's mask), each result rounded to float32; SIMD, then a JS tail. */
export function hardSigmoidOnHeap(backend: WasmBackend, x: tf.TensorInfo, sT: tf.TensorInfo, tT: tf.TensorInfo, dy?: tf.TensorInfo): tf.TensorInfo {
  const what = dy ? HARD_SIGMOID_GRAD : HARD_SIGMOID;
  const n = tf.util.sizeFromShape(x.shape);
  if (dy && tf.util.sizeFromShape(dy.shape) !== n) throw new Error(`${what}: dy and x must have one shape, got [${dy.shape}], [${x.shape}]`);
  const s = scalarOf(backend, sT, `${what}: s`), t = scalarOf(backend, tT, `${what}: t`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(heapMemory(backend));
  const n4 = simd ? n & ~3 : 0;
  if (simd && n4) {
    if (dy) simd.hardSigmoidGrad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, x), n4, f32bits(s), f32bits(t));
    else simd.hardSigmoid(byteOffset(backend, out), byteOffset(backend, x), n4, f32bits(s), f32bits(t));
  }
  const o = heapF32(backend, out, n), a = heapF32(backend, x, n), g = dy ? heapF32(backend, dy, n) : null, fr = Math.fround;
  for (let i = n4; i < n; i++) {
    const p = fr(a[i] + t);
    o[i] = g ? fr(g[i] * s) * +(p >= 0 && p <= 6) : s * Math.min(Math.max(p, 0), 6);
  }
  return out;
}

/** dy · (0 < y < 6) with y = relu6(x): TensorFlow's Relu6Grad, from the output. */
export function relu6OutGradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, y: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(y.shape);
  if (tf.util.sizeFromShape(dy.shape) !== n) throw new Error(`${RELU6_OUT_GRAD}: dy and y must have one shape, got [${dy.shape}], [${y.shape}]`);
  const out = backend.makeOutput([...y.shape], 'float32');
  const simd = simdKernels(heapMemory(backend));
  if (simd) {
    simd.relu6OutGrad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, y), n);
    return out;
  }
  const o = heapF32(backend, out, n), g = heapF32(backend, dy, n), r = heapF32(backend, y, n);
  for (let i = 0; i < n; i++) o[i] = g[i] * +(r[i] > 0 && r[i] < 6);
  return out;
}

/** dy · (0 ≤ x + bias ≤ 6): Relu6's gradient behind a bias, the same mask as relu6GradOnHeap's x == relu6(x). */
export function biasRelu6GradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, x: tf.TensorInfo, bias: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape), c = tf.util.sizeFromShape(bias.shape);
  if (tf.util.sizeFromShape(dy.shape) !== n) throw new Error(`${BIAS_RELU6_GRAD}: dy and x must have one shape, got [${dy.shape}], [${x.shape}]`);
  if (x.shape[x.shape.length - 1] !== c) throw new Error(`${BIAS_RELU6_GRAD}: bias [${bias.shape}] does not match the last axis of x [${x.shape}]`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = c % 4 === 0 ? simdKernels(heapMemory(backend)) : null;
  if (simd) {
    simd.biasRelu6grad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, x), byteOffset(backend, bias), n, c);
    return out;
  }
  const o = heapF32(backend, out, n), g = heapF32(backend, dy, n), a = heapF32(backend, x, n), b = heapF32(backend, bias, c);
  for (let i = 0, j = 0; i < n; i++, j = j + 1 === c ? 0 : j + 1) { const p = Math.fround(a[i] + b[j]); o[i] = g[i] * +(p >= 0 && p <= 6); }
  return out;
}

/** dy where x > 0, dy · alpha elsewhere: TF.js's where(x > 0, dy, dy · alpha), the same float operations. */
export function leakyReluGradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, x: tf.TensorInfo, alpha: number): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  if (tf.util.sizeFromShape(dy.shape) !== n) throw new Error(`${LEAKY_RELU_GRAD}: dy and x must have one shape, got [${dy.shape}], [${x.shape}]`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(heapMemory(backend));
  if (simd) {
    simd.leakyReluGrad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, x), n, f32bits(alpha));
    return out;
  }
  const o = heapF32(backend, out, n), g = heapF32(backend, dy, n), a = heapF32(backend, x, n), al = Math.fround(alpha);
  for (let i = 0; i < n; i++) o[i] = a[i] > 0 ? g[i] : g[i] * al;
  return out;
}

/** min(max(x + bias, 0), 6) with bias [C] along x's last axis. */
export function biasRelu6OnHeap(backend: WasmBackend, x: tf.TensorInfo, bias: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape), c = tf.util.sizeFromShape(bias.shape);
  if (x.shape[x.shape.length - 1] !== c) throw new Error(`${BIAS_RELU6}: bias [${bias.shape}] does not match the last axis of x [${x.shape}]`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = c % 4 === 0 ? simdKernels(heapMemory(backend)) : null;
  if (simd) {
    simd.biasRelu6(byteOffset(backend, out), byteOffset(backend, x), byteOffset(backend, bias), n, c);
    return out;
  }
  const o = heapF32(backend, out, n), a = heapF32(backend, x, n), b = heapF32(backend, bias, c);
  for (let i = 0, j = 0; i < n; i++, j = j + 1 === c ? 0 : j + 1) o[i] = Math.min(Math.max(Math.fround(a[i] + b[j]), 0), 6);
  return out;
}

export type BinaryOp = 'Multiply' | 'Add' | 'Sub' | 'RealDiv';
/** Where the backend's own is slow with a vector: Multiply/RealDiv (1.5 ms vs 0.4 for a 128² image ∘ [3]), and Add/Sub
 *  with an RGB one only (0.45 vs 0.15 ms for the image's normalisation; XNNPACK's own is faster for wider vectors). */
export const BINARY: readonly BinaryOp[] = ['Multiply', 'RealDiv', 'Add', 'Sub'];

/**
 * a ∘ b for two float32 tensors of one shape (a step's gradient sums, squeeze-excite's products): SIMD over the
 * first n − n mod 4 elements, JS for the rest, each result rounded to float32 as XNNPACK's. XNNPACK's own
 * costs ~6 µs of set-up a call; a textures gradient has ~40 of them. Null for RealDiv, other shapes, no SIMD.
 */
function sameShapeOnHeap(backend: WasmBackend, op: BinaryOp, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | null {
  if (op === 'RealDiv' || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return null;
  const simd = simdKernels(heapMemory(backend));
  if (!simd) return null;
  const n = tf.util.sizeFromShape(a.shape), n4 = n & ~3;
  const out = backend.makeOutput([...a.shape], 'float32');
  if (n4) (op === 'Multiply' ? simd.mul : op === 'Add' ? simd.add : simd.sub)(byteOffset(backend, out), byteOffset(backend, a), byteOffset(backend, b), n4);
  if (n4 < n) {
    const o = heapF32(backend, out, n), x = heapF32(backend, a, n), y = heapF32(backend, b, n);
    for (let i = n4; i < n; i++) o[i] = op === 'Multiply' ? x[i] * y[i] : op === 'Add' ? x[i] + y[i] : x[i] - y[i];
  }
  return out;
}

/**
 * a ∘ b where one side is a vector along the other's last axis (the image normalisation's [1,1,1,3] in a step's
 * forward and backward pass), or a scalar when `scalars`: wasm's own broadcasting Multiply/RealDiv compute an index
 * per element (1.5 ms per 128² image). JS computes each result in double and rounds it to float32, which for
 * +, −, ×, ÷ is exactly float32 arithmetic. Same shapes go to sameShapeOnHeap; returns null for every other
 * case (scalars unless `scalars`: XNNPACK is as fast there).
 */
export function broadcastBinaryOnHeap(backend: WasmBackend, op: BinaryOp, a: tf.TensorInfo, b: tf.TensorInfo, scalars = false): tf.TensorInfo | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const na = tf.util.sizeFromShape(a.shape), nb = tf.util.sizeFromShape(b.shape);
  if (na === nb) return sameShapeOnHeap(backend, op, a, b);
  const swapped = nb > na;
  const big = swapped ? b : a, small = swapped ? a : b;
  const n = Math.max(na, nb), m = Math.min(na, nb), rank = big.shape.length;
  const out = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  if (out.length !== rank || out.some((d, i) => d !== big.shape[i])) return null;
  const c = rank ? big.shape[rank - 1] : 1;
  if (!((m === 1 && scalars) || (m > 1 && m === c && small.shape[small.shape.length - 1] === c))) return null;
  if ((op === 'Add' || op === 'Sub') && m !== 3 && !scalars) return null;
  const res = backend.makeOutput([...big.shape], 'float32');
  // x · v with v along the last axis, c % 4 == 0 (squeeze-excite's channel scales): one SIMD pass, 4 lanes.
  const simd = op === 'Multiply' && m > 1 && m % 4 === 0 ? simdKernels(heapMemory(backend)) : null;
  if (simd) {
    simd.mulVec(byteOffset(backend, res), byteOffset(backend, big), byteOffset(backend, small), n, m);
    return res;
  }
  // An RGB image ×, + or − its per-channel values (the normalisation), with the pixels a multiple of 4: the same
  // SIMD pass over 12 floats of the vector repeated (minus it for x − v: x + (−v) is the same float operation).
  const rgbSimd = m === 3 && n % 12 === 0 && (op === 'Multiply' || op === 'Add' || (op === 'Sub' && !swapped)) ? simdKernels(heapMemory(backend)) : null;
  if (rgbSimd) {
    const pattern = backend.makeOutput([12], 'float32'); // after res: either may grow the heap, so views come after
    const v = heapF32(backend, small, 3), p = heapF32(backend, pattern, 12), sign = op === 'Sub' ? -1 : 1;
    for (let i = 0; i < 12; i++) p[i] = sign * v[i % 3];
    (op === 'Multiply' ? rgbSimd.mulVec : rgbSimd.addVec)(byteOffset(backend, res), byteOffset(backend, big), byteOffset(backend, pattern), n, 12);
    backend.disposeData(pattern.dataId);
    return res;
  }
  const o = heapF32(backend, res, n), x = heapF32(backend, big, n), y = heapF32(backend, small, m);
  if (m === 3) { // an RGB image and per-channel values (its normalisation), unrolled: 0.16 vs 0.25 ms at 128² for ×
    const p = y[0], q = y[1], r = y[2];
    if (op === 'Multiply') for (let i = 0; i < n; i += 3) { o[i] = x[i] * p; o[i + 1] = x[i + 1] * q; o[i + 2] = x[i + 2] * r; }
    else if (op === 'Add') for (let i = 0; i < n; i += 3) { o[i] = x[i] + p; o[i + 1] = x[i + 1] + q; o[i + 2] = x[i + 2] + r; }
    else if (op === 'Sub' && swapped) for (let i = 0; i < n; i += 3) { o[i] = p - x[i]; o[i + 1] = q - x[i + 1]; o[i + 2] = r - x[i + 2]; }
    else if (op === 'Sub') for (let i = 0; i < n; i += 3) { o[i] = x[i] - p; o[i + 1] = x[i + 1] - q; o[i + 2] = x[i + 2] - r; }
    else if (swapped) for (let i = 0; i < n; i += 3) { o[i] = p / x[i]; o[i + 1] = q / x[i + 1]; o[i + 2] = r / x[i + 2]; }
    else for (let i = 0; i < n; i += 3) { o[i] = x[i] / p; o[i + 1] = x[i + 1] / q; o[i + 2] = x[i + 2] / r; }
    return res;
  }
  if (m === 1) {
    const v = y[0];
    if (op === 'Multiply') for (let i = 0; i < n; i++) o[i] = x[i] * v;
    else if (op === 'Add') for (let i = 0; i < n; i++) o[i] = x[i] + v;
    else if (op === 'Sub') { if (swapped) for (let i = 0; i < n; i++) o[i] = v - x[i]; else for (let i = 0; i < n; i++) o[i] = x[i] - v; }
    else if (swapped) for (let i = 0; i < n; i++) o[i] = v / x[i]; else for (let i = 0; i < n; i++) o[i] = x[i] / v;
    return res;
  }
  for (let i = 0; i < n; i += m) {
    if (op === 'Multiply') for (let j = 0; j < m; j++) o[i + j] = x[i + j] * y[j];
    else if (op === 'Add') for (let j = 0; j < m; j++) o[i + j] = x[i + j] + y[j];
    else if (op === 'Sub') { if (swapped) for (let j = 0; j < m; j++) o[i + j] = y[j] - x[i + j]; else for (let j = 0; j < m; j++) o[i + j] = x[i + j] - y[j]; }
    else if (swapped) for (let j = 0; j < m; j++) o[i + j] = y[j] / x[i + j]; else for (let j = 0; j < m; j++) o[i + j] = x[i + j] / y[j];
  }
  return res;
}
