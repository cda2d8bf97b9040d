// DepthwiseConv2dNativeBackpropInput for backends that lack it (tfjs-backend-wasm 4.22), built from kernels
// they do have. Needed for input gradients through every MobileNet. Math (per spatial axis, stride s,
// dilation d, filter K, leading pad p):
//   dx[i] = Σ_k dyz[i + p − k·d] · w[k]    with dyz = dy with s−1 zeros inserted after each sample
//         = VALID stride-1 depthwise conv of pad(dyz, (K−1)d − p) with the flipped filter.
// A channel multiplier M is handled by convolving all C·M channels with multiplier 1 and summing M.
import * as tf from '@tensorflow/tfjs';
import { derivedFilter, dilateAndPad, kernelScope, kernelsOf, type ConvPad, type Info } from './kernel-compose';
import { phasedInputGrad, phasesApply } from './stride-phases';
import { depthwiseGradOnHeap, simdDepthwiseActive } from './simd-depthwise';

type Attrs = { strides: number | [number, number]; dilations: number | [number, number]; pad: 'same' | 'valid' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number] };
// A replayed step calls this kernel with the same attrs object every time: its conv info, and the attrs object
// of the stride-1 conv it runs (so that conv's own per-attrs cache in simd-depthwise.ts hits), are kept per attrs
// object, checked against the filter shape and the attributes' values on each call.
const infos = new WeakMap<object, { key: string; info: tf.backend_util.Conv2DInfo }>();
const inners = new WeakMap<object, { key: string; attrs: Record<string, unknown> }>();
function convInfo(a: Attrs, filterShape: [number, number, number, number]): tf.backend_util.Conv2DInfo {
  const key = `${filterShape}|${a.inputShape}|${a.strides}|${a.dilations}|${a.pad}|${a.dimRoundingMode}`;
  let e = infos.get(a);
  if (e?.key !== key) infos.set(a, (e = { key, info: tf.backend_util.computeConv2DInfo(a.inputShape, filterShape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true) }));
  return e.info;
}
function innerAttrs(a: Attrs, pad: ConvPad, dh: number, dw: number): Record<string, unknown> {
  const key = `${pad}|${dh}|${dw}`;
  let e = inners.get(a);
  if (e?.key !== key) inners.set(a, (e = { key, attrs: { strides: 1, pad, dilations: [dh, dw], dataFormat: 'NHWC' } }));
  return e.attrs;
}

export function registerDepthwiseBackpropInput(backendName: string): boolean {
  if (tf.getKernel('DepthwiseConv2dNativeBackpropInput', backendName) != null) return false;
  const [reshape, pad, slice, reverse, depthwise, sum, stridedSlice] = kernelsOf(backendName, ['Reshape', 'PadV2', 'Slice', 'Reverse', 'DepthwiseConv2dNative', 'Sum', 'StridedSlice'], 'DepthwiseConv2dNativeBackpropInput');

  tf.registerKernel({
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: Info; filter: Info };
      const a = attrs as unknown as Attrs;
      if (simdDepthwiseActive(backendName)) { // strided, on wasm: one scatter pass (src/tf/simd-depthwise.ts)
        const mine = depthwiseGradOnHeap(backend as unknown as Parameters<typeof depthwiseGradOnHeap>[0], dy, filter, a.inputShape, a);
        if (mine) return mine;
      }
      const info = convInfo(a, filter.shape as [number, number, number, number]);
      const { batchSize: b, inHeight: H, inWidth: W, inChannels: C, outChannels: CM, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
      const { dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw } = info;
      const scope = kernelScope(backend as tf.KernelBackend);
      const kb = backend as tf.KernelBackend;
      const geometry = { b, H, W, C: CM, oh, ow, sh, sw, kh, kw, dh, dw, padTop: info.padInfo.top, padLeft: info.padInfo.left };
      let dx: Info;
      if (phasesApply(geometry, kb)) {
        // One depthwise conv per stride phase with that phase's taps, flipped (src/tf/stride-phases.ts).
        dx = phasedInputGrad(scope, slice, kb, dy, geometry, CM, (z, zPad, py, px) => {
          const w = derivedFilter(kb, filter, `dw-phase-${py.c}-${px.c}`, () => {
            const own = kernelScope(kb);
            const taps = own.run(stridedSlice, { x: filter }, { begin: [py.c, px.c, 0, 0], end: [kh, kw, C, CM / C], strides: [sh, sw, 1, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 });
            const flipped = own.run(reverse, { x: taps }, { dims: [0, 1] });
            const even = own.run(pad, { x: flipped }, { paddings: [[py.lead, 0], [px.lead, 0], [0, 0], [0, 0]], constantValue: 0 }); // a new buffer (see derivedFilter)
            return own.finish(own.run(reshape, { x: even }, { shape: [py.lead + py.taps, px.lead + px.taps, CM, 1] }));
          });
          return scope.run(depthwise, { x: z, filter: w }, { strides: 1, pad: zPad, dilations: 1, dataFormat: 'NHWC' });
        }, true);
      } else {
        const { z, pad: zPad } = dilateAndPad(scope, [reshape, pad, slice], dy, geometry);
        const w = derivedFilter(kb, filter, 'dw-flip', () => {
          const own = kernelScope(kb);
          const flipped = own.run(reverse, { x: filter }, { dims: [0, 1] }); // always a new buffer (see derivedFilter)
          return own.finish(own.run(reshape, { x: flipped }, { shape: [kh, kw, CM, 1] }));
        });
        dx = scope.run(depthwise, { x: z, filter: w }, innerAttrs(a, zPad, dh, dw));
      }
      if (CM !== C) {
        const r = scope.run(reshape, { x: dx }, { shape: [b, H, W, C, CM / C] });
        dx = scope.run(sum, { x: r }, { axis: [4], keepDims: false });
      }
      return scope.finish(dx);
    },
  });
  return true;
}
