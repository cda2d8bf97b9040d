// The jitter's affine bilinear warp of an RGB image (tf.image.transform, heap-kernels.ts's transformOnHeap) as one
// hand-assembled WebAssembly function on tfjs-backend-wasm's own heap. The JS loop took ~0.35 ms per 128² image,
// two per ascent step (the image going in, its gradient coming back): ~5 % of a textures step. The arithmetic
// is transformOnHeap's, step for step, in float64 (as JS numbers), each pixel rounded to float32 once as a
// Float32Array store rounds it, so the values are the same bits. Only the pixels whose four taps all lie inside
// the image run here; every other one (a fill mode's mapping, a tap reading the fill value) calls back into JS.
import { get, i32, I, loopWhile, section, set, str, uleb } from './simd-kernels';

const D = {
  add: [0xa0], sub: [0xa1], mul: [0xa2], floor: [0x9c], lt: [0x63], ge: [0x66],
  fromI32: [0xb7], toI32: [0xaa], promote: [0xbb], demote: [0xb6],
};
const f32load = (off: number) => [0x2a, 2, ...uleb(off)];
const f32store = (off: number) => [0x38, 2, ...uleb(off)];
const tee = (i: number) => [0x22, i];

// warp3(out 0, src 1, h 2, w 3, oh 4, ow 5 | a0 6, a1 7, a2 8, b0 9, b1 10, b2 11 f64) with the import edge(ox, oy)
// as function 0. i32 locals: oy 12, ox 13, k 14, p 15, q 16, rowB 17; f64 locals: sx 18, sy 19, x0 20, y0 21,
// wx0 22, wx1 23, wy0 24, wy1 25, oxf 26, oyf 27, wm1 28, hm1 29.
const C = 3;
const ch = (c: number) => [
  ...get(14),
  ...get(24), ...get(22), ...get(15), ...f32load(4 * c), ...D.promote, ...D.mul, ...get(23), ...get(15), ...f32load(4 * (c + C)), ...D.promote, ...D.mul, ...D.add, ...D.mul,
  ...get(25), ...get(22), ...get(16), ...f32load(4 * c), ...D.promote, ...D.mul, ...get(23), ...get(16), ...f32load(4 * (c + C)), ...D.promote, ...D.mul, ...D.add, ...D.mul,
  ...D.add, ...D.demote, ...f32store(4 * c),
];
const body = [
  ...get(3), ...i32(1), ...I.sub, ...D.fromI32, ...set(28),
  ...get(2), ...i32(1), ...I.sub, ...D.fromI32, ...set(29),
  ...get(3), ...i32(4 * C), ...I.mul, ...set(17),
  ...get(0), ...set(14),
  ...i32(0), ...set(12),
  ...loopWhile(12, 4, 1, [
    ...get(12), ...D.fromI32, ...set(27),
    ...i32(0), ...set(13),
    ...loopWhile(13, 5, 1, [
      ...get(13), ...D.fromI32, ...set(26),
      // sx = a0·ox + a1·oy + a2, sy = b0·ox + b1·oy + b2
      ...get(6), ...get(26), ...D.mul, ...get(7), ...get(27), ...D.mul, ...D.add, ...get(8), ...D.add, ...set(18),
      ...get(9), ...get(26), ...D.mul, ...get(10), ...get(27), ...D.mul, ...D.add, ...get(11), ...D.add, ...set(19),
      // all four taps inside: 0 ≤ sx < w − 1 and 0 ≤ sy < h − 1 (NaN fails every test)
      ...get(18), ...i32(0), ...D.fromI32, ...D.ge, ...get(18), ...get(28), ...D.lt, ...I.and,
      ...get(19), ...i32(0), ...D.fromI32, ...D.ge, ...I.and, ...get(19), ...get(29), ...D.lt, ...I.and,
      0x04, 0x40, // if
      ...get(18), ...D.floor, ...tee(20), ...i32(1), ...D.fromI32, ...D.add, ...get(18), ...D.sub, ...set(22),
      ...get(18), ...get(20), ...D.sub, ...set(23),
      ...get(19), ...D.floor, ...tee(21), ...i32(1), ...D.fromI32, ...D.add, ...get(19), ...D.sub, ...set(24),
      ...get(19), ...get(21), ...D.sub, ...set(25),
      // p = src + (y0·w + x0)·3·4, q = p + rowB
      ...get(1), ...get(21), ...D.toI32, ...get(3), ...I.mul, ...get(20), ...D.toI32, ...I.add, ...i32(4 * C), ...I.mul, ...I.add, ...tee(15),
      ...get(17), ...I.add, ...set(16),
      ...ch(0), ...ch(1), ...ch(2),
      0x05, // else
      ...get(13), ...get(12), 0x10, 0, // edge(ox, oy)
      0x0b,
      ...get(14), ...i32(4 * C), ...I.add, ...set(14),
    ]),
  ]),
];

/** The module's bytes (tests check that it validates). */
export function warpModuleBytes(): Uint8Array<ArrayBuffer> {
  const code = [2, 6, 0x7f, 12, 0x7c, ...body, 0x0b]; // locals: 6 i32, 12 f64
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 12, ...new Array<number>(6).fill(0x7f), ...new Array<number>(6).fill(0x7c), 0]),
    ...section(2, [2, ...str('env'), ...str('memory'), 0x02, 0x00, 0x00, ...str('env'), ...str('edge'), 0x00, 0]),
    ...section(3, [1, 1]),
    ...section(7, [1, ...str('warp3'), 0x00, 1]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

type Warp3 = (out: number, src: number, h: number, w: number, oh: number, ow: number, a0: number, a1: number, a2: number, b0: number, b1: number, b2: number) => void;
interface Bound { warp3: Warp3; edge: { fn: (ox: number, oy: number) => void } }
const instances = new WeakMap<WebAssembly.Memory, Bound | null>();

function bound(memory: WebAssembly.Memory): Bound | null {
  let k = instances.get(memory);
  if (k === undefined) {
    const edge = { fn: (_ox: number, _oy: number) => {} };
    try {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(warpModuleBytes()), { env: { memory, edge: (ox: number, oy: number) => edge.fn(ox, oy) } });
      k = { warp3: inst.exports.warp3 as unknown as Warp3, edge };
    } catch {
      k = null;
    }
    instances.set(memory, k);
  }
  return k;
}

/**
 * out[oy, ox, :] = bilinear sample of src (h × w × 3, byte offsets into `memory`) at (a0·ox + a1·oy + a2,
 * b0·ox + b1·oy + b2) for an oh × ow output, where all four taps lie inside; `edge(ox, oy)` writes every other
 * pixel. False (nothing written) where the module cannot run: no WebAssembly, or a memory it cannot import.
 */
export function affineWarp3(memory: WebAssembly.Memory | undefined, out: number, src: number, h: number, w: number, oh: number, ow: number,
  m: readonly [number, number, number, number, number, number], edge: (ox: number, oy: number) => void): boolean {
  if (memory == null || typeof WebAssembly === 'undefined') return false;
  const k = bound(memory);
  if (!k) return false;
  k.edge.fn = edge;
  try {
    k.warp3(out, src, h, w, oh, ow, ...m);
  } finally {
    k.edge.fn = () => {};
  }
  return true;
}
