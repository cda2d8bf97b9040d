// Depthwise convolution as WebAssembly SIMD generated for one geometry (sizes, filter, strides, pads, channels,
// bias, activation), on tfjs-backend-wasm's own heap. XNNPACK's 5×5 depthwise kernels in tfjs-backend-wasm 4.22
// run at about half its 3×3 rate (~5–6 GFLOP/s on a 2-core x86 VM), and every net runs 9–17 depthwise convs per pass, forward and
// (as a flipped depthwise conv, src/tf/overrides/depthwise-input-grad.ts) backward. With the geometry baked in,
// every tap is one load at a constant offset: no index arithmetic, no bounds checks, no padded copy (rows outside
// the image read a row of zeros; the edge columns' pixels are unrolled with only their inside taps), and four
// output pixels share each weight load. Strided input gradients are one scatter pass. Four channels per
// instruction, so C % 4 == 0; dilation 1; channel multiplier 1 (./kernels.ts checks which convs qualify).
import { f32x4, get, i32, instantiate, select, set, v128, WasmModule, whileLt, type Code, type Func, type Local } from '../wasm/builder';
import { RELU, RELU6 } from '../heap/simd';

export type DepthwiseAct = 'linear' | 'relu' | 'relu6';

/** Output pixels per block: independent accumulators that share each weight load (latency, not loads, bound one). */
const BLOCK = 4;

/**
 * A conv's geometry: output (dy) size, input (dx) size, filter, strides, leading pads, channels, bias and
 * activation (forward only).
 */
export interface ConvShape { oh: number; ow: number; h: number; w: number; kh: number; kw: number; sh: number; sw: number; top: number; left: number; c: number; bias: boolean; act: DepthwiseAct }

const ks = (n: number) => Array.from({ length: n }, (_, j) => j);

/** The locals both kernels walk with (declared first, in this order: their indices are part of the module's bytes). */
interface Walk {
  /** Output row, block counter, channel byte offset, first input row of this output row, the weights at channel
   *  c, oh, blocks per row, C·4. */
  oy: Local<'i32'>; k: Local<'i32'>; c: Local<'i32'>; iy0: Local<'i32'>; wc: Local<'i32'>; oh: Local<'i32'>; blocks: Local<'i32'>; cb: Local<'i32'>;
  /** P[ky]: the pointer at the current pixel's leftmost tap in filter row ky; A[ky] = P[ky] + c. */
  P: Local<'i32'>[]; A: Local<'i32'>[];
}
function walkLocals(f: Func, kh: number): Walk {
  const l = (name: string) => f.local(name, 'i32');
  return { oy: l('oy'), k: l('k'), c: l('c'), iy0: l('iy0'), wc: l('wc'), oh: l('oh'), blocks: l('blocks'), cb: l('cb'), P: f.locals('P', 'i32', kh), A: f.locals('A', 'i32', kh) };
}

interface Steps {
  /** The image the taps read or write, and a spare row (W·C floats) for rows outside it. */
  image: Local; spare: Local;
  /** Code for n pixels from the current one with filter columns `cols`, and for moving on n pixels. */
  pixels: (n: number, cols: number[]) => Code; advance: (n: number) => Code; block: number;
}

/**
 * The loops both kernels share, over output rows and, per row, over pixels: each row points its filter rows P[ky]
 * at the image's rows, or at the spare row above and below it; the pixels whose taps cross the left or right edge
 * are unrolled one by one with only their inside columns, the others go `block` at a time, then one by one.
 */
function walk(s: ConvShape, L: Walk, S: Steps): Code {
  const CB = s.c * 4, rowB = s.w * CB;
  const first = Math.min(s.ow, Math.ceil(s.left / s.sw));
  const last = Math.max(first, Math.min(s.ow, Math.floor((s.w - s.kw + s.left) / s.sw) + 1));
  const blocks = Math.floor((last - first) / S.block), rest = (last - first) % S.block;
  const all = ks(s.kw);
  const edge = (ox: number) => S.pixels(1, all.filter((kx) => ox * s.sw + kx - s.left >= 0 && ox * s.sw + kx - s.left < s.w));
  return [
    i32.const(CB), set(L.cb),
    i32.const(s.oh), set(L.oh),
    i32.const(blocks), set(L.blocks),
    i32.const(-s.top), set(L.iy0),
    i32.const(0), set(L.oy),
    whileLt(L.oy, L.oh, 1, [
      // P[ky] = (row iy0 + ky inside ? image + (iy0 + ky)·rowB : spare) − left·CB
      ks(s.kh).map((ky) => [
        get(S.image), get(L.iy0), i32.const(ky), i32.add, i32.const(rowB), i32.mul, i32.add,
        get(S.spare),
        get(L.iy0), i32.const(ky), i32.add, i32.const(s.h), i32.lt_u,
        select,
        i32.const(s.left * CB), i32.sub, set(L.P[ky]),
      ]),
      ks(first).map((ox) => [edge(ox), S.advance(1)]),
      i32.const(0), set(L.k),
      whileLt(L.k, L.blocks, 1, [S.pixels(S.block, all), S.advance(S.block)]),
      ks(rest).map(() => [S.pixels(1, all), S.advance(1)]),
      ks(s.ow - last).map((i) => [edge(last + i), S.advance(1)]),
      get(L.iy0), i32.const(s.sh), i32.add, set(L.iy0),
    ]),
  ];
}

/** The next n pixels: `ptr` on by n pixels of output, each P[ky] by n strides of input. */
const advanceBy = (s: ConvShape, L: Walk, ptr: Local, n: number): Code => {
  const CB = s.c * 4;
  return [get(ptr), i32.const(n * CB), i32.add, set(ptr), ks(s.kh).map((ky) => [get(L.P[ky]), i32.const(n * s.sw * CB), i32.add, set(L.P[ky])])];
};

/**
 * dw(out, inp, w, bias, zero): out [oh, ow, C] = act(bias + Σ_taps inp[oy·sh + ky − top, ox·sw + kx − left, c] ·
 * w[ky, kx, c]) over the taps inside the input, pointers as byte offsets; `zero` is W·C zeros (the rows outside).
 * Four output pixels share each weight load.
 */
export function depthwiseModuleBytes(s: ConvShape): Uint8Array<ArrayBuffer> {
  if (s.c % 4 !== 0) throw new Error(`simd depthwise: channels must be a multiple of 4, got ${s.c}`);
  const CB = s.c * 4;
  const m = new WasmModule();
  const f = m.func('dw', { out: 'i32', inp: 'i32', w: 'i32', bias: 'i32', zero: 'i32' });
  const { out, inp, w, bias, zero } = f.params;
  const L = walkLocals(f, s.kh);
  const acc = f.locals('acc', 'v128', BLOCK); // one per pixel of a block
  const WV = f.locals('wv', 'v128', s.kw); // filter row ky's weights, per column
  const IN = f.local('in', 'v128'); // one input column, shared by the taps that read it
  const act = (j: number) => [get(acc[j]), s.act === 'relu' ? RELU : s.act === 'relu6' ? RELU6 : []];
  // input columns (relative to the block's first pixel's leftmost tap) in order, each with the (pixel, tap) pairs reading it
  const columns = (n: number, cols: number[]) => {
    const by = new Map<number, [number, number][]>();
    for (let j = 0; j < n; j++) for (const kx of cols) {
      const u = j * s.sw + kx;
      if (!by.has(u)) by.set(u, []);
      by.get(u)!.push([j, kx]);
    }
    return [...by].sort((p, q) => p[0] - q[0]);
  };
  const pixels = (n: number, cols: number[]): Code => [
    i32.const(0), set(L.c),
    whileLt(L.c, L.cb, 16, [
      ks(s.kh).map((ky) => [get(L.P[ky]), get(L.c), i32.add, set(L.A[ky])]),
      get(w), get(L.c), i32.add, set(L.wc),
      s.bias ? [get(bias), get(L.c), i32.add, v128.load()] : f32x4.const(0), set(acc[0]),
      ks(n).slice(1).map((j) => [get(acc[0]), set(acc[j])]),
      // Per filter row: its weights once, then each input column the n pixels' taps read, loaded once and used by
      // every (pixel, tap) that reads it (stride 1, 4 pixels, 5 taps: 8 loads, not 20). Each pixel still adds its
      // taps in kx order, so the sums are the same as tap by tap.
      ks(s.kh).map((ky) => [
        cols.map((kx) => [get(L.wc), v128.load({ offset: (ky * s.kw + kx) * CB }), set(WV[kx])]),
        columns(n, cols).map(([u, uses]) => [
          get(L.A[ky]), v128.load({ offset: u * CB }), set(IN),
          uses.map(([j, kx]) => [get(WV[kx]), get(IN), f32x4.mul, get(acc[j]), f32x4.add, set(acc[j])]),
        ]),
      ]),
      ks(n).map((j) => [get(out), get(L.c), i32.add, act(j), v128.store({ offset: j * CB })]),
    ]),
  ];
  f.code(walk(s, L, { image: inp, spare: zero, pixels, advance: (n) => advanceBy(s, L, out, n), block: BLOCK }));
  return m.bytes();
}

/**
 * dwt(dx, dy, w, trash): the input gradient of a depthwise conv by scattering: every dy pixel adds dy · w[ky, kx]
 * into dx[oy·sh + ky − top, ox·sw + kx − left] (dx zeroed first) where that lies inside; rows outside go to
 * `trash` (W·C floats, contents meaningless). For strided convs: the phase path (src/tf/accel/conv/stride-phases.ts)
 * needs one conv per phase and an interleave; this is one pass, and no tap multiplies a zero.
 */
export function depthwiseGradModuleBytes(s: ConvShape): Uint8Array<ArrayBuffer> {
  if (s.c % 4 !== 0) throw new Error(`simd depthwise: channels must be a multiple of 4, got ${s.c}`);
  const CB = s.c * 4;
  const m = new WasmModule();
  const f = m.func('dwt', { dx: 'i32', dy: 'i32', w: 'i32', trash: 'i32' });
  const { dx, dy, w, trash } = f.params;
  const L = walkLocals(f, s.kh);
  const G = f.local('g', 'v128'); // the dy pixel's channels
  const pixels = (_n: number, cols: number[]): Code => [
    i32.const(0), set(L.c),
    whileLt(L.c, L.cb, 16, [
      ks(s.kh).map((ky) => [get(L.P[ky]), get(L.c), i32.add, set(L.A[ky])]),
      get(w), get(L.c), i32.add, set(L.wc),
      get(dy), get(L.c), i32.add, v128.load(), set(G),
      ks(s.kh).map((ky) => cols.map((kx) => [
        get(L.A[ky]), get(G), get(L.wc), v128.load({ offset: (ky * s.kw + kx) * CB }), f32x4.mul, get(L.A[ky]), v128.load({ offset: kx * CB }), f32x4.add, v128.store({ offset: kx * CB }),
      ])),
    ]),
  ];
  f.code(walk(s, L, { image: dx, spare: trash, pixels, advance: (n) => advanceBy(s, L, dy, n), block: 1 }));
  return m.bytes();
}

export type DwFn = (out: number, inp: number, w: number, bias: number, zero: number) => void;
export type DwtFn = (dx: number, dy: number, w: number, trash: number) => void;
const compiled = new WeakMap<WebAssembly.Memory, Map<string, unknown>>();

/** Compiled geometries kept per memory (figures: 52 forward and 12 gradient ones at its three octave sizes). */
export const MAX_MODULES = 512;

/** The function `name` of `bytes()` bound to `memory`, compiled on first use per key; null where it cannot run. */
function compiledFn<F>(memory: WebAssembly.Memory | undefined, key: string, name: string, bytes: () => Uint8Array<ArrayBuffer>): F | null {
  if (memory == null || typeof WebAssembly === 'undefined') return null;
  let byKey = compiled.get(memory);
  if (!byKey) compiled.set(memory, (byKey = new Map()));
  let fn = byKey.get(key) as F | null | undefined;
  if (fn === undefined) {
    // One module per geometry: a dream has a few dozen (layers × octave sizes); a long session that keeps changing
    // size starts the cache over rather than keep every size it ever saw.
    if (byKey.size >= MAX_MODULES) byKey.clear();
    fn = instantiate<Record<string, F>>(bytes(), memory)?.[name] ?? null; // null: no SIMD, or a memory it cannot import
    byKey.set(key, fn);
  }
  return fn;
}

/** How many geometries are compiled for `memory` now (tests). */
export const compiledCount = (memory: WebAssembly.Memory | undefined): number => (memory ? compiled.get(memory)?.size ?? 0 : 0);

/** The forward function for `s` bound to `memory`, compiled on first use; null where it cannot run (no SIMD, shared memory). */
export const depthwiseFn = (memory: WebAssembly.Memory | undefined, s: ConvShape): DwFn | null =>
  compiledFn<DwFn>(memory, `dw ${JSON.stringify(s)}`, 'dw', () => depthwiseModuleBytes(s));
/** The scatter (input-gradient) function for `s` (bias and act unused). */
export const depthwiseGradFn = (memory: WebAssembly.Memory | undefined, s: ConvShape): DwtFn | null =>
  compiledFn<DwtFn>(memory, `dwt ${JSON.stringify(s)}`, 'dwt', () => depthwiseGradModuleBytes(s));
