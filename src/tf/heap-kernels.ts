// Kernels for tfjs-backend-wasm written as tight JS loops over views of the wasm heap, where the backend's own
// are slow for what a dream step does with them (profile of a crowds 128² step, `scripts/bench-engine.ts`):
//  - Relu6's gradient: dy · (x == relu6(x)) as ONE pass. wasm's Equal alone was 16 % of the step (its
//    comparisons run a generic broadcasting loop), plus a Cast (a JS copy) and a Multiply. It runs as
//    WebAssembly SIMD on the backend's own memory (src/tf/simd-kernels.ts), else as a JS loop.
//  - BiasAdd + Relu6 as one pass (src/tf/bias-relu6.ts), and its gradient as one pass.
//  - Slice / SplitV: wasm's own reads the whole input out of the heap (a copy) and then copies one innermost
//    row at a time through a new subarray (3 floats per pixel for an image): 5 % of the step went to the jitter's
//    roll. Here: the longest contiguous runs, copied inside the heap with copyWithin.
//  - MaxPoolGrad: wasm's own took 5.6 ms for NanoDet's one stem pool (13 % of an objects step; 1.3 ms here),
//    and it loses gradient with SAME padding or a batch > 1. Here: TF.js's rule (first maximal tap), as on cpu.
//  - Sum / Mean over H,W (squeeze-excite's pooling and its gradient; wasm's own transposes first) and over
//    trailing axes (wasm's own is one sequential sum).
//  - Transform (the jitter's warp): the affine RGB case's inside pixels in wasm (src/tf/wasm-warp.ts).
// Views are made after the output is allocated (an allocation may grow the heap and detach older views).
import * as tf from '@tensorflow/tfjs';
import type { KernelFn } from './kernel-compose';
import { simdKernels } from './simd-kernels';
import { affineWarp3 } from './wasm-warp';

/** Backends these kernels are written for (used by `useBackend`). */
export const HEAP_KERNEL_BACKENDS: readonly string[] = ['wasm'];
/** The fused Relu6 gradient's kernel name: inputs dy, x (Relu6's input) and y (its output); float32 out. */
export const RELU6_GRAD = 'DreamRelu6Grad';
/** A tensor of `shape` filled with x's values repeated in order (x's size divides shape's): Mean's gradient where the
 *  reduced axes lead (the objective's full mean, squeeze-excite's pooling over H,W). */
export const FILL_LIKE = 'DreamFillLike';
/** LeakyRelu's gradient dy · (x > 0 ? 1 : alpha) in one pass (TF.js: Greater + Multiply + SelectV2): inputs dy, x; attr alpha. */
export const LEAKY_RELU_GRAD = 'DreamLeakyReluGrad';
/** BIAS_RELU6's gradient dy · (0 ≤ x + bias ≤ 6): inputs dy, x, bias. */
export const BIAS_RELU6_GRAD = 'DreamBiasRelu6Grad';
/** relu6(x + bias), bias along the last axis: inputs x, bias. */
export const BIAS_RELU6 = 'DreamBiasRelu6';
/** h-swish (x·s)·relu6(x + t), s and t scalars: inputs x, s, t (src/tf/hard-swish.ts). */
export const HARD_SWISH = 'DreamHardSwish';
/** Its gradient with respect to x: inputs dy, x, s, t. */
export const HARD_SWISH_GRAD = 'DreamHardSwishGrad';
/** h-sigmoid s·relu6(x + t), s and t scalars (squeeze-excite's gate): inputs x, s, t (src/tf/hard-swish.ts). */
export const HARD_SIGMOID = 'DreamHardSigmoid';
/** Its gradient with respect to x: inputs dy, x, s, t. */
export const HARD_SIGMOID_GRAD = 'DreamHardSigmoidGrad';
/** Four maps [n,h,w,c] as the output phases of a ×2 upsampling, out[n,2i+a,2j+b] = p_ab[n,i,j] → [n,2h,2w,c]:
 *  inputs p00, p01, p10, p11 (the depth decoder's phase convs, src/depth/unet.ts). */
export const INTERLEAVE_2X2 = 'DreamInterleave2x2';
/** np.roll of an [n,h,w,c] image by attrs dy, dx pixels along H and W (the jitter; src/dream/transforms.ts): input x. */
export const ROLL = 'DreamRoll';
/** The ascent step's update clip(x + g · stepSize / (mean|g| + 1e-8), 0, 1) as one kernel: inputs x, g; attr
 *  stepSize (src/dream/step.ts; the same float32 values as its seven ops on wasm). */
export const ASCENT_UPDATE = 'DreamAscentUpdate';
/** Relu6's gradient from its output alone, dy · (0 < y < 6): inputs dy, y (src/tf/fused-conv.ts). */
export const RELU6_OUT_GRAD = 'DreamRelu6OutGrad';

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
export interface WasmBackend {
  wasm: { HEAPU8: Uint8Array; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/** Where t's data starts on the wasm heap (bytes); throws for data that is not there. */
export const byteOffset = (b: WasmBackend, t: tf.TensorInfo): number => {
  const d = b.dataIdMap.get(t.dataId);
  if (d == null) throw new Error('heap kernel: input is not on the wasm heap');
  return d.memoryOffset;
};
const f32 = (b: WasmBackend, t: tf.TensorInfo, n: number): Float32Array => new Float32Array(b.wasm.HEAPU8.buffer, byteOffset(b, t), n);

/** dy · (x == y): dy where x passed through Relu6 unchanged, else 0; relu6-grad.ts's composite in one pass. */
export function relu6GradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, x: tf.TensorInfo, y: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  if (tf.util.sizeFromShape(dy.shape) !== n || tf.util.sizeFromShape(y.shape) !== n) throw new Error(`${RELU6_GRAD}: dy, x and y must have one shape, got [${dy.shape}], [${x.shape}], [${y.shape}]`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(backend.wasm.asm?.memory);
  if (simd) {
    simd.relu6grad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, x), byteOffset(backend, y), n);
    return out;
  }
  const o = f32(backend, out, n), g = f32(backend, dy, n), a = f32(backend, x, n), r = f32(backend, y, n);
  // Branch-free (a data-dependent branch mispredicts on half the elements: 3× slower): dy · 1 or dy · 0, the
  // composite's exact arithmetic (−0 for negative dy, NaN for NaN dy).
  for (let i = 0; i < n; i++) o[i] = g[i] * +(a[i] === r[i]);
  return out;
}

const bits = (v: number) => new Int32Array(new Float32Array([v]).buffer)[0];
const scalarOf = (backend: WasmBackend, t: tf.TensorInfo, what: string): number => {
  if (tf.util.sizeFromShape(t.shape) !== 1) throw new Error(`${what} must be a scalar, got [${t.shape}]`);
  return f32(backend, t, 1)[0];
};

/**
 * h-swish: (x·s)·relu6(x + t), every product and sum rounded to float32 as the graph's Mul, Add, Relu6, Mul are;
 * SIMD over the first n − n mod 4 elements, JS for the rest.
 */
export function hardSwishOnHeap(backend: WasmBackend, x: tf.TensorInfo, sT: tf.TensorInfo, tT: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  const s = scalarOf(backend, sT, `${HARD_SWISH}: s`), t = scalarOf(backend, tT, `${HARD_SWISH}: t`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(backend.wasm.asm?.memory);
  const n4 = simd ? n & ~3 : 0;
  if (simd && n4) simd.hardSwish(byteOffset(backend, out), byteOffset(backend, x), n4, bits(s), bits(t));
  const o = f32(backend, out, n), a = f32(backend, x, n), fr = Math.fround;
  for (let i = n4; i < n; i++) o[i] = fr(a[i] * s) * Math.min(Math.max(fr(a[i] + t), 0), 6);
  return out;
}

/**
 * h-swish's gradient as TF.js's tape builds it from the four ops: (dy·relu6(x + t))·s through the first Mul, plus
 * (dy·(x·s))·mask through Relu6 (relu6-grad.ts's mask, 0 ≤ x + t ≤ 6), each product rounded to float32.
 */
export function hardSwishGradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, x: tf.TensorInfo, sT: tf.TensorInfo, tT: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  if (tf.util.sizeFromShape(dy.shape) !== n) throw new Error(`${HARD_SWISH_GRAD}: dy and x must have one shape, got [${dy.shape}], [${x.shape}]`);
  const s = scalarOf(backend, sT, `${HARD_SWISH_GRAD}: s`), t = scalarOf(backend, tT, `${HARD_SWISH_GRAD}: t`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(backend.wasm.asm?.memory);
  const n4 = simd ? n & ~3 : 0;
  if (simd && n4) simd.hardSwishGrad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, x), n4, bits(s), bits(t));
  const o = f32(backend, out, n), g = f32(backend, dy, n), a = f32(backend, x, n), fr = Math.fround;
  for (let i = n4; i < n; i++) {
    const p = fr(a[i] + t), r = Math.min(Math.max(p, 0), 6);
    o[i] = fr(fr(g[i] * r) * s) + fr(fr(g[i] * fr(a[i] * s)) * +(p >= 0 && p <= 6));
  }
  return out;
}

/** h-sigmoid s·relu6(x + t) (the graph's Add, Relu6, Mul) and, with `dy`, its gradient (dy·s)·(0 ≤ x + t ≤ 6) as
 *  TF.js's tape makes it (Mul's, then relu6-grad.ts's mask), each result rounded to float32; SIMD, then a JS tail. */
export function hardSigmoidOnHeap(backend: WasmBackend, x: tf.TensorInfo, sT: tf.TensorInfo, tT: tf.TensorInfo, dy?: tf.TensorInfo): tf.TensorInfo {
  const what = dy ? HARD_SIGMOID_GRAD : HARD_SIGMOID;
  const n = tf.util.sizeFromShape(x.shape);
  if (dy && tf.util.sizeFromShape(dy.shape) !== n) throw new Error(`${what}: dy and x must have one shape, got [${dy.shape}], [${x.shape}]`);
  const s = scalarOf(backend, sT, `${what}: s`), t = scalarOf(backend, tT, `${what}: t`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(backend.wasm.asm?.memory);
  const n4 = simd ? n & ~3 : 0;
  if (simd && n4) {
    if (dy) simd.hardSigmoidGrad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, x), n4, bits(s), bits(t));
    else simd.hardSigmoid(byteOffset(backend, out), byteOffset(backend, x), n4, bits(s), bits(t));
  }
  const o = f32(backend, out, n), a = f32(backend, x, n), g = dy ? f32(backend, dy, n) : null, fr = Math.fround;
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
  const simd = simdKernels(backend.wasm.asm?.memory);
  if (simd) {
    simd.relu6OutGrad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, y), n);
    return out;
  }
  const o = f32(backend, out, n), g = f32(backend, dy, n), r = f32(backend, y, n);
  for (let i = 0; i < n; i++) o[i] = g[i] * +(r[i] > 0 && r[i] < 6);
  return out;
}

/** dy · (0 ≤ x + bias ≤ 6): Relu6's gradient behind a bias, the same mask as relu6GradOnHeap's x == relu6(x). */
export function biasRelu6GradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, x: tf.TensorInfo, bias: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape), c = tf.util.sizeFromShape(bias.shape);
  if (tf.util.sizeFromShape(dy.shape) !== n) throw new Error(`${BIAS_RELU6_GRAD}: dy and x must have one shape, got [${dy.shape}], [${x.shape}]`);
  if (x.shape[x.shape.length - 1] !== c) throw new Error(`${BIAS_RELU6_GRAD}: bias [${bias.shape}] does not match the last axis of x [${x.shape}]`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = c % 4 === 0 ? simdKernels(backend.wasm.asm?.memory) : null;
  if (simd) {
    simd.biasRelu6grad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, x), byteOffset(backend, bias), n, c);
    return out;
  }
  const o = f32(backend, out, n), g = f32(backend, dy, n), a = f32(backend, x, n), b = f32(backend, bias, c);
  for (let i = 0, j = 0; i < n; i++, j = j + 1 === c ? 0 : j + 1) { const p = Math.fround(a[i] + b[j]); o[i] = g[i] * +(p >= 0 && p <= 6); }
  return out;
}

/** dy where x > 0, dy · alpha elsewhere: TF.js's where(x > 0, dy, dy · alpha), the same float operations. */
export function leakyReluGradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, x: tf.TensorInfo, alpha: number): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  if (tf.util.sizeFromShape(dy.shape) !== n) throw new Error(`${LEAKY_RELU_GRAD}: dy and x must have one shape, got [${dy.shape}], [${x.shape}]`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(backend.wasm.asm?.memory);
  if (simd) {
    simd.leakyReluGrad(byteOffset(backend, out), byteOffset(backend, dy), byteOffset(backend, x), n, new Int32Array(new Float32Array([alpha]).buffer)[0]);
    return out;
  }
  const o = f32(backend, out, n), g = f32(backend, dy, n), a = f32(backend, x, n), al = Math.fround(alpha);
  for (let i = 0; i < n; i++) o[i] = a[i] > 0 ? g[i] : g[i] * al;
  return out;
}

/** min(max(x + bias, 0), 6) with bias [C] along x's last axis. */
export function biasRelu6OnHeap(backend: WasmBackend, x: tf.TensorInfo, bias: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape), c = tf.util.sizeFromShape(bias.shape);
  if (x.shape[x.shape.length - 1] !== c) throw new Error(`${BIAS_RELU6}: bias [${bias.shape}] does not match the last axis of x [${x.shape}]`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = c % 4 === 0 ? simdKernels(backend.wasm.asm?.memory) : null;
  if (simd) {
    simd.biasRelu6(byteOffset(backend, out), byteOffset(backend, x), byteOffset(backend, bias), n, c);
    return out;
  }
  const o = f32(backend, out, n), a = f32(backend, x, n), b = f32(backend, bias, c);
  for (let i = 0, j = 0; i < n; i++, j = j + 1 === c ? 0 : j + 1) o[i] = Math.min(Math.max(Math.fround(a[i] + b[j]), 0), 6);
  return out;
}

/**
 * Copy the box at `begin` of `size` out of `x` (any rank, any non-string dtype): one copyWithin per run of the
 * innermost dimensions the box spans fully.
 */
export function sliceOnHeap(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput([...size], x.dtype);
  const total = tf.util.sizeFromShape(size);
  if (total === 0) return out;
  const bpe = tf.util.bytesPerElement(x.dtype);
  const heap = backend.wasm.HEAPU8;
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

/** Where each column of a conv's im2col matrix came from: the forward conv's geometry (NHWC, dx = [b,H,W,C]). */
export interface Col2ImGeometry {
  b: number; H: number; W: number; C: number;
  oh: number; ow: number; sh: number; sw: number;
  kh: number; kw: number; dh: number; dw: number;
  padTop: number; padLeft: number;
}

/**
 * col2im: cols [b·oh·ow, kh·kw·C] (row = output pixel, column = (ky, kx, c)) scattered back and summed into
 * [b,H,W,C]. With cols = dy · Wᵀ this is a conv's input gradient without zero-insertion or im2col of dy.
 */
export function col2imOnHeap(backend: WasmBackend, cols: tf.TensorInfo, g: Col2ImGeometry): tf.TensorInfo {
  const { b, H, W, C, oh, ow, sh, sw, kh, kw, dh, dw, padTop, padLeft } = g;
  const K = kh * kw * C, P = b * oh * ow;
  if (tf.util.sizeFromShape(cols.shape) !== P * K) throw new Error(`col2im: cols [${cols.shape}] is not [${P}, ${K}]`);
  const out = backend.makeOutput([b, H, W, C], 'float32');
  const o = f32(backend, out, b * H * W * C);
  o.fill(0);
  const c = f32(backend, cols, P * K);
  const simd = simdKernels(backend.wasm.asm?.memory), oAt = simd ? byteOffset(backend, out) : 0, cAt = simd ? byteOffset(backend, cols) : 0;
  // Tap by tap: the output pixels whose tap lands inside the image form one box, so the inner loop has no bounds
  // checks (3× faster than checking each pixel's taps for a 128² RGB stem).
  for (let n = 0; n < b; n++) {
    for (let ky = 0; ky < kh; ky++) {
      const oy0 = Math.max(0, Math.ceil((padTop - ky * dh) / sh)), oy1 = Math.min(oh, Math.floor((H - 1 + padTop - ky * dh) / sh) + 1);
      for (let kx = 0; kx < kw; kx++) {
        const ox0 = Math.max(0, Math.ceil((padLeft - kx * dw) / sw)), ox1 = Math.min(ow, Math.floor((W - 1 + padLeft - kx * dw) / sw) + 1);
        const tap = (ky * kw + kx) * C, step = sw * C;
        if (simd && oy1 > oy0 && ox1 > ox0) { // the same adds in wasm (~4× faster than this JS)
          const src = ((n * oh + oy0) * ow + ox0) * K + tap, dst = ((n * H + oy0 * sh - padTop + ky * dh) * W + ox0 * sw - padLeft + kx * dw) * C;
          simd.addTap(oAt + dst * 4, cAt + src * 4, oy1 - oy0, ox1 - ox0, C * 4, sh * W * C * 4, ow * K * 4, step * 4, K * 4);
          continue;
        }
        for (let oy = oy0; oy < oy1; oy++) {
          let src = ((n * oh + oy) * ow + ox0) * K + tap;
          let dst = ((n * H + oy * sh - padTop + ky * dh) * W + ox0 * sw - padLeft + kx * dw) * C;
          if (C === 3) {
            for (let ox = ox0; ox < ox1; ox++, src += K, dst += step) { o[dst] += c[src]; o[dst + 1] += c[src + 1]; o[dst + 2] += c[src + 2]; }
          } else {
            for (let ox = ox0; ox < ox1; ox++, src += K, dst += step) for (let ci = 0; ci < C; ci++) o[dst + ci] += c[src + ci];
          }
        }
      }
    }
  }
  return out;
}

/** A max pool's geometry (tf.backend_util.computePool2DInfo's names; NHWC). */
export interface PoolGeometry {
  batchSize: number; inHeight: number; inWidth: number; inChannels: number; outHeight: number; outWidth: number;
  strideHeight: number; strideWidth: number; dilationHeight: number; dilationWidth: number;
  effectiveFilterHeight: number; effectiveFilterWidth: number; padInfo: { top: number; left: number };
}

/**
 * MaxPool's input gradient: each window's dy goes to the first tap (row-major) that holds the window's maximum,
 * found as the first input equal to the pool's own output y; sums where windows overlap. One pass over the
 * windows, each channel's taps in order until one equals y.
 */
export function maxPoolGradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, x: tf.TensorInfo, y: tf.TensorInfo, g: PoolGeometry): tf.TensorInfo {
  const { batchSize: b, inHeight: H, inWidth: W, inChannels: C, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = g;
  const { dilationHeight: dh, dilationWidth: dw, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = g;
  const n = b * H * W * C, m = b * oh * ow * C;
  if (tf.util.sizeFromShape(dy.shape) !== m || tf.util.sizeFromShape(y.shape) !== m) throw new Error(`MaxPoolGrad: dy [${dy.shape}] and output [${y.shape}] must be [${b}, ${oh}, ${ow}, ${C}]`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const o = f32(backend, out, n), g1 = f32(backend, dy, m), xs = f32(backend, x, n), ys = f32(backend, y, m);
  o.fill(0);
  const taps = new Int32Array(Math.ceil(fh / dh) * Math.ceil(fw / dw)); // heap offsets of the window's in-bounds taps
  for (let bi = 0, p = 0; bi < b; bi++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, p += C) {
        let t = 0;
        for (let ky = 0; ky < fh; ky += dh) {
          const iy = oy * sh - g.padInfo.top + ky;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < fw; kx += dw) {
            const ix = ox * sw - g.padInfo.left + kx;
            if (ix >= 0 && ix < W) taps[t++] = ((bi * H + iy) * W + ix) * C;
          }
        }
        for (let c = 0; c < C; c++) {
          const max = ys[p + c];
          for (let k = 0; k < t; k++) {
            const q = taps[k] + c;
            if (xs[q] === max) { o[q] += g1[p + c]; break; }
          }
        }
      }
    }
  }
  return out;
}

/** One phase's part of a strided conv's input gradient: dx[:, sh·qy + ry, sw·qx + rx, :] = part[:, qy, qx, :]. */
export interface PhasePart { part: tf.TensorInfo; ry: number; rx: number }

/**
 * dx [b,H,W,C] from its stride phases (src/tf/stride-phases.ts), each written to its strided places; `zero`
 * first when some phase is missing (it would be all zeros: a filter with fewer taps than the stride).
 */
export function interleavePhasesOnHeap(backend: WasmBackend, parts: PhasePart[], shape: [number, number, number, number], sh: number, sw: number, zero: boolean): tf.TensorInfo {
  const [b, H, W, C] = shape;
  const out = backend.makeOutput([...shape], 'float32');
  const o = f32(backend, out, b * H * W * C);
  if (zero) o.fill(0);
  for (const { part, ry, rx } of parts) {
    const [pb, qh, qw, pc] = part.shape;
    if (pb !== b || pc !== C || ry + sh * (qh - 1) >= H || rx + sw * (qw - 1) >= W) throw new Error(`interleave: phase (${ry}, ${rx}) [${part.shape}] does not fit [${shape}] at stride ${sh}×${sw}`);
    // A phase row's pixels (C floats each) go sw pixels apart, or back to back with no W stride: with C % 4 == 0
    // one SIMD call per row, else one copyWithin per pixel (4× faster than a JS loop over the floats).
    const heap = backend.wasm.HEAPU8, dst = byteOffset(backend, out);
    const pixels = sw === 1 ? qw : 1, run = pixels * C * 4;
    const simd = C % 4 === 0 ? simdKernels(backend.wasm.asm?.memory) : null;
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
  const o = f32(backend, out, n), v = f32(backend, x, m);
  if (m === 1) { o.fill(v[0]); return out; }
  o.set(v);
  for (let done = m; done < n; done *= 2) o.copyWithin(done, 0, Math.min(done, n - done));
  return out;
}

export type BinaryOp = 'Multiply' | 'Add' | 'Sub' | 'RealDiv';
/** Where the backend's own is slow with a vector: Multiply/RealDiv (1.5 ms vs 0.4 for a 128² image ∘ [3]), and Add/Sub
 *  with an RGB one only (0.45 vs 0.15 ms for the image's normalisation; XNNPACK's own is faster for wider vectors). */
const BINARY: readonly BinaryOp[] = ['Multiply', 'RealDiv', 'Add', 'Sub'];

/**
 * a ∘ b for two float32 tensors of one shape (a step's gradient sums, squeeze-excite's products): SIMD over the
 * first n − n mod 4 elements, JS for the rest, each result rounded to float32 as XNNPACK's. XNNPACK's own
 * costs ~6 µs of set-up a call; a textures gradient has ~40 of them. Null for RealDiv, other shapes, no SIMD.
 */
function sameShapeOnHeap(backend: WasmBackend, op: BinaryOp, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | null {
  if (op === 'RealDiv' || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return null;
  const simd = simdKernels(backend.wasm.asm?.memory);
  if (!simd) return null;
  const n = tf.util.sizeFromShape(a.shape), n4 = n & ~3;
  const out = backend.makeOutput([...a.shape], 'float32');
  if (n4) (op === 'Multiply' ? simd.mul : op === 'Add' ? simd.add : simd.sub)(byteOffset(backend, out), byteOffset(backend, a), byteOffset(backend, b), n4);
  if (n4 < n) {
    const o = f32(backend, out, n), x = f32(backend, a, n), y = f32(backend, b, n);
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
  const simd = op === 'Multiply' && m > 1 && m % 4 === 0 ? simdKernels(backend.wasm.asm?.memory) : null;
  if (simd) {
    simd.mulVec(byteOffset(backend, res), byteOffset(backend, big), byteOffset(backend, small), n, m);
    return res;
  }
  // An RGB image ×, + or − its per-channel values (the normalisation), with the pixels a multiple of 4: the same
  // SIMD pass over 12 floats of the vector repeated (minus it for x − v: x + (−v) is the same float operation).
  const rgbSimd = m === 3 && n % 12 === 0 && (op === 'Multiply' || op === 'Add' || (op === 'Sub' && !swapped)) ? simdKernels(backend.wasm.asm?.memory) : null;
  if (rgbSimd) {
    const pattern = backend.makeOutput([12], 'float32'); // after res: either may grow the heap, so views come after
    const v = f32(backend, small, 3), p = f32(backend, pattern, 12), sign = op === 'Sub' ? -1 : 1;
    for (let i = 0; i < 12; i++) p[i] = sign * v[i % 3];
    (op === 'Multiply' ? rgbSimd.mulVec : rgbSimd.addVec)(byteOffset(backend, res), byteOffset(backend, big), byteOffset(backend, pattern), n, 12);
    backend.disposeData(pattern.dataId);
    return res;
  }
  const o = f32(backend, res, n), x = f32(backend, big, n), y = f32(backend, small, m);
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
  const simd = simdKernels(backend.wasm.asm?.memory);
  if (!simd) return null;
  const outShape = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
  const out = backend.makeOutput(outShape, 'float32');
  const o = byteOffset(backend, out), xi = byteOffset(backend, x), d = bits(mean ? r : 1);
  if (c === 1) simd.sumInner(o, xi, a, r, d);
  else for (let k = 0; k < a; k++) simd.sumRows(o + k * c * 4, xi + k * r * c * 4, r, c, d);
  return out;
}

/**
 * ASCENT_UPDATE: the step's normalise-and-step in two passes over the image (mean |g| as reduceOnHeap's 16
 * running sums, then x + g·step clipped) instead of seven kernels, each a pass or a scalar round trip through
 * TF.js (~0.2 ms of a 128² step). The arithmetic is the ops' own, each result rounded to float32.
 */
export function ascentUpdateOnHeap(backend: WasmBackend, x: tf.TensorInfo, g: tf.TensorInfo, stepSize: number): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  if (x.dtype !== 'float32' || g.dtype !== 'float32' || tf.util.sizeFromShape(g.shape) !== n) throw new Error(`${ASCENT_UPDATE}: x and g must be float32 of one size, got ${x.dtype} [${x.shape}], ${g.dtype} [${g.shape}]`);
  const out = backend.makeOutput([...x.shape], 'float32');
  const simd = simdKernels(backend.wasm.asm?.memory), fr = Math.fround;
  let mean: number;
  if (simd && n > 0) {
    const m = backend.makeOutput([1], 'float32');
    simd.sumAbsInner(byteOffset(backend, m), byteOffset(backend, g), 1, n, bits(n));
    mean = f32(backend, m, 1)[0];
    backend.disposeData(m.dataId);
  } else {
    const v = f32(backend, g, n), lanes = new Array<number>(16).fill(0), n16 = n & ~15;
    for (let i = 0; i < n16; i++) lanes[i & 15] = fr(lanes[i & 15] + Math.abs(v[i]));
    const q = [0, 1, 2, 3].map((l) => fr(fr(lanes[l] + lanes[4 + l]) + fr(lanes[8 + l] + lanes[12 + l])));
    let sum = fr(fr(q[0] + q[1]) + fr(q[2] + q[3]));
    for (let i = n16; i < n; i++) sum = fr(sum + Math.abs(v[i]));
    mean = fr(sum / fr(n));
  }
  const step = fr(fr(stepSize) / fr(mean + fr(1e-8)));
  const n4 = simd ? n & ~3 : 0;
  if (n4) simd!.ascend(byteOffset(backend, out), byteOffset(backend, x), byteOffset(backend, g), n4, bits(step));
  const o = f32(backend, out, n), a = f32(backend, x, n), d = f32(backend, g, n);
  for (let i = n4; i < n; i++) { const v = fr(a[i] + fr(d[i] * step)); o[i] = v > 1 ? 1 : v < 0 ? 0 : v; }
  return out;
}

/** INTERLEAVE_2X2's heap function: each phase's rows go to every other output pixel (a SIMD strided copy). */
function interleave2x2OnHeap(backend: WasmBackend, p: tf.TensorInfo[]): tf.TensorInfo {
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
 * and W, one W·C run per image row). wasm's own PadV2 took 0.6 ms for a 128² RGB image (the pose models pad before
 * their strided convs).
 */
export function padOnHeap(backend: WasmBackend, x: tf.TensorInfo, paddings: [number, number][], constantValue: number): tf.TensorInfo {
  const rank = x.shape.length;
  const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const out = backend.makeOutput(outShape, 'float32'); // before the views: it may grow the heap
  const n = tf.util.sizeFromShape(outShape), m = tf.util.sizeFromShape(x.shape);
  const o = f32(backend, out, n), src = f32(backend, x, m);
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
  const size = n * h * w * c, o = f32(backend, out, size), src = f32(backend, x, size);
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

export interface TransformAttrs { interpolation: 'nearest' | 'bilinear'; fillMode: 'constant' | 'reflect' | 'wrap' | 'nearest'; fillValue: number; outputShape?: [number, number] | null }
const FILL_MODES = ['constant', 'reflect', 'wrap', 'nearest'] as const;

/** A coordinate outside [0, len−1] mapped back in by fill mode (0 constant: as is; 1 reflect; 2 wrap; 3 nearest),
 *  TensorFlow's image_ops.h map_coord as tfjs-backend-cpu's Transform writes it. */
function mapCoord(v: number, len: number, mode: number): number {
  if (mode === 0) return v;
  if (mode === 1) {
    if (v < 0) {
      if (len <= 1) v = 0;
      else { const sz2 = 2 * len; v = sz2 * Math.trunc(-v / sz2) + v; v = v < -len ? v + sz2 : -v - 1; }
    } else if (v > len - 1) {
      if (len <= 1) v = 0;
      else { const sz2 = 2 * len; v -= sz2 * Math.trunc(v / sz2); if (v >= len) v = sz2 - v - 1; }
    }
  } else if (mode === 2) {
    if (v < 0) v = len <= 1 ? 0 : v + len * (Math.trunc(-v / (len - 1)) + 1);
    else if (v > len - 1) v = len <= 1 ? 0 : v - len * Math.trunc(v / (len - 1));
  }
  return Math.min(Math.max(v, 0), len - 1);
}

/**
 * tf.image.transform (projective warp; the jitter's scale and rotation) with tfjs-backend-cpu's Transform
 * arithmetic, values and fill modes, each output pixel's source coordinates and weights computed once for all
 * channels: ~1.0 ms per 128² RGB image here, where wasm's own takes ~2.3 ms, and wasm's own 'reflect' differs from
 * cpu's (and TensorFlow's) just outside the border. Every batch entry is warped (cpu's stops after the first).
 */
export function transformOnHeap(backend: WasmBackend, image: tf.TensorInfo, transforms: tf.TensorInfo, a: TransformAttrs): tf.TensorInfo {
  const [batch, H, W, C] = image.shape;
  const [oh, ow] = a.outputShape ?? [H, W];
  const mode = FILL_MODES.indexOf(a.fillMode);
  if (mode < 0) throw new Error(`Transform: unknown fill mode '${a.fillMode}'`);
  if (a.interpolation !== 'nearest' && a.interpolation !== 'bilinear') throw new Error(`Transform: expected 'nearest' or 'bilinear', got '${a.interpolation}'`);
  const bilinear = a.interpolation === 'bilinear', fill = a.fillValue;
  const out = backend.makeOutput([batch, oh, ow, C], 'float32'); // before the views: it may grow the heap
  const o = f32(backend, out, batch * oh * ow * C), src = f32(backend, image, batch * H * W * C);
  const tv = f32(backend, transforms, transforms.shape[0] * 8);
  const memory = backend.wasm.asm?.memory, outAt = byteOffset(backend, out), srcAt = byteOffset(backend, image);
  for (let b = 0; b < batch; b++) {
    const t = transforms.shape[0] === 1 ? 0 : b * 8, base = b * H * W * C, first = b * oh * ow * C;
    const [a0, a1, a2, b0, b1, b2, c0, c1] = [tv[t], tv[t + 1], tv[t + 2], tv[t + 3], tv[t + 4], tv[t + 5], tv[t + 6], tv[t + 7]];
    const projective = c0 !== 0 || c1 !== 0; // else the projection is exactly 1 (and dividing by it a no-op)
    const pixel = (ox: number, oy: number) => {
      const k = first + (oy * ow + ox) * C;
      let sx = a0 * ox + a1 * oy + a2, sy = b0 * ox + b1 * oy + b2;
      if (projective) {
        const projection = c0 * ox + c1 * oy + 1;
        if (projection === 0) { o.fill(fill, k, k + C); return; }
        sx /= projection;
        sy /= projection;
      }
      // inside the image every fill mode leaves a coordinate as it is
      const x = sx >= 0 && sx <= W - 1 ? sx : mapCoord(sx, W, mode), y = sy >= 0 && sy <= H - 1 ? sy : mapCoord(sy, H, mode);
      if (!bilinear) {
        const ry = Math.round(y), rx = Math.round(x), p = base + (ry * W + rx) * C;
        const ok = ry >= 0 && ry < H && rx >= 0 && rx < W;
        for (let ch = 0; ch < C; ch++) o[k + ch] = ok ? src[p + ch] : fill;
        return;
      }
      // the four taps' offsets, and which lie inside (outside ones read fillValue, as cpu's readWithFillValue)
      const y0 = Math.floor(y), x0 = Math.floor(x), y1 = y0 + 1, x1 = x0 + 1;
      const inY0 = y0 >= 0 && y0 < H, inY1 = y1 >= 0 && y1 < H, inX0 = x0 >= 0 && x0 < W, inX1 = x1 >= 0 && x1 < W;
      const p00 = base + (y0 * W + x0) * C, p01 = p00 + C, p10 = p00 + W * C, p11 = p10 + C;
      const ok00 = inY0 && inX0, ok01 = inY0 && inX1, ok10 = inY1 && inX0, ok11 = inY1 && inX1;
      const wx0 = x1 - x, wx1 = x - x0, wy0 = y1 - y, wy1 = y - y0;
      if (C === 3 && ok00 && ok11) { // inside: RGB unrolled (wasm-warp.ts does these pixels the same way)
        o[k] = wy0 * (wx0 * src[p00] + wx1 * src[p01]) + wy1 * (wx0 * src[p10] + wx1 * src[p11]);
        o[k + 1] = wy0 * (wx0 * src[p00 + 1] + wx1 * src[p01 + 1]) + wy1 * (wx0 * src[p10 + 1] + wx1 * src[p11 + 1]);
        o[k + 2] = wy0 * (wx0 * src[p00 + 2] + wx1 * src[p01 + 2]) + wy1 * (wx0 * src[p10 + 2] + wx1 * src[p11 + 2]);
        return;
      }
      for (let ch = 0; ch < C; ch++) {
        const v00 = ok00 ? src[p00 + ch] : fill, v01 = ok01 ? src[p01 + ch] : fill;
        const v10 = ok10 ? src[p10 + ch] : fill, v11 = ok11 ? src[p11 + ch] : fill;
        o[k + ch] = wy0 * (wx0 * v00 + wx1 * v01) + wy1 * (wx0 * v10 + wx1 * v11);
      }
    };
    // an affine bilinear RGB warp (the jitter's): the inside pixels in wasm, the rest back here
    if (bilinear && !projective && C === 3 && wasmWarp &&
      affineWarp3(memory, outAt + first * 4, srcAt + base * 4, H, W, oh, ow, [a0, a1, a2, b0, b1, b2], pixel)) continue;
    for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) pixel(ox, oy);
  }
  return out;
}

let wasmWarp = true;
/** Whether transformOnHeap may run its affine RGB pixels in wasm (tests compare both paths). */
export function setWasmWarp(on: boolean): void { wasmWarp = on; }

type Inputs = Record<string, tf.TensorInfo>;
/** The kernels this module adds (no backend has its own): each one heap function of the inputs and attributes. */
const ADDED: Record<string, (b: WasmBackend, i: Inputs, a: Record<string, unknown>) => tf.TensorInfo> = {
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
 * The backend's kernels this module replaces: each a heap function of the inputs and attributes, or null for the
 * cases it leaves to the backend's own (strings, other dtypes and ranks, broadcasts other than a vector or scalar).
 */
const REPLACED: Record<string, (b: WasmBackend, i: Inputs, a: Record<string, unknown>) => tf.TensorInfo | tf.TensorInfo[] | null> = {
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
    (image.dtype !== 'float32' || transforms.dtype !== 'float32' ? null : transformOnHeap(b, image, transforms, a as unknown as TransformAttrs)),
  ...Object.fromEntries(BINARY.map((op) => [op, (b: WasmBackend, i: Inputs) => broadcastBinaryOnHeap(b, op, i.a, i.b)])),
};

const originals = new Map<string, Map<string, tf.KernelConfig | undefined>>();

export const heapKernelsActive = (backendName: string): boolean => originals.has(backendName);

/**
 * Register the heap kernels for `backendName` (on = true: Slice, SplitV, MaxPoolGrad, Transform, PadV2, Sum and Mean over H,W, and the
 * vector-broadcasting cases of Multiply/RealDiv replaced, RELU6_GRAD, RELU6_OUT_GRAD, HARD_SWISH(_GRAD), HARD_SIGMOID(_GRAD), BIAS_RELU6, BIAS_RELU6_GRAD, LEAKY_RELU_GRAD,
 * FILL_LIKE, INTERLEAVE_2X2, ROLL and ASCENT_UPDATE added) or put
 * the backend's own back (on = false; the bench's stock runs). Idempotent; returns whether anything changed.
 */
export function setHeapKernels(backendName: string, on: boolean): boolean {
  if (on === originals.has(backendName)) return false;
  if (!on) {
    const saved = originals.get(backendName)!;
    originals.delete(backendName);
    for (const [name, original] of saved) {
      if (tf.getKernel(name, backendName)) tf.unregisterKernel(name, backendName); // ours (none where the backend had no own)
      if (original) tf.registerKernel(original);
    }
    return true;
  }
  const saved = new Map<string, tf.KernelConfig | undefined>();
  for (const name of [...Object.keys(REPLACED), ...Object.keys(ADDED)]) {
    const k = tf.getKernel(name, backendName);
    saved.set(name, k);
    if (k) tf.unregisterKernel(name, backendName);
  }
  originals.set(backendName, saved);
  const wb = (b: unknown) => b as WasmBackend;
  for (const [name, fn] of Object.entries(REPLACED)) {
    const own = saved.get(name)?.kernelFunc as unknown as KernelFn | undefined;
    if (!own) continue;
    tf.registerKernel({
      kernelName: name, backendName,
      kernelFunc: (args) => fn(wb(args.backend), args.inputs as Inputs, (args.attrs ?? {}) as Record<string, unknown>) ?? own(args as Parameters<KernelFn>[0]),
    });
  }
  for (const [name, fn] of Object.entries(ADDED)) {
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: (args) => fn(wb(args.backend), args.inputs as Inputs, (args.attrs ?? {}) as Record<string, unknown>) });
  }
  return true;
}
