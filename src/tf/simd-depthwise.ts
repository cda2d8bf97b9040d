// Depthwise convolution as WebAssembly SIMD generated for one geometry (filter size, strides, padded row width,
// channels, bias, activation), on tfjs-backend-wasm's own heap. XNNPACK's 5×5 depthwise kernels in
// tfjs-backend-wasm 4.22 ran at 5–6 GFLOP/s here, half its 3×3 rate; the pose and texture nets run nine to
// thirteen of them per pass, forward and (as a flipped depthwise conv, depthwise-backprop.ts) backward.
// With the geometry baked in, every tap is one load at a constant offset from the pixel's pointer: no index
// arithmetic, no bounds checks (the input is padded first), and two neighbouring output pixels share each
// weight load. Four channels per instruction, so C % 4 == 0; dilation 1.
import * as tf from '@tensorflow/tfjs';
import { padOnHeap, sliceOnHeap, type WasmBackend } from './heap-kernels';
import { I, V, get, i32, loopWhile, section, set, simd, splat4, str, uleb } from './simd-kernels';

export type DepthwiseAct = 'linear' | 'relu' | 'relu6';

/** What one generated function is specialised on: output size, filter, strides, the padded input's W·C, channels, bias, activation. */
export interface DepthwiseShape { oh: number; ow: number; kh: number; kw: number; sh: number; sw: number; rowFloats: number; c: number; bias: boolean; act: DepthwiseAct }

const load = (off: number) => simd(0x00, 0, ...uleb(off));
const store = (off: number) => simd(0x0b, 0, ...uleb(off));

/** Output pixels per block: independent accumulators that share each weight load (latency, not loads, bound one). */
const BLOCK = 4;

/**
 * dw(out, inp, w, bias): out [oh, ow, C] = act(bias + Σ_taps inp[oy·sh + ky, ox·sw + kx, c] · w[ky, kx, c]) for an
 * input already padded (every tap in range), pointers as byte offsets.
 */
export function depthwiseModuleBytes(s: DepthwiseShape): Uint8Array<ArrayBuffer> {
  if (s.c % 4 !== 0) throw new Error(`simd depthwise: channels must be a multiple of 4, got ${s.c}`);
  const CB = s.c * 4, rowB = s.rowFloats * 4, blocks = Math.floor(s.ow / BLOCK), rest = s.ow % BLOCK;
  // params: out 0, inp 1, w 2, bias 3; i32 locals: oy 4, k 5, c 6, rowIn 7, pIn 8, a 9, wc 10, oh 11, blocks 12, cb 13;
  // v128 locals: acc 14…17, wv 18
  const acc = (j: number) => 14 + j;
  const act = (j: number) => [
    ...get(acc(j)),
    ...(s.act === 'linear' ? [] : [...splat4(0), ...V.max]),
    ...(s.act === 'relu6' ? [...splat4(6), ...V.min] : []),
  ];
  const pixels = (n: number) => Array.from({ length: n }, (_, j) => j);
  const channels = (n: number) => [
    ...i32(0), ...set(6),
    ...loopWhile(6, 13, 16, [
      ...get(8), ...get(6), ...I.add, ...set(9),
      ...get(2), ...get(6), ...I.add, ...set(10),
      ...(s.bias ? [...get(3), ...get(6), ...I.add, ...load(0)] : splat4(0)), ...set(acc(0)),
      ...pixels(n).slice(1).flatMap((j) => [...get(acc(0)), ...set(acc(j))]),
      ...Array.from({ length: s.kh * s.kw }, (_, t) => {
        const ioff = Math.floor(t / s.kw) * rowB + (t % s.kw) * CB;
        return [
          ...get(10), ...load(t * CB), ...set(18),
          ...pixels(n).flatMap((j) => [...get(18), ...get(9), ...load(ioff + j * s.sw * CB), ...V.mul, ...get(acc(j)), ...V.add, ...set(acc(j))]),
        ];
      }).flat(),
      ...pixels(n).flatMap((j) => [...get(0), ...get(6), ...I.add, ...act(j), ...store(j * CB)]),
    ]),
  ];
  const body = [
    ...i32(CB), ...set(13),
    ...i32(s.oh), ...set(11),
    ...i32(blocks), ...set(12),
    ...get(1), ...set(7),
    ...i32(0), ...set(4),
    ...loopWhile(4, 11, 1, [
      ...get(7), ...set(8),
      ...i32(0), ...set(5),
      ...loopWhile(5, 12, 1, [
        ...channels(BLOCK),
        ...get(0), ...i32(BLOCK * CB), ...I.add, ...set(0),
        ...get(8), ...i32(BLOCK * s.sw * CB), ...I.add, ...set(8),
      ]),
      ...(rest ? [...channels(rest), ...get(0), ...i32(rest * CB), ...I.add, ...set(0)] : []),
      ...get(7), ...i32(s.sh * rowB), ...I.add, ...set(7),
    ]),
  ];
  return moduleOf('dw', 4, [10, 0x7f, 5, 0x7b], body);
}

/**
 * dwt(dx, dy, w, oh, ow): the input gradient of a strided depthwise conv by scattering: every dy pixel adds
 * dy · w[ky, kx] into dx[oy·sh + ky, ox·sw + kx] of a zeroed dx padded like the forward input (`rowFloats` its
 * W·C). The phase path (stride-phases.ts) needs one padded conv per phase and an interleave; this is one pass,
 * and no tap multiplies a zero.
 */
export function depthwiseGradModuleBytes(s: DepthwiseShape): Uint8Array<ArrayBuffer> {
  if (s.c % 4 !== 0) throw new Error(`simd depthwise: channels must be a multiple of 4, got ${s.c}`);
  const CB = s.c * 4, rowB = s.rowFloats * 4;
  // params: dx 0, dy 1, w 2, oh 3, ow 4; i32 locals: oy 5, ox 6, c 7, rowDx 8, pDx 9, a 10, wc 11, cb 12; v128: g 13
  const body = [
    ...i32(CB), ...set(12),
    ...get(0), ...set(8),
    ...i32(0), ...set(5),
    ...loopWhile(5, 3, 1, [
      ...get(8), ...set(9),
      ...i32(0), ...set(6),
      ...loopWhile(6, 4, 1, [
        ...i32(0), ...set(7),
        ...loopWhile(7, 12, 16, [
          ...get(9), ...get(7), ...I.add, ...set(10),
          ...get(2), ...get(7), ...I.add, ...set(11),
          ...get(1), ...get(7), ...I.add, ...load(0), ...set(13),
          ...Array.from({ length: s.kh * s.kw }, (_, t) => {
            const off = Math.floor(t / s.kw) * rowB + (t % s.kw) * CB;
            return [...get(10), ...get(13), ...get(11), ...load(t * CB), ...V.mul, ...get(10), ...load(off), ...V.add, ...store(off)];
          }).flat(),
        ]),
        ...get(1), ...i32(CB), ...I.add, ...set(1),
        ...get(9), ...i32(s.sw * CB), ...I.add, ...set(9),
      ]),
      ...get(8), ...i32(s.sh * rowB), ...I.add, ...set(8),
    ]),
  ];
  return moduleOf('dwt', 5, [8, 0x7f, 1, 0x7b], body);
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

type DwFn = (out: number, inp: number, w: number, bias: number) => void;
type DwtFn = (dx: number, dy: number, w: number, oh: number, ow: number) => void;
const compiled = new WeakMap<WebAssembly.Memory, Map<string, unknown>>();

/** The function `name` of `bytes()` bound to `memory`, compiled on first use per key; null where it cannot run. */
function compiledFn<F>(memory: WebAssembly.Memory | undefined, key: string, name: string, bytes: () => Uint8Array<ArrayBuffer>): F | null {
  if (memory == null || typeof WebAssembly === 'undefined') return null;
  let byKey = compiled.get(memory);
  if (!byKey) compiled.set(memory, (byKey = new Map()));
  let fn = byKey.get(key) as F | null | undefined;
  if (fn === undefined) {
    try {
      fn = (new WebAssembly.Instance(new WebAssembly.Module(bytes()), { env: { memory } }).exports as Record<string, F>)[name];
    } catch {
      fn = null; // no SIMD, or a memory it cannot import (the threaded build's shared memory)
    }
    byKey.set(key, fn);
  }
  return fn;
}
const shapeKey = (s: DepthwiseShape) => `${s.oh},${s.ow},${s.kh},${s.kw},${s.sh},${s.sw},${s.rowFloats},${s.c},${s.bias},${s.act}`;

/** The forward function for `s` bound to `memory`, compiled on first use; null where it cannot run (no SIMD, shared memory). */
export const depthwiseFn = (memory: WebAssembly.Memory | undefined, s: DepthwiseShape): DwFn | null =>
  compiledFn<DwFn>(memory, `dw ${shapeKey(s)}`, 'dw', () => depthwiseModuleBytes(s));
/** The scatter (input-gradient) function for `s` (bias and act unused). */
export const depthwiseGradFn = (memory: WebAssembly.Memory | undefined, s: DepthwiseShape): DwtFn | null =>
  compiledFn<DwtFn>(memory, `dwt ${shapeKey(s)}`, 'dwt', () => depthwiseGradModuleBytes(s));

/** Backends these kernels are written for (used by `useBackend`). */
export const SIMD_DEPTHWISE_BACKENDS: readonly string[] = ['wasm'];

type Args = { inputs: Record<string, tf.TensorInfo | undefined>; backend: unknown; attrs?: Record<string, unknown> };
interface DepthwiseAttrs { strides: number | [number, number]; pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil'; dataFormat?: string; activation?: string }

/**
 * act(depthwise(x, filter) + bias) on the heap, or null where the generated kernel does not apply (then the
 * backend's own runs): float32 NHWC, channel multiplier 1, C % 4 == 0, dilation 1, linear / relu / relu6.
 */
export function depthwiseOnHeap(backend: WasmBackend, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | undefined, a: DepthwiseAttrs): tf.TensorInfo | null {
  const act = (a.activation ?? 'linear') as DepthwiseAct;
  if (act !== 'linear' && act !== 'relu' && act !== 'relu6') return null;
  if ((a.dataFormat ?? 'NHWC') !== 'NHWC' || x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4) return null;
  const [b, H, W, C] = x.shape as [number, number, number, number];
  if (C % 4 !== 0 || filter.shape.length !== 4 || filter.shape[2] !== C || filter.shape[3] !== 1) return null;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== C)) return null;
  const info = tf.backend_util.computeConv2DInfo([b, H, W, C], filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || oh <= 0 || ow <= 0) return null;
  // 3×3 stays with XNNPACK: it runs those at this kernel's rate, and the padded copy made the strided ones slower
  // ([1,64,64,64] s2: 0.22 ms vs 0.13). 5×5: 2–2.7× faster at every size the nets use (scratch timing, 128² and 224²).
  if (kh * kw <= 9) return null;
  const top = info.padInfo.top, left = info.padInfo.left;
  const bottom = Math.max(0, (oh - 1) * sh + kh - H - top), right = Math.max(0, (ow - 1) * sw + kw - W - left);
  const Hp = H + top + bottom, Wp = W + left + right;
  const fn = depthwiseFn(backend.wasm.asm?.memory, { oh, ow, kh, kw, sh, sw, rowFloats: Wp * C, c: C, bias: bias != null, act });
  if (fn == null) return null;
  const padded = top || left || bottom || right ? padOnHeap(backend, x, [[0, 0], [top, bottom], [left, right], [0, 0]], 0) : x;
  const out = backend.makeOutput([b, oh, ow, C], 'float32');
  const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  const o = at(out), i = at(padded), w = at(filter), bb = bias ? at(bias) : 0;
  for (let n = 0; n < b; n++) fn(o + n * oh * ow * C * 4, i + n * Hp * Wp * C * 4, w, bb);
  if (padded !== x) backend.disposeData(padded.dataId);
  return out;
}

/**
 * The input gradient of a depthwise conv with stride > 1 (shape `inputShape`) by scattering dy into a zeroed,
 * padded dx and cropping it; null where the generated kernel does not apply (the same conditions as forward).
 */
export function depthwiseGradOnHeap(backend: WasmBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, inputShape: [number, number, number, number], a: DepthwiseAttrs): tf.TensorInfo | null {
  const [b, H, W, C] = inputShape;
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32' || C % 4 !== 0 || filter.shape.length !== 4 || filter.shape[2] !== C || filter.shape[3] !== 1) return null;
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || (sh === 1 && sw === 1)) return null;
  if (dy.shape.join() !== [b, oh, ow, C].join()) return null;
  const top = info.padInfo.top, left = info.padInfo.left;
  const Hp = Math.max((oh - 1) * sh + kh, H + top), Wp = Math.max((ow - 1) * sw + kw, W + left);
  const fn = depthwiseGradFn(backend.wasm.asm?.memory, { oh, ow, kh, kw, sh, sw, rowFloats: Wp * C, c: C, bias: false, act: 'linear' });
  if (fn == null) return null;
  const padded = backend.makeOutput([b, Hp, Wp, C], 'float32');
  const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  const p = at(padded), g = at(dy), w = at(filter);
  new Float32Array(backend.wasm.HEAPU8.buffer, p, b * Hp * Wp * C).fill(0);
  for (let n = 0; n < b; n++) fn(p + n * Hp * Wp * C * 4, g + n * oh * ow * C * 4, w, oh, ow);
  const dx = sliceOnHeap(backend, padded, [0, top, left, 0], [b, H, W, C]);
  backend.disposeData(padded.dataId);
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
