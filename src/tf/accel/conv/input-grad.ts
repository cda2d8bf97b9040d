// Faster paths for Conv2DBackpropInput on wasm, above the composite (src/tf/overrides/conv-input-grad.ts: one
// forward conv over the zero-inserted dy), which runs every other case:
//  - convs whose input has few channels (every dream net's stem, 3×3 stride 2 on RGB): as a forward conv their dx
//    has 3 output channels over a zero-inserted dy (4× the work, a GEMM 3 lanes wide; ~5 ms at 128²); dy·Wᵀ as a
//    1×1 conv (27 lanes) then col2im (./col2im.ts) does the exact FLOPs (~0.6 ms);
//  - strided convs: one conv per stride phase with that phase's taps (./stride-phases.ts).
import * as tf from '@tensorflow/tfjs';
import { overrideKernel, RANK, type Restore } from '../../registry';
import { backpropGeometry, derivedFilter, inputGradInfo, kernelScope, type Info, type InputGradAttrs } from '../../overrides/compose';
import { convGradKernels, isNhwc } from '../../overrides/conv-input-grad';
import { wasmBackend } from '../internals';
import { col2imOnHeap } from './col2im';
import { phasedInputGrad, phasesApply } from './stride-phases';

/** Input channels up to which dx goes through a matmul and col2im. */
export const COL2IM_MAX_IN_CHANNELS = 4;

/** How the accelerated kernel computes dx for a conv whose input has `inChannels` channels. */
export const backpropPath = (inChannels: number): 'col2im' | 'conv' => (inChannels <= COL2IM_MAX_IN_CHANNELS ? 'col2im' : 'conv');

/** Register the paths over `backendName`'s Conv2DBackpropInput (the phases where `options.phases`); returns what takes them out. */
export function installConvInputGrad(backendName: string, options: { phases: boolean }): Restore {
  const k = convGradKernels(backendName);
  return overrideKernel(backendName, 'Conv2DBackpropInput', (next) => (args) => {
    const fallThrough = () => {
      if (!next) throw new Error(`${backendName}: no Conv2DBackpropInput beneath the accelerated one`);
      return next(args);
    };
    if (!isNhwc(args.attrs)) return fallThrough();
    const { dy, filter } = args.inputs as { dy: Info; filter: Info };
    const a = args.attrs as unknown as InputGradAttrs;
    const kb = args.backend as tf.KernelBackend;
    const info = inputGradInfo(a, filter.shape as [number, number, number, number], false);
    const g = backpropGeometry(info);
    const { kh, kw } = g, CI = a.inputShape[3], CO = g.C;
    if (backpropPath(CI) === 'col2im') {
      const scope = kernelScope(kb);
      // cols [b, oh, ow, kh·kw·CI] = dy · W[kh·kw·CI, CO]ᵀ as a 1×1 conv (wasm's BatchMatMul is ~10× slower here).
      const w1 = derivedFilter(kb, filter, 'col2im', () => {
        const own = kernelScope(kb);
        const w2 = own.run(k.reshape, { x: filter }, { shape: [kh * kw * CI, CO] });
        const wt = own.run(k.transpose, { x: w2 }, { perm: [1, 0] });
        return own.finish(own.run(k.reshape, { x: wt }, { shape: [1, 1, CO, kh * kw * CI] }));
      });
      const cols = scope.run(k.conv, { x: dy, filter: w1 }, { strides: 1, pad: 'valid', dilations: 1, dataFormat: 'NHWC' });
      return scope.finish(scope.run(() => col2imOnHeap(wasmBackend(kb), cols, { ...g, C: CI }), {}));
    }
    if (!options.phases || !phasesApply(g)) return fallThrough();
    const scope = kernelScope(kb);
    return scope.finish(phasedInputGrad(scope, k.slice, kb, dy, g, CI, (z, zPad, py, px) => {
      const w = derivedFilter(kb, filter, `phase-${py.c}-${px.c}`, () => {
        const own = kernelScope(kb);
        const taps = own.run(k.stridedSlice, { x: filter }, { begin: [py.c, px.c, 0, 0], end: [kh, kw, CI, CO], strides: [g.sh, g.sw, 1, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 });
        const flipped = py.taps > 1 || px.taps > 1 ? own.run(k.reverse, { x: taps }, { dims: [0, 1] }) : taps;
        return own.finish(own.run(k.transpose, { x: flipped }, { perm: [0, 1, 3, 2] }));
      });
      return scope.run(k.conv, { x: z, filter: w }, { strides: 1, pad: zPad, dilations: 1, dataFormat: 'NHWC' });
    }));
  }, RANK.accelerated);
}
