// npm run bench:convgrad — why B2 misses on wasm: its Conv2DBackpropInput (the input gradient of every conv) against
// the same MACs done as a forward Conv2D with the filter transposed (exact for 1×1 stride-1 convs, and for k×k
// stride 1 SAME with the filter also flipped). Shapes are MobileNetV2's at 128² (crowds). Same process, interleaved.
import * as tf from '@tensorflow/tfjs';
import { nodeBackend } from '../dream-node';

await nodeBackend('wasm');
const cases: { name: string; x: [number, number, number, number]; f: [number, number, number, number] }[] = [
  { name: '1×1 expand 24→144 @32²', x: [1, 32, 32, 24], f: [1, 1, 24, 144] },
  { name: '1×1 project 144→24 @32²', x: [1, 32, 32, 144], f: [1, 1, 144, 24] },
  { name: '1×1 expand 32→192 @16²', x: [1, 16, 16, 32], f: [1, 1, 32, 192] },
  { name: '3×3 32→32 @64²', x: [1, 64, 64, 32], f: [3, 3, 32, 32] },
];
const med = (t: number[]) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
console.log(`backend=${tf.getBackend()}`);
for (const c of cases) {
  const x = tf.randomUniform(c.x), w = tf.randomUniform(c.f);
  const dy = tf.randomUniform([...c.x.slice(0, 3), c.f[3]] as [number, number, number, number]);
  const wT = tf.tidy(() => tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]));
  const jobs: Record<string, () => tf.Tensor> = {
    fwd: () => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
    backpropInput: () => tf.conv2dTranspose(dy as tf.Tensor4D, w as tf.Tensor4D, c.x, 1, 'same'),
    asForwardConv: () => tf.conv2d(dy as tf.Tensor4D, wT as tf.Tensor4D, 1, 'same'),
  };
  // the two gradients agree
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(jobs.backpropInput(), jobs.asForwardConv()))).dataSync()[0]);
  const t: Record<string, number[]> = { fwd: [], backpropInput: [], asForwardConv: [] };
  for (let i = 0; i < 6; i++) for (const [k, f] of Object.entries(jobs)) {
    const t0 = performance.now(); const y = f(); y.dataSync(); y.dispose(); if (i > 0) t[k].push(performance.now() - t0);
  }
  console.log(`${c.name.padEnd(26)} fwd ${med(t.fwd).toFixed(2)} ms · Conv2DBackpropInput ${med(t.backpropInput).toFixed(2)} ms · as forward conv ${med(t.asForwardConv).toFixed(2)} ms · max|Δ| ${diff.toExponential(1)}`);
  [x, w, dy, wT].forEach((v) => v.dispose());
}

// The composed kernel (src/tf/overrides/conv-input-grad.ts and the accelerator's paths above it, src/tf/accel/conv,
// which useBackend('wasm') installs) against the backend's own, on strided and odd shapes too.
const { installOverrides, installWasmAccelerator } = await import('../../src/tf');
const setConvBackpropAsConv = (on: boolean) => {
  installOverrides('wasm', { convInputGradAsConv: on });
  installWasmAccelerator({ convInputGrad: on });
};
setConvBackpropAsConv(false);
const checks: [[number, number, number, number], [number, number, number, number], number, 'same' | 'valid'][] = [
  [[1, 33, 31, 3], [3, 3, 3, 8], 2, 'same'], [[1, 32, 32, 8], [3, 3, 8, 4], 2, 'same'], [[1, 17, 18, 5], [5, 3, 5, 6], 1, 'valid'], [[1, 16, 16, 24], [1, 1, 24, 144], 1, 'same'],
];
const ref = checks.map(([xs, fs, s, p]) => tf.tidy(() => { const x = tf.randomUniform(xs, 0, 1, 'float32', 1); const f = tf.randomUniform(fs, -1, 1, 'float32', 2); return tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.conv2d(v as tf.Tensor4D, f as tf.Tensor4D, s, p))))(x); }));
setConvBackpropAsConv(true);
checks.forEach(([xs, fs, s, p], i) => {
  const got = tf.tidy(() => { const x = tf.randomUniform(xs, 0, 1, 'float32', 1); const f = tf.randomUniform(fs, -1, 1, 'float32', 2); return tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.conv2d(v as tf.Tensor4D, f as tf.Tensor4D, s, p))))(x); });
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(got, ref[i]))).dataSync()[0] / (tf.max(tf.abs(ref[i])).dataSync()[0] || 1));
  console.log(`as-conv gradient x${xs.join('×')} f${fs.join('×')} stride ${s} ${p}: max relative |Δ| ${d.toExponential(1)}`);
  got.dispose();
});
setConvBackpropAsConv(false);

// A whole ascent step of each recipe, stock kernel vs as-conv, interleaved in this process.
const { RECIPES } = await import('../../src/dream/recipes');
const { nodeModel } = await import('../dream-node');
const { stepMs } = await import('./bench-engine');
const sizes = (process.argv.find((a) => a.startsWith('--sizes='))?.slice(8) ?? '128,224').split(',').map(Number);
for (const r of Object.values(RECIPES)) {
  const m = await nodeModel(r.model);
  for (const size of sizes) {
    const stock: number[] = [], fast: number[] = [];
    for (let i = 0; i < 2; i++) {
      stock.push(await stepMs(m, r, size, 2));
      setConvBackpropAsConv(true);
      fast.push(await stepMs(m, r, size, 2));
      setConvBackpropAsConv(false);
    }
    const a = Math.min(...stock), b = Math.min(...fast);
    console.log(`step ${r.name.padEnd(9)} ${size}²: stock ${a.toFixed(0)} ms · as-conv ${b.toFixed(0)} ms · ×${(a / b).toFixed(2)}`);
  }
}
