import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIAS_RELU6, BIAS_RELU6_GRAD, biasRelu6, FUSED_CONV, registerBiasRelu6 } from '../../../../src/tf/ops';
import { compileGraph, fuseBiasRelu6, NAIVE_PROFILE, PASS_PROFILES, unfuse, type GraphNode } from '../../../../src/model';
import { seededRng } from '../../../../src/dream/transforms';
import { wasm } from '../../dream/helpers';

const rand = (n: number, seed: number, lo: number, hi: number) => { const r = seededRng(seed); return Float32Array.from({ length: n }, () => lo + (hi - lo) * r()); };

/** Forward, d/dx and d/dbias of sum(relu6(x + bias) · dy): fused on wasm, Add + Relu6 on cpu. */
function run(shape: number[], seed: number) {
  const c = shape[shape.length - 1], n = shape.reduce((a, b) => a * b, 1);
  const xs = rand(n, seed, -5, 11), bs = rand(c, seed + 1, -1, 1), dys = rand(n, seed + 2, -2, 2);
  // Pre-activations exactly at the mask's edges (x + b = 0 and = 6): src/tf/overrides/relu6.ts passes both.
  bs[0] = 0.25; bs[1] = 0.5;
  xs[0] = -0.25; xs[1] = 5.5;
  return tf.tidy(() => {
    const x = tf.tensor(xs, shape), bias = tf.tensor1d(bs), dy = tf.tensor(dys, shape);
    const y = biasRelu6(x, bias);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(biasRelu6(a, b), dy));
    const [gx, gb] = tf.grads(f)([x, bias]);
    return { y: Array.from(y.dataSync()), gx: Array.from(gx.dataSync()), gb: Array.from(gb.dataSync()) };
  });
}
const maxErr = (a: number[], b: number[]) => a.reduce((e, v, i) => Math.max(e, Math.abs(v - b[i])), 0);

describe('BiasAdd + Relu6 as one op', () => {
  beforeAll(async () => { await wasm(); registerBiasRelu6(); });

  it('runs as one kernel on wasm (one for its gradient), as Add + Relu6 on cpu', async () => {
    const names = async () => {
      const x = tf.randomUniform([1, 4, 4, 8], -3, 9), b = tf.randomUniform([8]);
      const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(biasRelu6(v, b)))(x));
      tf.dispose([x, b]);
      return info.kernels.map((k) => k.name);
    };
    await tf.setBackend('wasm');
    const w = await names();
    expect(w).toContain(BIAS_RELU6);
    expect(w).toContain(BIAS_RELU6_GRAD);
    for (const k of ['Add', 'Relu6', 'Equal']) expect(w).not.toContain(k);
    await tf.setBackend('cpu');
    const c = await names();
    expect(c).toContain('Add');
    expect(c).toContain('Relu6');
    expect(c).not.toContain(BIAS_RELU6);
    await tf.setBackend('wasm');
  });

  // Channels multiple of 4 (SIMD) and not (the JS loop), several sizes.
  it.each([[1, 8, 8, 16], [1, 5, 7, 3], [2, 3, 3, 6], [1, 32, 32, 96], [4, 12]])('forward and both gradients match cpu within 1e-4 (%s), no leaks', async (...shape) => {
    await tf.setBackend('cpu');
    const want = run(shape, 7);
    await tf.setBackend('wasm');
    run(shape, 7); // warm
    const before = tf.memory();
    const got = run(shape, 7);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    expect(want.gx.some((v) => v === 0) && want.gx.some((v) => v !== 0)).toBe(true); // both sides of the mask
    expect(maxErr(got.y, want.y)).toBeLessThan(1e-4);
    expect(maxErr(got.gx, want.gx)).toBeLessThan(1e-4);
    expect(maxErr(got.gb, want.gb)).toBeLessThan(1e-4 * Math.max(1, ...want.gb.map(Math.abs)));
    expect([got.gx[0], got.gx[1]]).toEqual([want.gx[0], want.gx[1]]); // x + b = 0 and = 6 exactly: pass, as in src/tf/overrides/relu6.ts
    expect(got.gx[0]).not.toBe(0);
  });
});

describe('fuseBiasRelu6 (graph JSON)', () => {
  const g = (nodes: GraphNode[]) => ({ nodes, weightSpecs: [], weightData: new ArrayBuffer(0) });
  const conv: GraphNode = { name: 'c', op: 'Conv2D', input: ['x', 'w'] };

  it('folds a BiasAdd whose only consumer is a Relu6 into one node with the Relu6\'s name and the BiasAdd\'s inputs', () => {
    const out = fuseBiasRelu6(g([conv, { name: 'c/b', op: 'BiasAdd', input: ['c', 'b'] }, { name: 'block/relu', op: 'Relu6', input: ['c/b'] }, { name: 'next', op: 'Conv2D', input: ['block/relu', 'w2'] }])).nodes;
    expect(out.map((n) => [n.name, n.op])).toEqual([['c', 'Conv2D'], ['block/relu', BIAS_RELU6], ['next', 'Conv2D']]);
    expect(out[1].input).toEqual(['c', 'b']);
  });

  it('leaves a BiasAdd that something else also reads, an NCHW one, and a lone Relu6 alone', () => {
    const shared = g([conv, { name: 'c/b', op: 'BiasAdd', input: ['c', 'b'] }, { name: 'r', op: 'Relu6', input: ['c/b'] }, { name: 'skip', op: 'AddV2', input: ['c/b', 'r'] }]);
    expect(fuseBiasRelu6(shared).nodes.map((n) => n.op)).toEqual(['Conv2D', 'BiasAdd', 'Relu6', 'AddV2']);
    const nchw = g([conv, { name: 'c/b', op: 'BiasAdd', input: ['c', 'b'], attr: { data_format: { s: btoa('NCHW') } } }, { name: 'r', op: 'Relu6', input: ['c/b'] }]);
    expect(fuseBiasRelu6(nchw).nodes.map((n) => n.op)).toEqual(['Conv2D', 'BiasAdd', 'Relu6']);
    const lone = g([conv, { name: 'r', op: 'Relu6', input: ['c'] }]);
    expect(fuseBiasRelu6(lone).nodes.map((n) => n.op)).toEqual(['Conv2D', 'Relu6']);
  });

  it('applies to what unfuse makes of a fused conv + BiasAdd + Relu6', () => {
    const fused: GraphNode = { name: 'net/conv1/Relu6', op: '_FusedConv2D', input: ['x', 'w', 'b'], attr: { fused_ops: { list: { s: [btoa('BiasAdd'), btoa('Relu6')] } }, T: { type: 'DT_FLOAT' } } };
    const out = fuseBiasRelu6(unfuse(g([fused]))).nodes;
    expect(out.map((n) => n.op)).toEqual(['Conv2D', BIAS_RELU6]);
    expect(out[1].name).toBe('net/conv1/Relu6');
    expect(out[1].input).toEqual([out[0].name, 'b']);
    // compileGraph goes on to fold the conv in too (src/tf/ops/fused-conv.ts; ./fused-conv.test.ts).
    expect(compileGraph(g([fused]), { fixes: ['unfuse'], layout: 'NHWC' }, PASS_PROFILES.wasm).nodes.map((n) => n.op)).toEqual([FUSED_CONV]);
    // the bench's naive reference
    expect(compileGraph(g([fused]), { fixes: ['unfuse'], layout: 'NHWC' }, NAIVE_PROFILE).nodes.map((n) => n.op)).toEqual(['Conv2D', 'BiasAdd', 'Relu6']);
  });
});
