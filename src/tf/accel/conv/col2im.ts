// col2im on tfjs-backend-wasm's heap: the scatter half of a conv's input gradient as dy · Wᵀ then col2im, for the
// convs whose input has few channels (every dream net's RGB stem; ./input-grad.ts).
import * as tf from '@tensorflow/tfjs';
import { byteOffset, heapF32, heapMemory, type WasmBackend } from '../internals';
import { simdKernels } from '../heap/simd';

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
  const o = heapF32(backend, out, b * H * W * C);
  o.fill(0);
  const c = heapF32(backend, cols, P * K);
  const simd = simdKernels(heapMemory(backend)), oAt = simd ? byteOffset(backend, out) : 0, cAt = simd ? byteOffset(backend, cols) : 0;
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
