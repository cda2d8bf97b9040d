// The jitter's affine bilinear warp of an RGB image (tf.image.transform, heap-kernels.ts's transformOnHeap) as one
// hand-assembled WebAssembly SIMD function on tfjs-backend-wasm's own heap. The JS loop took ~0.46 ms per 128²
// image (this ~0.19), two per ascent step (the image going in, its gradient coming back): ~5 % of a textures
// step. The arithmetic is transformOnHeap's, step for step, in float64 (as JS numbers), each pixel rounded to
// float32 once as a Float32Array store rounds it, so the values are the same bits. Only the pixels whose four
// taps all lie inside the image run here, two at a time; every other one (a fill mode's mapping, a tap reading
// the fill value) calls back into JS. Without SIMD the module does not compile and transformOnHeap's loop runs.
import { get, i32, I, loopWhile, section, set, simd, str, uleb } from './simd-kernels';

const D = {
  add: [0xa0], sub: [0xa1], mul: [0xa2], floor: [0x9c], lt: [0x63], ge: [0x66],
  fromI32: [0xb7], toI32: [0xaa], promote: [0xbb], demote: [0xb6],
};
const f32load = (off: number) => [0x2a, 2, ...uleb(off)];
const f32store = (off: number) => [0x38, 2, ...uleb(off)];
const tee = (i: number) => [0x22, i];

// warp3(out 0, src 1, h 2, w 3, oh 4, ow 5 | a0 6, a1 7, a2 8, b0 9, b1 10, b2 11 f64) with the import edge(ox, oy)
// as function 0. i32 locals: oy 12, ox 13, k 14, p 15, q 16, rowB 17, owm1 18, p1 19, q1 20; f64 locals: sx 21,
// sy 22, x0 23, y0 24, wx0 25, wx1 26, wy0 27, wy1 28, oxf 29, oyf 30, wm1 31, hm1 32, ra 33, rb 34; v128 locals:
// OX 35, SX 36, SY 37, FX 38, FY 39, WX0 40, WX1 41, WY0 42, WY1 43, T 44.
// Pixels go in pairs, one per f64x2 lane: each lane does the scalar code's float64 operations in the same order
// (so the same bits); a pair with a pixel outside, and an odd last pixel, take the scalar code.
const C = 3;
const X = { splat: simd(0x14), add: simd(0xf0), sub: simd(0xf1), mul: simd(0xf2), floor: simd(0x75), lt: simd(0x49), ge: simd(0x4c) };
const and128 = simd(0x4e), allTrue64 = simd(0xc3);
const truncSat = simd(0xfc); // i32x4.trunc_sat_f64x2_s_zero
const lane32 = (l: number) => simd(0x1b, l); // i32x4.extract_lane
const load32Zero = (off: number) => simd(0x5c, 2, ...uleb(off));
const load32Lane = (off: number, l: number) => simd(0x56, 2, ...uleb(off), l);
const store32Lane = (off: number, l: number) => simd(0x5a, 2, ...uleb(off), l);
const promote = simd(0x5f), demote2 = simd(0x5e);
const v128const = (a: number, b: number) => simd(0x0c, ...new Uint8Array(new Float64Array([a, b]).buffer));

/** The scalar code for pixel ox + d (k + d pixels): all taps inside here, else edge(ox + d, oy). */
const ch = (c: number, d: number) => [
  ...get(14),
  ...get(27), ...get(25), ...get(15), ...f32load(4 * c), ...D.promote, ...D.mul, ...get(26), ...get(15), ...f32load(4 * (c + C)), ...D.promote, ...D.mul, ...D.add, ...D.mul,
  ...get(28), ...get(25), ...get(16), ...f32load(4 * c), ...D.promote, ...D.mul, ...get(26), ...get(16), ...f32load(4 * (c + C)), ...D.promote, ...D.mul, ...D.add, ...D.mul,
  ...D.add, ...D.demote, ...f32store(4 * (c + C * d)),
];
const scalarPixel = (d: number) => [
  ...get(13), ...i32(d), ...I.add, ...D.fromI32, ...set(29),
  // sx = a0·ox + a1·oy + a2, sy = b0·ox + b1·oy + b2
  ...get(6), ...get(29), ...D.mul, ...get(33), ...D.add, ...get(8), ...D.add, ...set(21),
  ...get(9), ...get(29), ...D.mul, ...get(34), ...D.add, ...get(11), ...D.add, ...set(22),
  // all four taps inside: 0 ≤ sx < w − 1 and 0 ≤ sy < h − 1 (NaN fails every test)
  ...get(21), ...i32(0), ...D.fromI32, ...D.ge, ...get(21), ...get(31), ...D.lt, ...I.and,
  ...get(22), ...i32(0), ...D.fromI32, ...D.ge, ...I.and, ...get(22), ...get(32), ...D.lt, ...I.and,
  0x04, 0x40, // if
  ...get(21), ...D.floor, ...tee(23), ...i32(1), ...D.fromI32, ...D.add, ...get(21), ...D.sub, ...set(25),
  ...get(21), ...get(23), ...D.sub, ...set(26),
  ...get(22), ...D.floor, ...tee(24), ...i32(1), ...D.fromI32, ...D.add, ...get(22), ...D.sub, ...set(27),
  ...get(22), ...get(24), ...D.sub, ...set(28),
  // p = src + (y0·w + x0)·3·4, q = p + rowB
  ...get(1), ...get(24), ...D.toI32, ...get(3), ...I.mul, ...get(23), ...D.toI32, ...I.add, ...i32(4 * C), ...I.mul, ...I.add, ...tee(15),
  ...get(17), ...I.add, ...set(16),
  ...ch(0, d), ...ch(1, d), ...ch(2, d),
  0x05, // else
  ...get(13), ...i32(d), ...I.add, ...get(12), 0x10, 0, // edge(ox + d, oy)
  0x0b,
];
/** [lane 0 from pointer a, lane 1 from pointer b] at byte offset off, as f64x2. */
const pair = (a: number, b: number, off: number) => [...get(b), ...get(a), ...load32Zero(off), ...load32Lane(off, 1), ...promote];
const pairCh = (c: number) => [
  ...get(42), ...get(40), ...pair(15, 19, 4 * c), ...X.mul, ...get(41), ...pair(15, 19, 4 * (c + C)), ...X.mul, ...X.add, ...X.mul,
  ...get(43), ...get(40), ...pair(16, 20, 4 * c), ...X.mul, ...get(41), ...pair(16, 20, 4 * (c + C)), ...X.mul, ...X.add, ...X.mul,
  ...X.add, ...demote2, ...set(44),
  ...get(14), ...get(44), ...store32Lane(4 * c, 0),
  ...get(14), ...get(44), ...store32Lane(4 * (c + C), 1),
];
const splatF = (i: number) => [...get(i), ...X.splat];
const vectorPair = [
  // SX = a0·OX + (a1·oy) + a2, lane by lane as the scalar code
  ...splatF(6), ...get(35), ...X.mul, ...splatF(33), ...X.add, ...splatF(8), ...X.add, ...set(36),
  ...splatF(9), ...get(35), ...X.mul, ...splatF(34), ...X.add, ...splatF(11), ...X.add, ...set(37),
  ...get(36), ...splatF(31), ...X.lt, ...get(36), ...v128const(0, 0), ...X.ge, ...and128,
  ...get(37), ...splatF(32), ...X.lt, ...and128, ...get(37), ...v128const(0, 0), ...X.ge, ...and128,
  ...allTrue64,
  0x04, 0x40, // if both inside
  ...get(36), ...X.floor, ...set(38), ...get(37), ...X.floor, ...set(39),
  ...get(38), ...v128const(1, 1), ...X.add, ...get(36), ...X.sub, ...set(40),
  ...get(36), ...get(38), ...X.sub, ...set(41),
  ...get(39), ...v128const(1, 1), ...X.add, ...get(37), ...X.sub, ...set(42),
  ...get(37), ...get(39), ...X.sub, ...set(43),
  // p = src + (y0·w + x0)·12 per lane
  ...get(1), ...get(39), ...truncSat, ...lane32(0), ...get(3), ...I.mul, ...get(38), ...truncSat, ...lane32(0), ...I.add, ...i32(4 * C), ...I.mul, ...I.add, ...tee(15), ...get(17), ...I.add, ...set(16),
  ...get(1), ...get(39), ...truncSat, ...lane32(1), ...get(3), ...I.mul, ...get(38), ...truncSat, ...lane32(1), ...I.add, ...i32(4 * C), ...I.mul, ...I.add, ...tee(19), ...get(17), ...I.add, ...set(20),
  ...pairCh(0), ...pairCh(1), ...pairCh(2),
  0x05, // else: each pixel on its own
  ...scalarPixel(0), ...scalarPixel(1),
  0x0b,
];
const body = [
  ...get(3), ...i32(1), ...I.sub, ...D.fromI32, ...set(31),
  ...get(2), ...i32(1), ...I.sub, ...D.fromI32, ...set(32),
  ...get(3), ...i32(4 * C), ...I.mul, ...set(17),
  ...get(5), ...i32(1), ...I.sub, ...set(18),
  ...get(0), ...set(14),
  ...i32(0), ...set(12),
  ...loopWhile(12, 4, 1, [
    ...get(12), ...D.fromI32, ...set(30),
    ...get(7), ...get(30), ...D.mul, ...set(33), ...get(10), ...get(30), ...D.mul, ...set(34), // a1·oy, b1·oy
    ...i32(0), ...set(13),
    ...v128const(0, 1), ...set(35),
    // pairs while ox + 1 < ow, then the last pixel of an odd row
    ...loopWhile(13, 18, 2, [
      ...vectorPair,
      ...get(35), ...v128const(2, 2), ...X.add, ...set(35),
      ...get(14), ...i32(8 * C), ...I.add, ...set(14),
    ]),
    ...get(13), ...get(5), ...I.ltU, 0x04, 0x40, ...scalarPixel(0), ...get(14), ...i32(4 * C), ...I.add, ...set(14), 0x0b,
  ]),
];

/** The module's bytes (tests check that it validates). */
export function warpModuleBytes(): Uint8Array<ArrayBuffer> {
  const code = [3, 9, 0x7f, 14, 0x7c, 10, 0x7b, ...body, 0x0b]; // locals: 9 i32, 14 f64, 10 v128
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
  if (oh <= 0 || ow <= 0) return true; // nothing to write
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
