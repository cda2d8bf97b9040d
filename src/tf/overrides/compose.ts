// Glue for kernels composed from a backend's own kernels (the input gradients here and their accelerated paths in
// src/tf/accel/conv and src/tf/accel/depthwise): run the building blocks with temporaries tracked, free every
// temporary but the result; filters derived from a weight, kept while it lives. Also the shared step of both input
// gradients: dy zero-inserted by the stride and padded (or cropped) so that a VALID stride-1 forward conv with the
// flipped filter gives dx.
import * as tf from '@tensorflow/tfjs';
import type { Info, KernelFn } from '../registry';
import type { ConvPad } from '../ops/portable';

export type { Info, KernelFn, ConvPad };

/** A scope for one composed kernel call: `run` records each intermediate; `finish(result)` frees all others. */
export function kernelScope(backend: tf.KernelBackend) {
  const temps: Info[] = [];
  return {
    run(fn: KernelFn, inputs: Record<string, Info>, attrs?: Record<string, unknown>): Info {
      const r = fn({ inputs, backend, attrs }) as Info;
      temps.push(r);
      return r;
    },
    finish(result: Info): Info {
      for (const t of temps) if (t !== result) backend.disposeData(t.dataId);
      return result;
    },
  };
}

/**
 * Filters derived from a weight (flipped, transposed, reshaped) for the input-gradient kernels, kept on the
 * backend while the weight's data lives: a graph's weights are the same tensors every step, so each is flipped
 * once, not in every backward pass (on wasm, Reverse and Transpose of [3,3,C,C'] filters are ~16 % of a nanodet
 * step), and XNNPACK keeps its packed copy of the same filter id. Entries whose weight was freed are freed when
 * a new entry is made, at least every SWEEP_EVERY calls, or by `sweepDerivedFilters` (a model's dispose) or
 * `clearDerivedFilters`: the sweep asks the backend for every weight's reference count, ~6 µs a call with the ~60
 * weights of a textures net: too dear to run on every call.
 */
const derived = new WeakMap<tf.KernelBackend, Map<object, Map<string, Info>>>();
export const SWEEP_EVERY = 64;
let sinceSweep = 0;

/** Free the derived filters of weights whose data is gone. */
export function sweepDerivedFilters(backend: tf.KernelBackend): void {
  const byFilter = derived.get(backend);
  sinceSweep = 0;
  if (!byFilter) return;
  for (const [id, entries] of byFilter) {
    if (backend.refCount(id as tf.DataId) > 0) continue;
    for (const d of entries.values()) backend.disposeData(d.dataId);
    byFilter.delete(id);
  }
}

export function derivedFilter(backend: tf.KernelBackend, filter: Info, key: string, make: () => Info): Info {
  let byFilter = derived.get(backend);
  if (!byFilter) derived.set(backend, (byFilter = new Map()));
  const known = byFilter.get(filter.dataId)?.get(key);
  if (known && ++sinceSweep < SWEEP_EVERY) return known;
  sweepDerivedFilters(backend); // (filter itself is alive: it is an input)
  let entries = byFilter.get(filter.dataId);
  if (!entries) byFilter.set(filter.dataId, (entries = new Map()));
  let d = entries.get(key);
  if (!d) {
    d = make();
    // Sharing the weight's own buffer (a bare reshape) would keep the weight alive for ever.
    if (d.dataId === filter.dataId) throw new Error(`derivedFilter '${key}': make() must return new data, not the filter's`);
    entries.set(key, d);
  }
  return d;
}

/** Free every derived filter held for `backend` (e.g. before comparing memory). */
export function clearDerivedFilters(backend: tf.KernelBackend): void {
  const byFilter = derived.get(backend);
  if (!byFilter) return;
  for (const entries of byFilter.values()) for (const d of entries.values()) backend.disposeData(d.dataId);
  byFilter.clear();
}

/** How many derived filters `backend` holds (tests). */
export const derivedFilterCount = (backend: tf.KernelBackend): number => [...(derived.get(backend)?.values() ?? [])].reduce((n, e) => n + e.size, 0);

export interface BackpropGeometry {
  b: number; H: number; W: number; C: number; // dx shape (C = channels of dy)
  oh: number; ow: number; sh: number; sw: number; // dy spatial size, strides
  kh: number; kw: number; dh: number; dw: number; // filter size, dilations
  padTop: number; padLeft: number; // the forward conv's leading pads
}

/**
 * dy [b,oh,ow,C] → z and `pad` such that dx = VALID-stride-1 conv(z padded by `pad`, flipped filter, dilation d).
 * Per spatial axis: insert s−1 zeros after each sample, then pad (K−1)d − p before and whatever makes the output
 * H after. Non-negative pads go to the conv as explicit padding (XNNPACK pads as it reads: no PadV2 pass over
 * dy); negative ones become crops.
 */
export function dilateAndPad(scope: ReturnType<typeof kernelScope>, [reshape, pad, slice]: KernelFn[], dy: Info, g: BackpropGeometry): { z: Info; pad: ConvPad } {
  const { b, H, W, C, oh, ow, sh, sw, kh, kw, dh, dw } = g;
  let z = dy;
  if (sh > 1 || sw > 1) {
    // [b,oh,1,ow,1,C] padded to [b,oh,sh,ow,sw,C] → [b,oh·sh,ow·sw,C]
    z = scope.run(reshape, { x: dy }, { shape: [b, oh, 1, ow, 1, C] });
    z = scope.run(pad, { x: z }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    z = scope.run(reshape, { x: z }, { shape: [b, oh * sh, ow * sw, C] });
  }
  const top = (kh - 1) * dh - g.padTop;
  const left = (kw - 1) * dw - g.padLeft;
  const bottom = H + (kh - 1) * dh - top - oh * sh;
  const right = W + (kw - 1) * dw - left - ow * sw;
  if (Math.min(top, bottom, left, right) < 0) {
    const [, zh, zw] = z.shape;
    const t0 = Math.max(-top, 0), l0 = Math.max(-left, 0);
    z = scope.run(slice, { x: z }, { begin: [0, t0, l0, 0], size: [b, zh - t0 - Math.max(-bottom, 0), zw - l0 - Math.max(-right, 0), C] });
  }
  return { z, pad: [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]] };
}

/** A conv input gradient's attributes (Conv2DBackpropInput, DepthwiseConv2dNativeBackpropInput). */
export interface InputGradAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: string;
  inputShape: [number, number, number, number];
}

const infos = { conv: new WeakMap<object, { key: string; info: tf.backend_util.Conv2DInfo }>(), depthwise: new WeakMap<object, { key: string; info: tf.backend_util.Conv2DInfo }>() };
/**
 * The forward conv's info for an input gradient, kept per attrs object (a replayed step passes the same one every
 * call, and each input gradient may pass through an accelerated path and its composite), checked against the filter
 * shape and the attributes' values. Conv2DBackpropInput has no dilations (1).
 */
export function inputGradInfo(a: InputGradAttrs, filterShape: [number, number, number, number], depthwise: boolean): tf.backend_util.Conv2DInfo {
  const dilations = depthwise ? a.dilations ?? 1 : 1;
  const key = `${filterShape}|${a.inputShape}|${a.strides}|${dilations}|${a.pad}|${a.dimRoundingMode}`;
  const cache = depthwise ? infos.depthwise : infos.conv;
  let e = cache.get(a);
  if (e?.key !== key) cache.set(a, (e = { key, info: tf.backend_util.computeConv2DInfo(a.inputShape, filterShape, a.strides, dilations, a.pad, a.dimRoundingMode, depthwise) }));
  return e.info;
}

/** The geometry the composed input gradients work in, with C the channels of dy (the conv's output channels). */
export const backpropGeometry = (info: tf.backend_util.Conv2DInfo): BackpropGeometry => ({
  b: info.batchSize, H: info.inHeight, W: info.inWidth, C: info.outChannels, oh: info.outHeight, ow: info.outWidth,
  sh: info.strideHeight, sw: info.strideWidth, kh: info.filterHeight, kw: info.filterWidth,
  dh: info.dilationHeight, dw: info.dilationWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left,
});
