// MaxPool's input gradient on tfjs-backend-wasm's heap: on wasm its own is ~4× slower than this one for NanoDet's one
// stem pool (~13 % of an objects step), and it loses gradient with SAME padding or a batch > 1. Here: TF.js's rule (first
// maximal tap), as on cpu.
import * as tf from '@tensorflow/tfjs';
import { heapF32, type WasmBackend } from '../internals';

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
  const o = heapF32(backend, out, n), g1 = heapF32(backend, dy, m), xs = heapF32(backend, x, n), ys = heapF32(backend, y, m);
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
