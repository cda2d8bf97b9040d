// Copies on tfjs-backend-wasm's heap where wasm's own kernels are slow for the shapes a dream uses: Slice / SplitV
// (wasm's own reads the whole input out of the heap, then copies one innermost row at a time through a new
// subarray, 3 floats per pixel for an image: ~5 % of a step would go to the jitter's roll; here the longest contiguous
// runs, copied inside the heap with copyWithin), PadV2, the jitter's roll, the interleave of a strided input
// gradient's phases (and of the depth decoder's ×2 phases), and Mean's gradient as a repeat.
// Views are made after the output is allocated (an allocation may grow the heap and detach older views).
import * as tf from '@tensorflow/tfjs';
import { FILL_LIKE, INTERLEAVE_2X2, ROLL } from '../../ops/names';
import { byteOffset, heapBytes, heapF32, heapMemory, type WasmBackend } from '../internals';
import { simdKernels } from './simd';

/**
 * Copy the box at `begin` of `size` out of `x` (any rank, any non-string dtype): one copyWithin per run of the
 * innermost dimensions the box spans fully.
 */
export function sliceOnHeap(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput([...size], x.dtype);
  const total = tf.util.sizeFromShape(size);
  if (total === 0) return out;
  const bpe = tf.util.bytesPerElement(x.dtype);
  const heap = heapBytes(backend);
  const src = byteOffset(backend, x), dst = byteOffset(backend, out);
  const shape = x.shape, rank = shape.length;
  const strides = tf.util.computeStrides(shape); // in elements; rank − 1 entries
  const stride = (d: number) => (d === rank - 1 ? 1 : strides[d]);
  // The run: dims from `k` on, where every dim after k is taken whole.
  let k = Math.max(rank - 1, 0);
  while (k > 0 && size[k] === shape[k]) k--;
  let run = 1;
  for (let d = k; d < rank; d++) run *= size[d];
  const runBytes = run * bpe;
  let start = 0;
  for (let d = 0; d < rank; d++) start += begin[d] * stride(d);
  // Odometer over dims 0..k−1.
  const idx = new Array<number>(k).fill(0);
  let o = dst;
  for (let done = 0; done < total; done += run) {
    let off = start;
    for (let d = 0; d < k; d++) off += idx[d] * stride(d);
    heap.copyWithin(o, src + off * bpe, src + off * bpe + runBytes);
    o += runBytes;
    for (let d = k - 1; d >= 0; d--) { if (++idx[d] < size[d]) break; idx[d] = 0; }
  }
  return out;
}

/** One phase's part of a strided conv's input gradient: dx[:, sh·qy + ry, sw·qx + rx, :] = part[:, qy, qx, :]. */
export interface PhasePart { part: tf.TensorInfo; ry: number; rx: number }

/**
 * dx [b,H,W,C] from its stride phases (src/tf/accel/conv/stride-phases.ts), each written to its strided places; `zero`
 * first when some phase is missing (it would be all zeros: a filter with fewer taps than the stride).
 */
export function interleavePhasesOnHeap(backend: WasmBackend, parts: PhasePart[], shape: [number, number, number, number], sh: number, sw: number, zero: boolean): tf.TensorInfo {
  const [b, H, W, C] = shape;
  const out = backend.makeOutput([...shape], 'float32');
  const o = heapF32(backend, out, b * H * W * C);
  if (zero) o.fill(0);
  for (const { part, ry, rx } of parts) {
    const [pb, qh, qw, pc] = part.shape;
    if (pb !== b || pc !== C || ry + sh * (qh - 1) >= H || rx + sw * (qw - 1) >= W) throw new Error(`interleave: phase (${ry}, ${rx}) [${part.shape}] does not fit [${shape}] at stride ${sh}×${sw}`);
    // A phase row's pixels (C floats each) go sw pixels apart, or back to back with no W stride: with C % 4 == 0
    // one SIMD call per row, else one copyWithin per pixel (4× faster than a JS loop over the floats).
    const heap = heapBytes(backend), dst = byteOffset(backend, out);
    const pixels = sw === 1 ? qw : 1, run = pixels * C * 4;
    const simd = C % 4 === 0 ? simdKernels(heapMemory(backend)) : null;
    let src = byteOffset(backend, part);
    for (let n = 0; n < b; n++) {
      for (let qy = 0; qy < qh; qy++) {
        const row = dst + ((n * H + ry + sh * qy) * W + rx) * C * 4;
        if (simd) { simd.stridedCopy(row, src, qw / pixels, run, sw * C * 4); src += qw * C * 4; continue; }
        for (let qx = 0; qx < qw; qx += pixels, src += run) heap.copyWithin(row + qx * sw * C * 4, src, src + run);
      }
    }
  }
  return out;
}

/** x's values repeated in order to fill `shape` (one native fill for a single value, else doubling copies). */
export function fillLikeOnHeap(backend: WasmBackend, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  const m = tf.util.sizeFromShape(x.shape), n = tf.util.sizeFromShape(shape);
  if (m === 0 || n % m !== 0) throw new Error(`${FILL_LIKE}: [${x.shape}] does not repeat to [${shape}]`);
  const out = backend.makeOutput([...shape], 'float32');
  const o = heapF32(backend, out, n), v = heapF32(backend, x, m);
  if (m === 1) { o.fill(v[0]); return out; }
  o.set(v);
  for (let done = m; done < n; done *= 2) o.copyWithin(done, 0, Math.min(done, n - done));
  return out;
}

/** INTERLEAVE_2X2's heap function: each phase's rows go to every other output pixel (a SIMD strided copy). */
export function interleave2x2OnHeap(backend: WasmBackend, p: tf.TensorInfo[]): tf.TensorInfo {
  const [n, h, w, c] = p[0].shape;
  if (p[0].shape.length !== 4 || p.some((q) => q.shape.join() !== p[0].shape.join())) {
    throw new Error(`${INTERLEAVE_2X2}: the four phases must be [n,h,w,c] of one shape, got ${p.map((q) => `[${q.shape}]`).join(' ')}`);
  }
  const parts = p.map((part, k) => ({ part, ry: k >> 1, rx: k & 1 }));
  return interleavePhasesOnHeap(backend, parts, [n, 2 * h, 2 * w, c], 2, 2, false);
}

/**
 * x padded by `paddings` ([before, after] per axis, ≥ 0) with `constantValue`: the output filled, then x's rows
 * copied in, a row being x's extent from the last padded axis on (contiguous in both: for an NHWC image padded in H
 * and W, one W·C run per image row). on wasm its own PadV2 is ~0.6 ms for a 128² RGB image (the pose models pad before
 * their strided convs).
 */
export function padOnHeap(backend: WasmBackend, x: tf.TensorInfo, paddings: [number, number][], constantValue: number): tf.TensorInfo {
  const rank = x.shape.length;
  const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const out = backend.makeOutput(outShape, 'float32'); // before the views: it may grow the heap
  const n = tf.util.sizeFromShape(outShape), m = tf.util.sizeFromShape(x.shape);
  const o = heapF32(backend, out, n), src = heapF32(backend, x, m);
  let last = rank - 1;
  while (last >= 0 && paddings[last][0] === 0 && paddings[last][1] === 0) last--;
  if (last < 0) { o.set(src); return out; }
  if (m === 0) { o.fill(constantValue); return out; }
  const outStrides = [...tf.util.computeStrides(outShape), 1];
  const run = tf.util.sizeFromShape(x.shape.slice(last)), rows = m / run;
  o.fill(constantValue);
  const idx = new Array<number>(last).fill(0);
  for (let r = 0; r < rows; r++) {
    let dst = paddings[last][0] * outStrides[last];
    for (let d = 0; d < last; d++) dst += (idx[d] + paddings[d][0]) * outStrides[d];
    o.set(src.subarray(r * run, (r + 1) * run), dst);
    for (let d = last - 1; d >= 0 && ++idx[d] === x.shape[d]; d--) idx[d] = 0; // next row, last axis fastest
  }
  return out;
}

/** x [n,h,w,c] rolled by dy rows and dx columns (either sign, any size): per row, its two column runs at their places. */
export function rollOnHeap(backend: WasmBackend, x: tf.TensorInfo, dy: number, dx: number): tf.TensorInfo {
  if (x.shape.length !== 4) throw new Error(`${ROLL}: x must be [n,h,w,c], got [${x.shape}]`);
  const [n, h, w, c] = x.shape;
  const out = backend.makeOutput([...x.shape], 'float32'); // before the views: it may grow the heap
  const size = n * h * w * c, o = heapF32(backend, out, size), src = heapF32(backend, x, size);
  if (size === 0) return out;
  const sy = ((dy % h) + h) % h, sx = ((dx % w) + w) % w, row = w * c, cut = (w - sx) * c;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const from = (b * h + y) * row, to = (b * h + ((y + sy) % h)) * row;
      o.set(src.subarray(from, from + cut), to + sx * c); // columns 0 … w−sx−1 move right by sx
      if (sx) o.set(src.subarray(from + cut, from + row), to); // the last sx wrap to the front
    }
  }
  return out;
}
