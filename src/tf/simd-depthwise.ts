// Depthwise convolution as WebAssembly SIMD generated for one geometry (sizes, filter, strides, pads, channels,
// bias, activation), on tfjs-backend-wasm's own heap. XNNPACK's 5×5 depthwise kernels in tfjs-backend-wasm 4.22
// ran at 5–6 GFLOP/s here, half its 3×3 rate, and every net runs 9–17 depthwise convs per pass, forward and
// (as a flipped depthwise conv, depthwise-backprop.ts) backward. With the geometry baked in, every tap is one
// load at a constant offset: no index arithmetic, no bounds checks, no padded copy (rows outside the image read
// a row of zeros; the edge columns' pixels are unrolled with only their inside taps), and four output pixels
// share each weight load. Strided input gradients are one scatter pass. Four channels per instruction, so
// C % 4 == 0; dilation 1; channel multiplier 1. Anything else goes to the backend's own kernels.
import * as tf from '@tensorflow/tfjs';
import { byteOffset, type WasmBackend } from './heap-kernels';
import { I, RELU, RELU6, V, get, i32, loopWhile, section, set, simd, splat4, str, uleb } from './simd-kernels';

export type DepthwiseAct = 'linear' | 'relu' | 'relu6';

const load = (off: number) => simd(0x00, 0, ...uleb(off));
const store = (off: number) => simd(0x0b, 0, ...uleb(off));
const select = [0x1b];

/** Output pixels per block: independent accumulators that share each weight load (latency, not loads, bound one). */
const BLOCK = 4;

/**
 * A conv's geometry: output (dy) size, input (dx) size, filter, strides, leading pads, channels, bias and
 * activation (forward only).
 */
export interface ConvShape { oh: number; ow: number; h: number; w: number; kh: number; kw: number; sh: number; sw: number; top: number; left: number; c: number; bias: boolean; act: DepthwiseAct }

interface Walk {
  /** Locals: output row, block counter, first input row of this output row, oh, blocks; P(ky) the pointer at the
   *  current pixel's leftmost tap in filter row ky. */
  oy: number; k: number; iy0: number; oh: number; blocks: number; P: (ky: number) => number;
  /** Params: the image the taps read or write, and a spare row (W·C floats) for rows outside it. */
  image: number; spare: number;
  /** Code for n pixels from the current one with filter columns `cols`, and for moving on n pixels. */
  pixels: (n: number, cols: number[]) => number[]; advance: (n: number) => number[]; block: number;
}

/**
 * The loops both kernels share, over output rows and, per row, over pixels: each row points its filter rows P(ky)
 * at the image's rows, or at the spare row above and below it; the pixels whose taps cross the left or right edge
 * are unrolled one by one with only their inside columns, the others go `block` at a time, then one by one.
 */
function walk(s: ConvShape, L: Walk): number[] {
  const CB = s.c * 4, rowB = s.w * CB;
  const first = Math.min(s.ow, Math.ceil(s.left / s.sw));
  const last = Math.max(first, Math.min(s.ow, Math.floor((s.w - s.kw + s.left) / s.sw) + 1));
  const blocks = Math.floor((last - first) / L.block), rest = (last - first) % L.block;
  const ks = (n: number) => Array.from({ length: n }, (_, j) => j);
  const all = ks(s.kw);
  const edge = (ox: number) => L.pixels(1, all.filter((kx) => ox * s.sw + kx - s.left >= 0 && ox * s.sw + kx - s.left < s.w));
  return [
    ...i32(s.oh), ...set(L.oh),
    ...i32(blocks), ...set(L.blocks),
    ...i32(-s.top), ...set(L.iy0),
    ...i32(0), ...set(L.oy),
    ...loopWhile(L.oy, L.oh, 1, [
      // P(ky) = (row iy0 + ky inside ? image + (iy0 + ky)·rowB : spare) − left·CB
      ...ks(s.kh).flatMap((ky) => [
        ...get(L.image), ...get(L.iy0), ...i32(ky), ...I.add, ...i32(rowB), ...I.mul, ...I.add,
        ...get(L.spare),
        ...get(L.iy0), ...i32(ky), ...I.add, ...i32(s.h), ...I.ltU,
        ...select,
        ...i32(s.left * CB), ...I.sub, ...set(L.P(ky)),
      ]),
      ...ks(first).flatMap((ox) => [...edge(ox), ...L.advance(1)]),
      ...i32(0), ...set(L.k),
      ...loopWhile(L.k, L.blocks, 1, [...L.pixels(L.block, all), ...L.advance(L.block)]),
      ...ks(rest).flatMap(() => [...L.pixels(1, all), ...L.advance(1)]),
      ...ks(s.ow - last).flatMap((i) => [...edge(last + i), ...L.advance(1)]),
      ...get(L.iy0), ...i32(s.sh), ...I.add, ...set(L.iy0),
    ]),
  ];
}

/**
 * dw(out, inp, w, bias, zero): out [oh, ow, C] = act(bias + Σ_taps inp[oy·sh + ky − top, ox·sw + kx − left, c] ·
 * w[ky, kx, c]) over the taps inside the input, pointers as byte offsets; `zero` is W·C zeros (the rows outside).
 * Four output pixels share each weight load.
 */
export function depthwiseModuleBytes(s: ConvShape): Uint8Array<ArrayBuffer> {
  if (s.c % 4 !== 0) throw new Error(`simd depthwise: channels must be a multiple of 4, got ${s.c}`);
  const CB = s.c * 4;
  // params: out 0, inp 1, w 2, bias 3, zero 4; i32 locals: oy 5, k 6, c 7, iy0 8, wc 9, oh 10, blocks 11, cb 12,
  // P(ky) 13…, A(ky) = P(ky) + c 13+kh…; v128: acc 13+2kh…, then a weight per filter column WV(kx), then IN
  const P = (ky: number) => 13 + ky, A = (ky: number) => 13 + s.kh + ky, acc = (j: number) => 13 + 2 * s.kh + j;
  const WV = (kx: number) => 13 + 2 * s.kh + BLOCK + kx, IN = 13 + 2 * s.kh + BLOCK + s.kw;
  const ks = (n: number) => Array.from({ length: n }, (_, j) => j);
  const act = (j: number) => [
    ...get(acc(j)),
    ...(s.act === 'relu' ? RELU : s.act === 'relu6' ? RELU6 : []),
  ];
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
  const pixels = (n: number, cols: number[]) => [
    ...i32(0), ...set(7),
    ...loopWhile(7, 12, 16, [
      ...ks(s.kh).flatMap((ky) => [...get(P(ky)), ...get(7), ...I.add, ...set(A(ky))]),
      ...get(2), ...get(7), ...I.add, ...set(9),
      ...(s.bias ? [...get(3), ...get(7), ...I.add, ...load(0)] : splat4(0)), ...set(acc(0)),
      ...ks(n).slice(1).flatMap((j) => [...get(acc(0)), ...set(acc(j))]),
      // Per filter row: its weights once, then each input column the n pixels' taps read, loaded once and used by
      // every (pixel, tap) that reads it (stride 1, 4 pixels, 5 taps: 8 loads, not 20). Each pixel still adds its
      // taps in kx order, so the sums are the same as tap by tap.
      ...ks(s.kh).flatMap((ky) => [
        ...cols.flatMap((kx) => [...get(9), ...load((ky * s.kw + kx) * CB), ...set(WV(kx))]),
        ...columns(n, cols).flatMap(([u, uses]) => [
          ...get(A(ky)), ...load(u * CB), ...set(IN),
          ...uses.flatMap(([j, kx]) => [...get(WV(kx)), ...get(IN), ...V.mul, ...get(acc(j)), ...V.add, ...set(acc(j))]),
        ]),
      ]),
      ...ks(n).flatMap((j) => [...get(0), ...get(7), ...I.add, ...act(j), ...store(j * CB)]),
    ]),
  ];
  const advance = (n: number) => [
    ...get(0), ...i32(n * CB), ...I.add, ...set(0),
    ...ks(s.kh).flatMap((ky) => [...get(P(ky)), ...i32(n * s.sw * CB), ...I.add, ...set(P(ky))]),
  ];
  const body = [...i32(CB), ...set(12), ...walk(s, { oy: 5, k: 6, iy0: 8, oh: 10, blocks: 11, P, image: 1, spare: 4, pixels, advance, block: BLOCK })];
  return moduleOf('dw', 5, [8 + 2 * s.kh, 0x7f, BLOCK + s.kw + 1, 0x7b], body);
}

/**
 * dwt(dx, dy, w, trash): the input gradient of a depthwise conv by scattering: every dy pixel adds dy · w[ky, kx]
 * into dx[oy·sh + ky − top, ox·sw + kx − left] (dx zeroed first) where that lies inside; rows outside go to
 * `trash` (W·C floats, contents meaningless). For strided convs: the phase path (stride-phases.ts) needs one
 * conv per phase and an interleave; this is one pass, and no tap multiplies a zero.
 */
export function depthwiseGradModuleBytes(s: ConvShape): Uint8Array<ArrayBuffer> {
  if (s.c % 4 !== 0) throw new Error(`simd depthwise: channels must be a multiple of 4, got ${s.c}`);
  const CB = s.c * 4;
  // params: dx 0, dy 1, w 2, trash 3; i32 locals: oy 4, k 5, c 6, iy0 7, wc 8, oh 9, blocks 10, cb 11, P(ky) 12…,
  // A(ky) 12+kh…; v128: g 12+2kh
  const P = (ky: number) => 12 + ky, A = (ky: number) => 12 + s.kh + ky, G = 12 + 2 * s.kh;
  const ks = (n: number) => Array.from({ length: n }, (_, j) => j);
  const pixels = (_n: number, cols: number[]) => [
    ...i32(0), ...set(6),
    ...loopWhile(6, 11, 16, [
      ...ks(s.kh).flatMap((ky) => [...get(P(ky)), ...get(6), ...I.add, ...set(A(ky))]),
      ...get(2), ...get(6), ...I.add, ...set(8),
      ...get(1), ...get(6), ...I.add, ...load(0), ...set(G),
      ...ks(s.kh).flatMap((ky) => cols.flatMap((kx) => [
        ...get(A(ky)), ...get(G), ...get(8), ...load((ky * s.kw + kx) * CB), ...V.mul, ...get(A(ky)), ...load(kx * CB), ...V.add, ...store(kx * CB),
      ])),
    ]),
  ];
  const advance = (n: number) => [
    ...get(1), ...i32(n * CB), ...I.add, ...set(1),
    ...ks(s.kh).flatMap((ky) => [...get(P(ky)), ...i32(n * s.sw * CB), ...I.add, ...set(P(ky))]),
  ];
  const body = [...i32(CB), ...set(11), ...walk(s, { oy: 4, k: 5, iy0: 7, oh: 9, blocks: 10, P, image: 0, spare: 3, pixels, advance, block: 1 })];
  return moduleOf('dwt', 4, [8 + 2 * s.kh, 0x7f, 1, 0x7b], body);
}

/** A module importing env.memory and exporting one function `name` of `params` i32 parameters. */
function moduleOf(name: string, params: number, locals: number[], body: number[]): Uint8Array<ArrayBuffer> {
  const code = [locals.length / 2, ...locals, ...body, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, params, ...new Array<number>(params).fill(0x7f), 0]),
    ...section(2, [1, ...str('env'), ...str('memory'), 0x02, 0x00, 0x00]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str(name), 0x00, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

type DwFn = (out: number, inp: number, w: number, bias: number, zero: number) => void;
type DwtFn = (dx: number, dy: number, w: number, trash: number) => void;
const compiled = new WeakMap<WebAssembly.Memory, Map<string, unknown>>();

/** The function `name` of `bytes()` bound to `memory`, compiled on first use per key; null where it cannot run. */
/** Compiled geometries kept per memory (figures: 52 forward and 12 gradient ones at its three octave sizes). */
export const MAX_MODULES = 512;

function compiledFn<F>(memory: WebAssembly.Memory | undefined, key: string, name: string, bytes: () => Uint8Array<ArrayBuffer>): F | null {
  if (memory == null || typeof WebAssembly === 'undefined') return null;
  let byKey = compiled.get(memory);
  if (!byKey) compiled.set(memory, (byKey = new Map()));
  let fn = byKey.get(key) as F | null | undefined;
  if (fn === undefined) {
    // One module per geometry: a dream has a few dozen (layers × octave sizes); a long session that keeps changing
    // size starts the cache over rather than keep every size it ever saw.
    if (byKey.size >= MAX_MODULES) byKey.clear();
    try {
      fn = (new WebAssembly.Instance(new WebAssembly.Module(bytes()), { env: { memory } }).exports as Record<string, F>)[name];
    } catch {
      fn = null; // no SIMD, or a memory it cannot import (the threaded build's shared memory)
    }
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

/** Backends these kernels are written for (used by `useBackend`). */
export const SIMD_DEPTHWISE_BACKENDS: readonly string[] = ['wasm'];

type Args = { inputs: Record<string, tf.TensorInfo | undefined>; backend: unknown; attrs?: Record<string, unknown> };
interface DepthwiseAttrs { strides: number | [number, number]; pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil'; dataFormat?: string; activation?: string }

/**
 * The geometry of a depthwise conv of an input `[b, H, W, C]` the generated kernels are written for (float32 filter
 * [kh, kw, C, 1], C % 4 == 0, dilation 1), or null.
 */
function geometry(x: [number, number, number, number], filter: tf.TensorInfo, a: DepthwiseAttrs, bias: boolean, act: DepthwiseAct): ConvShape | null {
  const [, H, W, C] = x;
  if (filter.dtype !== 'float32' || C % 4 !== 0 || filter.shape.length !== 4 || filter.shape[2] !== C || filter.shape[3] !== 1) return null;
  const info = tf.backend_util.computeConv2DInfo(x, filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || info.outHeight <= 0 || info.outWidth <= 0) return null;
  return {
    oh: info.outHeight, ow: info.outWidth, h: H, w: W, kh: info.filterHeight, kw: info.filterWidth,
    sh: info.strideHeight, sw: info.strideWidth, top: info.padInfo.top, left: info.padInfo.left, c: C, bias, act,
  };
}

/** A geometry and its compiled function, kept per attrs object: a replayed step passes the same one every call,
 *  and computeConv2DInfo plus the module's key cost ~10 µs a call (26 depthwise calls in a textures step). */
interface Plan<F> { x: number[]; f: number[]; bias: boolean; act: DepthwiseAct; attrs: unknown[]; g: ConvShape | null; memory?: WebAssembly.Memory; fn?: F | null }
const forwardPlans = new WeakMap<object, Plan<DwFn>>(), gradPlans = new WeakMap<object, Plan<DwtFn>>();
const sameShape = (p: readonly number[], q: readonly number[]) => p.length === q.length && p.every((v, i) => v === q[i]);
function plan<F>(plans: WeakMap<object, Plan<F>>, x: [number, number, number, number], filter: tf.TensorInfo, a: DepthwiseAttrs, bias: boolean, act: DepthwiseAct,
  memory: WebAssembly.Memory | undefined, compile: (m: WebAssembly.Memory | undefined, g: ConvShape) => F | null, usable = (_g: ConvShape) => true): { g: ConvShape; fn: F } | null {
  if (filter.dtype !== 'float32') return null;
  // the attributes as they are now (a field assigned anew is a miss; TF.js never changes them)
  const attrs = [a.strides, a.pad, a.dilations, a.dimRoundingMode];
  let p = plans.get(a);
  if (!p || !sameShape(p.x, x) || !sameShape(p.f, filter.shape) || p.bias !== bias || p.act !== act || p.attrs.some((v, i) => v !== attrs[i])) {
    const g = geometry(x, filter, a, bias, act);
    p = { x: [...x], f: [...filter.shape], bias, act, attrs, g: g && usable(g) ? g : null };
    plans.set(a, p);
  }
  if (p.g == null) return null;
  if (p.fn === undefined || p.memory !== memory) { p.fn = compile(memory, p.g); p.memory = memory; }
  return p.fn == null ? null : { g: p.g, fn: p.fn };
}

/**
 * act(depthwise(x, filter) + bias) on the heap, or null where the generated kernel does not apply (then the
 * backend's own runs): float32 NHWC, channel multiplier 1, C % 4 == 0, dilation 1, linear / relu / relu6.
 */
export function depthwiseOnHeap(backend: WasmBackend, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | undefined, a: DepthwiseAttrs): tf.TensorInfo | null {
  const act = (a.activation ?? 'linear') as DepthwiseAct;
  if (act !== 'linear' && act !== 'relu' && act !== 'relu6') return null;
  if ((a.dataFormat ?? 'NHWC') !== 'NHWC' || x.dtype !== 'float32' || x.shape.length !== 4) return null;
  const [b, H, W, C] = x.shape as [number, number, number, number];
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== C)) return null;
  const made = plan(forwardPlans, [b, H, W, C], filter, a, bias != null, act, backend.wasm.asm?.memory, depthwiseFn);
  if (made == null) return null;
  const { g: { oh, ow }, fn } = made;
  const zero = backend.makeOutput([W * C], 'float32'); // the rows above and below the image
  const out = backend.makeOutput([b, oh, ow, C], 'float32');
  const at = (t: tf.TensorInfo) => byteOffset(backend, t);
  const z = at(zero);
  new Float32Array(backend.wasm.HEAPU8.buffer, z, W * C).fill(0);
  const o = at(out), i = at(x), w = at(filter), bb = bias ? at(bias) : 0;
  for (let n = 0; n < b; n++) fn(o + n * oh * ow * C * 4, i + n * H * W * C * 4, w, bb, z);
  backend.disposeData(zero.dataId);
  return out;
}

/**
 * The input gradient of a depthwise conv with stride > 1 (shape `inputShape`) by scattering dy straight into a
 * zeroed dx; null where the generated kernel does not apply (the same conditions as forward). Stride 1 goes
 * through the forward kernel with the flipped filter (depthwise-backprop.ts): a gather, cheaper than a scatter.
 */
export function depthwiseGradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, inputShape: [number, number, number, number], a: DepthwiseAttrs): tf.TensorInfo | null {
  const [b, H, W, C] = inputShape;
  const made = dy.dtype === 'float32' ? plan(gradPlans, inputShape, filter, a, false, 'linear', backend.wasm.asm?.memory, depthwiseGradFn, (g) => g.sh > 1 || g.sw > 1) : null;
  if (made == null) return null;
  const { g: s, fn } = made;
  if (dy.shape.length !== 4 || dy.shape[0] !== b || dy.shape[1] !== s.oh || dy.shape[2] !== s.ow || dy.shape[3] !== C) return null;
  const { oh, ow } = s;
  const trash = backend.makeOutput([W * C], 'float32'); // where the rows outside dx go
  const dx = backend.makeOutput([b, H, W, C], 'float32');
  const at = (t: tf.TensorInfo) => byteOffset(backend, t);
  const d = at(dx), g = at(dy), w = at(filter);
  new Float32Array(backend.wasm.HEAPU8.buffer, d, b * H * W * C).fill(0);
  for (let n = 0; n < b; n++) fn(d + n * H * W * C * 4, g + n * oh * ow * C * 4, w, at(trash));
  backend.disposeData(trash.dataId);
  return dx;
}

const originals = new Map<string, Map<string, tf.KernelConfig>>();
const enabled = new Set<string>();

/** Whether the generated kernels run for `backendName` now. */
export const simdDepthwiseActive = (backendName: string): boolean => enabled.has(backendName);

/**
 * Run DepthwiseConv2dNative and FusedDepthwiseConv2D of `backendName` through the generated kernels where they
 * apply (on = true), or through the backend's own only (on = false; the bench's stock runs). The wrappers stay
 * registered once made: kernels composed from them (depthwise-backprop.ts, fused-conv.ts) keep working either
 * way. Idempotent; returns whether anything changed.
 */
export function setSimdDepthwise(backendName: string, on: boolean): boolean {
  if (on === enabled.has(backendName)) return false;
  if (!on) { enabled.delete(backendName); return true; }
  if (!originals.has(backendName)) {
    const saved = new Map<string, tf.KernelConfig>();
    for (const name of ['DepthwiseConv2dNative', 'FusedDepthwiseConv2D']) {
      const own = tf.getKernel(name, backendName);
      if (!own) continue;
      saved.set(name, own);
      const fused = name === 'FusedDepthwiseConv2D';
      const fall = own.kernelFunc as unknown as (args: Args) => tf.TensorInfo;
      tf.unregisterKernel(name, backendName);
      tf.registerKernel({
        kernelName: name, backendName,
        kernelFunc: ((args: Args) => {
          const { x, filter, bias, preluActivationWeights } = args.inputs;
          const mine = enabled.has(backendName) && x && filter && !preluActivationWeights
            ? depthwiseOnHeap(args.backend as WasmBackend, x, filter, fused ? bias : undefined, (args.attrs ?? {}) as unknown as DepthwiseAttrs)
            : null;
          return mine ?? fall(args);
        }) as unknown as tf.KernelFunc,
      });
    }
    originals.set(backendName, saved);
  }
  enabled.add(backendName);
  return true;
}
