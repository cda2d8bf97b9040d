// Transform (tf.image.transform: the jitter's scale and rotation) on tfjs-backend-wasm's heap, with
// tfjs-backend-cpu's arithmetic; an affine RGB warp's inside pixels run in the generated module (./module.ts).
import * as tf from '@tensorflow/tfjs';
import { byteOffset, heapF32, heapMemory, type WasmBackend } from '../internals';
import { affineWarp3 } from './module';

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
 * `wasmWarp` false keeps the affine RGB pixels in JS too (to compare the two).
 */
export function transformOnHeap(backend: WasmBackend, image: tf.TensorInfo, transforms: tf.TensorInfo, a: TransformAttrs, wasmWarp = true): tf.TensorInfo {
  const [batch, H, W, C] = image.shape;
  const [oh, ow] = a.outputShape ?? [H, W];
  const mode = FILL_MODES.indexOf(a.fillMode);
  if (mode < 0) throw new Error(`Transform: unknown fill mode '${a.fillMode}'`);
  if (a.interpolation !== 'nearest' && a.interpolation !== 'bilinear') throw new Error(`Transform: expected 'nearest' or 'bilinear', got '${a.interpolation}'`);
  const bilinear = a.interpolation === 'bilinear', fill = a.fillValue;
  const out = backend.makeOutput([batch, oh, ow, C], 'float32'); // before the views: it may grow the heap
  const o = heapF32(backend, out, batch * oh * ow * C), src = heapF32(backend, image, batch * H * W * C);
  const tv = heapF32(backend, transforms, transforms.shape[0] * 8);
  const memory = heapMemory(backend), outAt = byteOffset(backend, out), srcAt = byteOffset(backend, image);
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
      if (C === 3 && ok00 && ok11) { // inside: RGB unrolled (./module.ts does these pixels the same way)
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
