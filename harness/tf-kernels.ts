// Runs the fused conv + bias + activation op (src/tf/ops/fused-conv.ts) on a browser backend (?backend=webgl or wasm)
// with the backend's fused kernels registered for it and without (conv + Add + activation, TF.js's own ops), and
// records on window.__kernels the largest differences of the output and the input gradient, and which kernels each
// way ran; and what the wasm accelerator says about itself in this build (its check of TF.js's internals runs on the
// bundled TF.js here, not Node's) and which kernels a roll and an ascent update ran.
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, type BackendName } from '../src/platform/backends';
import { acceleratorStatus, ascentUpdate, FUSED_CONV, FUSED_DEPTHWISE, fusedConv, installOverrides, registerFusedConvOps, roll, useBackend, type AcceleratorStatus, type FusedActivation, type FusedConvAttrs } from '../src/tf';

interface Case { name: string; x: [number, number, number, number]; k: number; cout: number; stride: number; pad: FusedConvAttrs['pad']; depthwise: boolean; activation: FusedActivation }
interface Result { name: string; yErr: number; gxErr: number; kernelsFused: string[]; kernelsPlain: string[] }
const out: { backend: string; registered: boolean; results: Result[]; accelerator: AcceleratorStatus | null; stepKernels: string[]; error: string | null; done: boolean } =
  { backend: '', registered: false, results: [], accelerator: null, stepKernels: [], error: null, done: false };
(window as unknown as { __kernels: typeof out }).__kernels = out;

const cases: Case[] = [];
for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu'] as const) {
  cases.push({ name: `conv 3×3 same ${activation}`, x: [1, 9, 8, 6], k: 3, cout: 8, stride: 1, pad: 'same', depthwise: false, activation });
  cases.push({ name: `depthwise 3×3 s2 valid ${activation}`, x: [1, 9, 8, 8], k: 3, cout: 8, stride: 2, pad: 'valid', depthwise: true, activation });
}
cases.push({ name: 'conv 1×1 s2 explicit pads relu6, batch 2', x: [2, 7, 7, 4], k: 1, cout: 12, stride: 2, pad: [[0, 0], [1, 0], [0, 1], [0, 0]], depthwise: false, activation: 'relu6' });
// a ZeroPadding2D folded into a stride-2 depthwise conv (src/model/passes.ts's foldPads: BlazePose)
cases.push({ name: 'depthwise 3×3 s2 explicit pads relu6', x: [1, 9, 10, 16], k: 3, cout: 16, stride: 2, pad: [[0, 0], [0, 1], [1, 1], [0, 0]], depthwise: true, activation: 'relu6' });

/** Output, input gradient of sum(op · dy) and the kernels that ran, for one case (seeded inputs). */
async function run(cs: Case) {
  const cin = cs.x[3], cout = cs.depthwise ? cin : cs.cout;
  const a: FusedConvAttrs = { strides: [cs.stride, cs.stride], pad: cs.pad, dilations: [1, 1], activation: cs.activation, leakyreluAlpha: 0.1 };
  const x = tf.randomUniform(cs.x, -1, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomUniform([cs.k, cs.k, cin, cs.depthwise ? 1 : cout], -2, 2, 'float32', 2) as tf.Tensor4D;
  const b = tf.randomUniform([cout], -1, 3, 'float32', 3) as tf.Tensor1D;
  let y!: tf.Tensor, gx!: tf.Tensor;
  const info = await tf.profile(() => {
    y = fusedConv(x, w, b, a, cs.depthwise);
    const dy = tf.randomUniform(y.shape, -1, 1, 'float32', 4);
    gx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(fusedConv(v as tf.Tensor4D, w, b, a, cs.depthwise), dy)))(x);
    dy.dispose();
    return [y, gx];
  });
  const res = { y: await y.data(), gx: await gx.data(), kernels: info.kernels.map((k) => k.name) };
  tf.dispose([x, w, b, y, gx]);
  return res;
}

const maxErr = (p: ArrayLike<number>, q: ArrayLike<number>) => { let e = 0; for (let i = 0; i < p.length; i++) e = Math.max(e, Math.abs(p[i] - q[i])); return e; };

try {
  const name = (new URLSearchParams(location.search).get('backend') ?? 'webgl') as BackendName;
  if (!BACKEND_NAMES.includes(name) || !(await useBackend(name, { wasmPath: new URL('../tfjs/', location.href).href }))) throw new Error(`backend ${name} did not start`);
  out.backend = tf.getBackend();
  out.accelerator = acceleratorStatus();
  const x = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 5) as tf.Tensor4D, g = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 6) as tf.Tensor4D;
  const step = await tf.profile(() => roll(ascentUpdate(x, g, 0.02), 2, -3));
  out.stepKernels = step.kernels.map((k) => k.name);
  tf.dispose([x, g, step.result as tf.Tensor]);
  registerFusedConvOps();
  out.registered = tf.getKernel(FUSED_CONV, name) != null && tf.getKernel(FUSED_DEPTHWISE, name) != null;
  for (const cs of cases) {
    const fused = await run(cs);
    installOverrides(name, { fusedConvKernels: false });
    const plain = await run(cs);
    installOverrides(name);
    out.results.push({ name: cs.name, yErr: maxErr(fused.y, plain.y), gxErr: maxErr(fused.gx, plain.gx), kernelsFused: fused.kernels, kernelsPlain: plain.kernels });
  }
} catch (e) {
  out.error = e instanceof Error ? e.message : String(e);
}
out.done = true;
(document.getElementById('log') as HTMLPreElement).textContent = JSON.stringify(out, null, 1);
