// DepthwiseConv2dNativeBackpropInput for backends that lack it (tfjs-backend-wasm 4.22), built from kernels
// they do have. Needed for input gradients through every MobileNet. Math (per spatial axis, stride s,
// dilation d, filter K, leading pad p):
//   dx[i] = Σ_k dyz[i + p − k·d] · w[k]    with dyz = dy with s−1 zeros inserted after each sample
//         = VALID stride-1 depthwise conv of pad(dyz, (K−1)d − p) with the flipped filter.
// A channel multiplier M is handled by convolving all C·M channels with multiplier 1 and summing M.
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
type KernelFn = (args: { inputs: Record<string, Info>; backend: tf.KernelBackend; attrs?: Record<string, unknown> }) => Info | Info[];

export function registerDepthwiseBackpropInput(backendName: string): boolean {
  if (tf.getKernel('DepthwiseConv2dNativeBackpropInput', backendName) != null) return false;
  const kernel = (name: string): KernelFn => {
    const k = tf.getKernel(name, backendName);
    if (k == null) throw new Error(`${backendName} lacks kernel ${name}, needed for DepthwiseConv2dNativeBackpropInput`);
    return k.kernelFunc as unknown as KernelFn;
  };
  const [reshape, pad, slice, reverse, depthwise, sum] = ['Reshape', 'PadV2', 'Slice', 'Reverse', 'DepthwiseConv2dNative', 'Sum'].map(kernel);

  tf.registerKernel({
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backendName,
    kernelFunc: ({ inputs, backend: be, attrs }) => {
      const backend = be as tf.KernelBackend;
      const { dy, filter } = inputs as { dy: Info; filter: Info };
      const a = attrs as unknown as { strides: number | [number, number]; dilations: number | [number, number]; pad: 'same' | 'valid' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number] };
      const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
      const { batchSize: b, inHeight: H, inWidth: W, inChannels: C, outChannels: CM, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
      const { dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw } = info;
      const temps: Info[] = [];
      const run = (fn: KernelFn, inp: Record<string, Info>, at?: Record<string, unknown>) => { const r = fn({ inputs: inp, backend, attrs: at }) as Info; temps.push(r); return r; };

      // zero-insert: [b,oh,1,ow,1,CM] padded to [b,oh,sh,ow,sw,CM] → [b,oh·sh,ow·sw,CM]
      let z = dy;
      if (sh > 1 || sw > 1) {
        z = run(reshape, { x: dy }, { shape: [b, oh, 1, ow, 1, CM] });
        z = run(pad, { x: z }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
        z = run(reshape, { x: z }, { shape: [b, oh * sh, ow * sw, CM] });
      }
      const top = (kh - 1) * dh - info.padInfo.top;
      const left = (kw - 1) * dw - info.padInfo.left;
      const bottom = H + (kh - 1) * dh - top - oh * sh;
      const right = W + (kw - 1) * dw - left - ow * sw;
      // negative pads become crops
      z = run(pad, { x: z }, { paddings: [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]], constantValue: 0 });
      if (Math.min(top, bottom, left, right) < 0) {
        const [, zh, zw] = z.shape;
        const t0 = Math.max(-top, 0), l0 = Math.max(-left, 0);
        z = run(slice, { x: z }, { begin: [0, t0, l0, 0], size: [b, zh - t0 - Math.max(-bottom, 0), zw - l0 - Math.max(-right, 0), CM] });
      }
      const flipped = run(reverse, { x: filter }, { dims: [0, 1] });
      const w = run(reshape, { x: flipped }, { shape: [kh, kw, CM, 1] });
      let dx = run(depthwise, { x: z, filter: w }, { strides: 1, pad: 'valid', dilations: [dh, dw], dataFormat: 'NHWC' });
      if (CM !== C) {
        const r = run(reshape, { x: dx }, { shape: [b, H, W, C, CM / C] });
        dx = run(sum, { x: r }, { axis: [4], keepDims: false });
      }
      for (const t of temps) if (t !== dx) backend.disposeData(t.dataId);
      return dx;
    },
  });
  return true;
}
