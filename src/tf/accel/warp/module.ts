// The jitter's affine bilinear warp of an RGB image (tf.image.transform, ./transform.ts's transformOnHeap) as one
// WebAssembly SIMD function on tfjs-backend-wasm's own heap. The JS loop is ~2.4× slower (~0.46 ms per 128²
// image against ~0.19), two per ascent step (the image going in, its gradient coming back): ~5 % of a textures step. The
// arithmetic is transformOnHeap's, step for step, in float64 (as JS numbers), each pixel rounded to float32 once as
// a Float32Array store rounds it, so the values are the same bits. Only the pixels whose four taps all lie inside
// the image run here, two at a time; every other one (a fill mode's mapping, a tap reading the fill value) calls
// back into JS. Without SIMD the module does not compile and transformOnHeap's loop runs.
import { call, f32, f32x4, f64, f64x2, get, i32, i32x4, i64x2, ifElse, ifThen, instantiate, set, tee, v128, WasmModule, whileLt, type Code, type Local } from '../wasm/builder';

/** Channels per pixel: RGB. */
const C = 3;

function build(): WasmModule {
  const m = new WasmModule();
  const edge = m.importFunc('edge', ['i32', 'i32']); // edge(ox, oy): JS writes that pixel
  const f = m.func('warp3', { out: 'i32', src: 'i32', h: 'i32', w: 'i32', oh: 'i32', ow: 'i32', a0: 'f64', a1: 'f64', a2: 'f64', b0: 'f64', b1: 'f64', b2: 'f64' });
  const { out, src, h, w, oh, ow, a0, a1, a2, b0, b1, b2 } = f.params;
  // output row and column, the output pointer, the pixel's top-left tap and the one below (p1, q1: the second
  // pixel of a pair), an image row in bytes, ow − 1
  const oy = f.local('oy', 'i32'), ox = f.local('ox', 'i32'), k = f.local('k', 'i32'), p = f.local('p', 'i32'), q = f.local('q', 'i32');
  const rowB = f.local('rowB', 'i32'), owm1 = f.local('owm1', 'i32'), p1 = f.local('p1', 'i32'), q1 = f.local('q1', 'i32');
  // source coordinates, their floors, the bilinear weights, ox and oy as f64, w − 1 and h − 1, a1·oy and b1·oy
  const sx = f.local('sx', 'f64'), sy = f.local('sy', 'f64'), x0 = f.local('x0', 'f64'), y0 = f.local('y0', 'f64');
  const wx0 = f.local('wx0', 'f64'), wx1 = f.local('wx1', 'f64'), wy0 = f.local('wy0', 'f64'), wy1 = f.local('wy1', 'f64');
  const oxf = f.local('oxf', 'f64'), oyf = f.local('oyf', 'f64'), wm1 = f.local('wm1', 'f64'), hm1 = f.local('hm1', 'f64');
  const ra = f.local('ra', 'f64'), rb = f.local('rb', 'f64');
  // the same per pair of pixels, one per f64x2 lane: OX = (ox, ox + 1); T the pair's two results (f32)
  const OX = f.local('OX', 'v128'), SX = f.local('SX', 'v128'), SY = f.local('SY', 'v128'), FX = f.local('FX', 'v128'), FY = f.local('FY', 'v128');
  const WX0 = f.local('WX0', 'v128'), WX1 = f.local('WX1', 'v128'), WY0 = f.local('WY0', 'v128'), WY1 = f.local('WY1', 'v128'), T = f.local('T', 'v128');

  const tap = (ptr: Local, c: number) => [get(ptr), f32.load({ offset: 4 * c, align: 2 }), f64.promote_f32];
  /** Channel c of pixel ox + d: wy0·(wx0·p[c] + wx1·p[c+3]) + wy1·(wx0·q[c] + wx1·q[c+3]), rounded to f32 once. */
  const channel = (c: number, d: number): Code => [
    get(k),
    get(wy0), get(wx0), tap(p, c), f64.mul, get(wx1), tap(p, c + C), f64.mul, f64.add, f64.mul,
    get(wy1), get(wx0), tap(q, c), f64.mul, get(wx1), tap(q, c + C), f64.mul, f64.add, f64.mul,
    f64.add, f32.demote_f64, f32.store({ offset: 4 * (c + C * d), align: 2 }),
  ];
  const zero = [i32.const(0), f64.convert_i32_s];
  const one = [i32.const(1), f64.convert_i32_s];
  /** Pixel ox + d (k + d pixels) on its own: here if all four taps lie inside, else edge(ox + d, oy). */
  const scalarPixel = (d: number): Code => [
    get(ox), i32.const(d), i32.add, f64.convert_i32_s, set(oxf),
    // sx = a0·ox + a1·oy + a2, sy = b0·ox + b1·oy + b2
    get(a0), get(oxf), f64.mul, get(ra), f64.add, get(a2), f64.add, set(sx),
    get(b0), get(oxf), f64.mul, get(rb), f64.add, get(b2), f64.add, set(sy),
    // all four taps inside: 0 ≤ sx < w − 1 and 0 ≤ sy < h − 1 (NaN fails every test)
    get(sx), zero, f64.ge, get(sx), get(wm1), f64.lt, i32.and,
    get(sy), zero, f64.ge, i32.and, get(sy), get(hm1), f64.lt, i32.and,
    ifElse([
      get(sx), f64.floor, tee(x0), one, f64.add, get(sx), f64.sub, set(wx0),
      get(sx), get(x0), f64.sub, set(wx1),
      get(sy), f64.floor, tee(y0), one, f64.add, get(sy), f64.sub, set(wy0),
      get(sy), get(y0), f64.sub, set(wy1),
      // p = src + (y0·w + x0)·3·4, q = p + rowB
      get(src), get(y0), i32.trunc_f64_s, get(w), i32.mul, get(x0), i32.trunc_f64_s, i32.add, i32.const(4 * C), i32.mul, i32.add, tee(p),
      get(rowB), i32.add, set(q),
      channel(0, d), channel(1, d), channel(2, d),
    ], [
      get(ox), i32.const(d), i32.add, get(oy), call(edge),
    ]),
  ];

  /** [lane 0 from pointer a, lane 1 from pointer b] at byte offset off, as f64x2. */
  const pair = (a: Local, b: Local, off: number): Code => [
    get(b), get(a), v128.load32_zero({ offset: off, align: 2 }), v128.load32_lane({ offset: off, align: 2 }, 1), f64x2.promote_low_f32x4,
  ];
  /** Channel c of both pixels of the pair, as `channel` does it per lane. */
  const pairChannel = (c: number): Code => [
    get(WY0), get(WX0), pair(p, p1, 4 * c), f64x2.mul, get(WX1), pair(p, p1, 4 * (c + C)), f64x2.mul, f64x2.add, f64x2.mul,
    get(WY1), get(WX0), pair(q, q1, 4 * c), f64x2.mul, get(WX1), pair(q, q1, 4 * (c + C)), f64x2.mul, f64x2.add, f64x2.mul,
    f64x2.add, f32x4.demote_f64x2_zero, set(T),
    get(k), get(T), v128.store32_lane({ offset: 4 * c, align: 2 }, 0),
    get(k), get(T), v128.store32_lane({ offset: 4 * (c + C), align: 2 }, 1),
  ];
  const splat = (l: Local) => [get(l), f64x2.splat];
  /** Lane l's top-left tap: src + (y0·w + x0)·12. */
  const tapOf = (l: number) => [get(src), get(FY), i32x4.trunc_sat_f64x2_s_zero, i32x4.extract_lane(l), get(w), i32.mul, get(FX), i32x4.trunc_sat_f64x2_s_zero, i32x4.extract_lane(l), i32.add, i32.const(4 * C), i32.mul, i32.add];
  /** Pixels ox and ox + 1: both here if all their taps lie inside, else each on its own. */
  const vectorPair: Code = [
    // SX = a0·OX + (a1·oy) + a2, lane by lane as the scalar code
    splat(a0), get(OX), f64x2.mul, splat(ra), f64x2.add, splat(a2), f64x2.add, set(SX),
    splat(b0), get(OX), f64x2.mul, splat(rb), f64x2.add, splat(b2), f64x2.add, set(SY),
    get(SX), splat(wm1), f64x2.lt, get(SX), f64x2.const(0, 0), f64x2.ge, v128.and,
    get(SY), splat(hm1), f64x2.lt, v128.and, get(SY), f64x2.const(0, 0), f64x2.ge, v128.and,
    i64x2.all_true,
    ifElse([
      get(SX), f64x2.floor, set(FX), get(SY), f64x2.floor, set(FY),
      get(FX), f64x2.const(1, 1), f64x2.add, get(SX), f64x2.sub, set(WX0),
      get(SX), get(FX), f64x2.sub, set(WX1),
      get(FY), f64x2.const(1, 1), f64x2.add, get(SY), f64x2.sub, set(WY0),
      get(SY), get(FY), f64x2.sub, set(WY1),
      tapOf(0), tee(p), get(rowB), i32.add, set(q),
      tapOf(1), tee(p1), get(rowB), i32.add, set(q1),
      pairChannel(0), pairChannel(1), pairChannel(2),
    ], [
      scalarPixel(0), scalarPixel(1),
    ]),
  ];

  f.code(
    get(w), i32.const(1), i32.sub, f64.convert_i32_s, set(wm1),
    get(h), i32.const(1), i32.sub, f64.convert_i32_s, set(hm1),
    get(w), i32.const(4 * C), i32.mul, set(rowB),
    get(ow), i32.const(1), i32.sub, set(owm1),
    get(out), set(k),
    i32.const(0), set(oy),
    whileLt(oy, oh, 1, [
      get(oy), f64.convert_i32_s, set(oyf),
      get(a1), get(oyf), f64.mul, set(ra), get(b1), get(oyf), f64.mul, set(rb), // a1·oy, b1·oy
      i32.const(0), set(ox),
      f64x2.const(0, 1), set(OX),
      // pairs while ox + 1 < ow, then the last pixel of an odd row
      whileLt(ox, owm1, 2, [
        vectorPair,
        get(OX), f64x2.const(2, 2), f64x2.add, set(OX),
        get(k), i32.const(8 * C), i32.add, set(k),
      ]),
      get(ox), get(ow), i32.lt_u, ifThen([scalarPixel(0), get(k), i32.const(4 * C), i32.add, set(k)]),
    ]),
  );
  return m;
}

/** The module's bytes (tests: it validates, and its hash is pinned). */
export const warpModuleBytes = (): Uint8Array<ArrayBuffer> => build().bytes();

type Warp3 = (out: number, src: number, h: number, w: number, oh: number, ow: number, a0: number, a1: number, a2: number, b0: number, b1: number, b2: number) => void;
interface Bound { warp3: Warp3; edge: { fn: (ox: number, oy: number) => void } }
const instances = new WeakMap<WebAssembly.Memory, Bound | null>();

function bound(memory: WebAssembly.Memory): Bound | null {
  let k = instances.get(memory);
  if (k === undefined) {
    const edge = { fn: (_ox: number, _oy: number) => {} };
    const exports = instantiate<{ warp3: Warp3 }>(warpModuleBytes(), memory, { edge: (ox: number, oy: number) => edge.fn(ox, oy) });
    instances.set(memory, (k = exports ? { warp3: exports.warp3, edge } : null));
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
