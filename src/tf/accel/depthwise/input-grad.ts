// Faster paths for strided depthwise input gradients on wasm, above the composite (src/tf/overrides/depthwise-input-
// grad.ts: one stride-1 depthwise conv over the zero-inserted dy), which runs every other case:
//  - the generated scatter kernel (./kernels.ts): one pass, no tap multiplies a zero;
//  - else one depthwise conv per stride phase with that phase's taps (src/tf/accel/conv/stride-phases.ts).
import * as tf from '@tensorflow/tfjs';
import { overrideKernel, RANK, type Restore } from '../../registry';
import { backpropGeometry, derivedFilter, inputGradInfo, kernelScope, type Info, type InputGradAttrs } from '../../overrides/compose';
import { depthwiseGradKernels, sumMultiplier } from '../../overrides/depthwise-input-grad';
import { phasedInputGrad, phasesApply } from '../conv/stride-phases';
import { wasmBackend } from '../internals';
import { depthwiseGradOnHeap } from './kernels';

/** Register the paths `options` asks for over `backendName`'s DepthwiseConv2dNativeBackpropInput; returns what takes them out. */
export function installDepthwiseInputGrad(backendName: string, options: { scatter: boolean; phases: boolean }): Restore {
  const k = depthwiseGradKernels(backendName);
  return overrideKernel(backendName, 'DepthwiseConv2dNativeBackpropInput', (next) => (args) => {
    const { dy, filter } = args.inputs as { dy: Info; filter: Info };
    const a = args.attrs as unknown as InputGradAttrs;
    if (options.scatter) {
      const mine = depthwiseGradOnHeap(wasmBackend(args.backend), dy, filter, a.inputShape, a);
      if (mine) return mine;
    }
    const info = inputGradInfo(a, filter.shape as [number, number, number, number], true);
    const g = backpropGeometry(info);
    if (!options.phases || !phasesApply(g)) {
      if (!next) throw new Error(`${backendName}: no DepthwiseConv2dNativeBackpropInput beneath the accelerated one`);
      return next(args);
    }
    const kb = args.backend as tf.KernelBackend;
    const scope = kernelScope(kb);
    const CM = g.C, C = info.inChannels;
    const dx = phasedInputGrad(scope, k.slice, kb, dy, g, CM, (z, zPad, py, px) => {
      const w = derivedFilter(kb, filter, `dw-phase-${py.c}-${px.c}`, () => {
        const own = kernelScope(kb);
        const taps = own.run(k.stridedSlice, { x: filter }, { begin: [py.c, px.c, 0, 0], end: [g.kh, g.kw, C, CM / C], strides: [g.sh, g.sw, 1, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 });
        const flipped = own.run(k.reverse, { x: taps }, { dims: [0, 1] });
        const even = own.run(k.pad, { x: flipped }, { paddings: [[py.lead, 0], [px.lead, 0], [0, 0], [0, 0]], constantValue: 0 }); // a new buffer (see derivedFilter)
        return own.finish(own.run(k.reshape, { x: even }, { shape: [py.lead + py.taps, px.lead + px.taps, CM, 1] }));
      });
      return scope.run(k.depthwise, { x: z, filter: w }, { strides: 1, pad: zPad, dilations: 1, dataFormat: 'NHWC' });
    }, true);
    return scope.finish(sumMultiplier(scope, k, dx, info));
  }, RANK.accelerated);
}
