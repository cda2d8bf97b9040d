// Conv2DBackpropInput (the input gradient of every Conv2D, most of a dream step) as a forward Conv2D, which
// tfjs-backend-wasm 4.22 runs 10–20× faster than its own Conv2DBackpropInput (`npm run bench:convgrad`).
// Same math as depthwise-backprop.ts: dx = VALID stride-1 conv of pad(zero-inserted dy) with the filter
// flipped in space and its in/out channels swapped. NHWC only; other layouts go to the backend's own kernel.
import * as tf from '@tensorflow/tfjs';
import { derivedFilter, dilateAndPad, kernelScope, kernelsOf, type Info, type KernelFn } from './kernel-compose';
import { col2imOnHeap } from './heap-kernels';
import { phasedInputGrad, phasesApply } from './stride-phases';

/**
 * Input channels up to which dx goes through a matmul and col2im instead (wasm: needs heap access). The stems of
 * every dream net (3×3 stride 2 on RGB) are such convs: as a forward conv their dx has 3 output channels over a
 * zero-inserted dy (4× the work, a GEMM 3 lanes wide; ~5 ms at 128²); dy·Wᵀ as a 1×1 conv (27 lanes) then col2im
 * does the exact FLOPs (~0.6 ms).
 */
export const COL2IM_MAX_IN_CHANNELS = 4;
let col2im = true;
/** Use the matmul + col2im path where it applies (default) or always the forward conv (to compare). */
export function setCol2im(on: boolean): void { col2im = on; }

/** How the composed kernel computes dx for a conv whose input has `inChannels` channels, on `backend`. */
export function backpropPath(inChannels: number, backend: object): 'col2im' | 'conv' {
  return col2im && inChannels <= COL2IM_MAX_IN_CHANNELS && 'dataIdMap' in backend ? 'col2im' : 'conv';
}

/** Backends whose Conv2DBackpropInput is slower than their Conv2D (used by `useBackend`). */
export const CONV_BACKPROP_AS_CONV_BACKENDS: readonly string[] = ['wasm'];

const originals = new Map<string, tf.KernelConfig | undefined>();

/** Whether the composed kernel is the one registered for `backendName` now. */
export const convBackpropAsConvActive = (backendName: string): boolean => originals.has(backendName);

/**
 * Register (on = true) the composed Conv2DBackpropInput over `backendName`'s own, or put the original back
 * (on = false). Idempotent; returns whether anything changed.
 */
export function setConvBackpropAsConv(backendName: string, on: boolean): boolean {
  if (on === originals.has(backendName)) return false;
  if (!on) {
    const original = originals.get(backendName);
    originals.delete(backendName);
    tf.unregisterKernel('Conv2DBackpropInput', backendName);
    if (original) tf.registerKernel(original);
    return true;
  }
  const original = tf.getKernel('Conv2DBackpropInput', backendName);
  const [reshape, pad, slice, reverse, transpose, conv, stridedSlice] = kernelsOf(backendName, ['Reshape', 'PadV2', 'Slice', 'Reverse', 'Transpose', 'Conv2D', 'StridedSlice'], 'Conv2DBackpropInput as a conv');
  const fallback = original?.kernelFunc as unknown as KernelFn | undefined;
  if (original) tf.unregisterKernel('Conv2DBackpropInput', backendName);
  originals.set(backendName, original);
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName,
    kernelFunc: (args) => {
      const { inputs, attrs } = args;
      const backend = args.backend as tf.KernelBackend;
      const { dy, filter } = inputs as { dy: Info; filter: Info };
      const a = attrs as unknown as { strides: number | [number, number]; pad: 'same' | 'valid' | number; dataFormat?: string; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number] };
      if (a.dataFormat && a.dataFormat !== 'NHWC') {
        if (!fallback) throw new Error(`${backendName}: Conv2DBackpropInput as a conv is NHWC only, got ${a.dataFormat}`);
        return fallback(args as Parameters<KernelFn>[0]);
      }
      const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode, false);
      const { batchSize: b, inHeight: H, inWidth: W, outChannels: CO, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
      const scope = kernelScope(backend);
      const CI = a.inputShape[3];
      if (backpropPath(CI, backend) === 'col2im') {
        // cols [b, oh, ow, kh·kw·CI] = dy · W[kh·kw·CI, CO]ᵀ as a 1×1 conv (wasm's BatchMatMul is ~10× slower here).
        const w1 = derivedFilter(backend, filter, 'col2im', () => {
          const own = kernelScope(backend);
          const w2 = own.run(reshape, { x: filter }, { shape: [kh * kw * CI, CO] });
          const wt = own.run(transpose, { x: w2 }, { perm: [1, 0] });
          return own.finish(own.run(reshape, { x: wt }, { shape: [1, 1, CO, kh * kw * CI] }));
        });
        const cols = scope.run(conv, { x: dy, filter: w1 }, { strides: 1, pad: 'valid', dilations: 1, dataFormat: 'NHWC' });
        const geometry = { b, H, W, C: CI, oh, ow, sh, sw, kh, kw, dh: 1, dw: 1, padTop: info.padInfo.top, padLeft: info.padInfo.left };
        return scope.finish(scope.run(() => col2imOnHeap(backend as unknown as Parameters<typeof col2imOnHeap>[0], cols, geometry), {}));
      }
      const geometry = { b, H, W, C: CO, oh, ow, sh, sw, kh, kw, dh: 1, dw: 1, padTop: info.padInfo.top, padLeft: info.padInfo.left };
      if (phasesApply(geometry, backend)) {
        // One conv per stride phase with that phase's taps, flipped and swapped (src/tf/stride-phases.ts).
        return scope.finish(phasedInputGrad(scope, slice, backend, dy, geometry, CI, (z, zPad, py, px) => {
          const w = derivedFilter(backend, filter, `phase-${py.c}-${px.c}`, () => {
            const own = kernelScope(backend);
            const taps = own.run(stridedSlice, { x: filter }, { begin: [py.c, px.c, 0, 0], end: [kh, kw, CI, CO], strides: [sh, sw, 1, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 });
            const flipped = py.taps > 1 || px.taps > 1 ? own.run(reverse, { x: taps }, { dims: [0, 1] }) : taps;
            return own.finish(own.run(transpose, { x: flipped }, { perm: [0, 1, 3, 2] }));
          });
          return scope.run(conv, { x: z, filter: w }, { strides: 1, pad: zPad, dilations: 1, dataFormat: 'NHWC' });
        }));
      }
      const { z, pad: zPad } = dilateAndPad(scope, [reshape, pad, slice], dy, geometry);
      const w = derivedFilter(backend, filter, 'flip-swap', () => {
        const own = kernelScope(backend);
        const flipped = kh > 1 || kw > 1 ? own.run(reverse, { x: filter }, { dims: [0, 1] }) : filter;
        return own.finish(own.run(transpose, { x: flipped }, { perm: [0, 1, 3, 2] }));
      });
      return scope.finish(scope.run(conv, { x: z, filter: w }, { strides: 1, pad: zPad, dilations: 1, dataFormat: 'NHWC' }));
    },
  });
  return true;
}
