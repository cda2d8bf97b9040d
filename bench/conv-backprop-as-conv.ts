// Experiment for B2 (not used by the app): Conv2DBackpropInput done as a forward Conv2D, which tfjs-backend-wasm
// 4.22 runs 10–20× faster than its own Conv2DBackpropInput (scripts/bench-convgrad.ts). Same math as
// src/tf/depthwise-backprop.ts: dx = VALID stride-1 conv of pad(zero-inserted dy) with the flipped filter, its
// in/out channels swapped. `npm run bench -- --fast-convgrad` registers it over the backend's own kernel to show
// what moving it into src/tf would buy. NHWC only (the engine's graphs are NHWC or transposed to it).
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
type KernelFn = (args: { inputs: Record<string, Info>; backend: tf.KernelBackend; attrs?: Record<string, unknown> }) => Info | Info[];

/** Registers the kernel over the backend's own; returns a function that puts the original back. */
export function registerConvBackpropAsConv(backendName: string): () => void {
  const original = tf.getKernel('Conv2DBackpropInput', backendName);
  const kernel = (name: string) => tf.getKernel(name, backendName)!.kernelFunc as unknown as KernelFn;
  const [reshape, pad, slice, reverse, transpose, conv] = ['Reshape', 'PadV2', 'Slice', 'Reverse', 'Transpose', 'Conv2D'].map(kernel);
  tf.unregisterKernel('Conv2DBackpropInput', backendName);
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName,
    kernelFunc: ({ inputs, backend: be, attrs }) => {
      const backend = be as tf.KernelBackend;
      const { dy, filter } = inputs as { dy: Info; filter: Info };
      const a = attrs as unknown as { strides: number | [number, number]; pad: 'same' | 'valid' | number; dataFormat?: string; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number] };
      if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error('conv-backprop-as-conv: NHWC only');
      const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode, false);
      const { batchSize: b, inHeight: H, inWidth: W, outChannels: CO, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
      const temps: Info[] = [];
      const run = (fn: KernelFn, inp: Record<string, Info>, at?: Record<string, unknown>) => { const r = fn({ inputs: inp, backend, attrs: at }) as Info; temps.push(r); return r; };
      let z = dy;
      if (sh > 1 || sw > 1) {
        z = run(reshape, { x: dy }, { shape: [b, oh, 1, ow, 1, CO] });
        z = run(pad, { x: z }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
        z = run(reshape, { x: z }, { shape: [b, oh * sh, ow * sw, CO] });
      }
      const top = kh - 1 - info.padInfo.top, left = kw - 1 - info.padInfo.left;
      const bottom = H + kh - 1 - top - oh * sh, right = W + kw - 1 - left - ow * sw;
      if (top || bottom || left || right) {
        z = run(pad, { x: z }, { paddings: [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]], constantValue: 0 });
        if (Math.min(top, bottom, left, right) < 0) {
          const [, zh, zw] = z.shape;
          const t0 = Math.max(-top, 0), l0 = Math.max(-left, 0);
          z = run(slice, { x: z }, { begin: [0, t0, l0, 0], size: [b, zh - t0 - Math.max(-bottom, 0), zw - l0 - Math.max(-right, 0), CO] });
        }
      }
      const flipped = kh > 1 || kw > 1 ? run(reverse, { x: filter }, { dims: [0, 1] }) : filter;
      const w = run(transpose, { x: flipped }, { perm: [0, 1, 3, 2] });
      const dx = run(conv, { x: z, filter: w }, { strides: 1, pad: 'valid', dilations: 1, dataFormat: 'NHWC' });
      for (const t of temps) if (t !== dx) backend.disposeData(t.dataId);
      return dx;
    },
  });
  return () => {
    tf.unregisterKernel('Conv2DBackpropInput', backendName);
    if (original) tf.registerKernel(original);
  };
}
