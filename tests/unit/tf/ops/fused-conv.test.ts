import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { attrsFromNode, BIAS_RELU6, FUSED_CONV, FUSED_DEPTHWISE, fusedConv, registerFusedConvOps, RELU6_OUT_GRAD, type FusedActivation, type FusedConvAttrs } from '../../../../src/tf/ops';
import { installOverrides } from '../../../../src/tf';
import { relu6OutGradOnHeap } from '../../../../src/tf/accel/heap/elementwise';
import { fuseConvAct, type GraphNode } from '../../../../src/model';
import { seededRng } from '../../../../src/dream/transforms';
import { fixedNodes } from '../../../../scripts/bench/bench-engine';
import { entry, expectFoldsKeepValues, wasm } from '../../dream/helpers';
import { heapBackends } from '../helpers';

const rand = (n: number, seed: number, lo = -1, hi = 1) => { const r = seededRng(seed); return Float32Array.from({ length: n }, () => lo + (hi - lo) * r()); };
const maxErr = (a: ArrayLike<number>, b: ArrayLike<number>) => { let e = 0; for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i])); return e; };

interface Case { x: number[]; k: number; cout: number; stride: number; pad: FusedConvAttrs['pad']; depthwise: boolean; activation: FusedActivation }
const cases: Case[] = [];
for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu'] as const) {
  cases.push({ x: [1, 9, 8, 6], k: 3, cout: 8, stride: 1, pad: 'same', depthwise: false, activation });
  cases.push({ x: [1, 9, 8, 8], k: 3, cout: 8, stride: 2, pad: 'valid', depthwise: true, activation });
}
cases.push({ x: [2, 7, 7, 4], k: 1, cout: 12, stride: 2, pad: [[0, 0], [1, 0], [0, 1], [0, 0]], depthwise: false, activation: 'relu6' }); // explicit pads, batch 2
cases.push({ x: [1, 10, 10, 4], k: 5, cout: 4, stride: 1, pad: 'same', depthwise: true, activation: 'relu6' });
// a ZeroPadding2D folded into a stride-2 depthwise conv (src/model/passes.ts's foldPads: BlazePose), asymmetric like Keras'
cases.push({ x: [1, 9, 10, 16], k: 3, cout: 16, stride: 2, pad: [[0, 0], [0, 1], [1, 1], [0, 0]], depthwise: true, activation: 'relu6' });

/** The op's output and d sum(op · dy)/dx, with the fused kernel where `kernels`, as conv + Add + act where not. */
function run(cs: Case, seed: number) {
  const cin = cs.x[3], cout = cs.depthwise ? cin : cs.cout;
  const a: FusedConvAttrs = { strides: [cs.stride, cs.stride], pad: cs.pad, dilations: [1, 1], activation: cs.activation, leakyreluAlpha: 0.1 };
  return tf.tidy(() => {
    const x = tf.tensor4d(rand(cs.x.reduce((p, q) => p * q, 1), seed, -1, 1), cs.x as [number, number, number, number]);
    const w = tf.tensor4d(rand(cs.k * cs.k * cin * (cs.depthwise ? 1 : cout), seed + 1, -2, 2), [cs.k, cs.k, cin, cs.depthwise ? 1 : cout]);
    const b = tf.tensor1d(rand(cout, seed + 2, -1, 3));
    const y = fusedConv(x, w, b, a, cs.depthwise);
    const dy = tf.tensor(rand(y.size, seed + 3, -1, 1), y.shape);
    const gx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(fusedConv(v as tf.Tensor4D, w, b, a, cs.depthwise), dy)))(x);
    return { y: Array.from(y.dataSync()), gx: Array.from(gx.dataSync()) };
  });
}

describe('fused conv + bias + activation (src/tf/ops/fused-conv.ts)', () => {
  beforeAll(async () => { await wasm(); registerFusedConvOps(); });

  it('runs as one kernel on wasm, its gradient as the input gradient only; conv + Add + act on cpu', async () => {
    const names = async () => {
      const x = tf.randomUniform([1, 6, 6, 4], -1, 1) as tf.Tensor4D, w = tf.randomUniform([3, 3, 4, 8]) as tf.Tensor4D, b = tf.randomUniform([8]) as tf.Tensor1D;
      const a: FusedConvAttrs = { strides: [1, 1], pad: 'same', dilations: [1, 1], activation: 'relu6', leakyreluAlpha: 0.2 };
      const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(fusedConv(v as tf.Tensor4D, w, b, a, false)))(x));
      tf.dispose([x, w, b]);
      return info.kernels.map((k) => k.name);
    };
    await tf.setBackend('wasm');
    const w = await names();
    expect(w).toContain(FUSED_CONV);
    expect(w).toContain(RELU6_OUT_GRAD);
    expect(w).toContain('Conv2DBackpropInput');
    for (const k of ['Add', 'Relu6', 'Conv2D', 'Conv2DBackpropFilter']) expect(w).not.toContain(k); // (the Sum is the test's own objective)
    await tf.setBackend('cpu');
    const c = await names();
    expect(c).toEqual(expect.arrayContaining(['Conv2D', 'Add', 'Relu6']));
    expect(c).not.toContain(FUSED_CONV);
    await tf.setBackend('wasm');
  });

  it.each(cases.map((c, i) => [i, `${c.depthwise ? 'depthwise' : 'conv'} k${c.k} s${c.stride} ${JSON.stringify(c.pad)} ${c.activation}`, c] as const))('case %i (%s): output and input gradient match cpu\'s conv + Add + act, no leaks', async (i, _n, cs) => {
    await tf.setBackend('cpu');
    const want = run(cs, 50 + 7 * i);
    await tf.setBackend('wasm');
    run(cs, 50 + 7 * i); // warm
    const before = tf.memory();
    const got = run(cs, 50 + 7 * i);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    const scale = Math.max(1, ...want.y.map(Math.abs));
    expect(maxErr(got.y, want.y)).toBeLessThan(1e-5 * scale);
    if (cs.activation === 'relu6') expect(want.y.some((v) => v === 0) && want.y.some((v) => v > 0 && v < 6)).toBe(true); // both sides of the mask
    if (cs.activation === 'relu6' && cs.k === 3) expect(want.y.some((v) => v === 6)).toBe(true); // … and its top
    expect(want.gx.some((v) => v !== 0)).toBe(true);
    expect(maxErr(got.gx, want.gx)).toBeLessThan(1e-4 * Math.max(1, ...want.gx.map(Math.abs)));
  });

  it('without the kernels (overrides\' fusedConvKernels off) the op runs as conv + Add + act on wasm too, with the same values', async () => {
    await tf.setBackend('wasm');
    const cs = cases.find((c) => c.activation === 'relu6' && !c.depthwise)!;
    const fused = run(cs, 3);
    expect(tf.getKernel(FUSED_CONV, 'wasm')).toBeDefined();
    installOverrides('wasm', { fusedConvKernels: false });
    try {
      expect(tf.getKernel(FUSED_CONV, 'wasm')).toBeUndefined();
      expect(tf.getKernel(FUSED_DEPTHWISE, 'wasm')).toBeUndefined();
      const plain = run(cs, 3);
      expect(maxErr(plain.y, fused.y)).toBeLessThan(1e-5);
      expect(maxErr(plain.gx, fused.gx)).toBeLessThan(1e-4);
    } finally {
      installOverrides('wasm');
    }
    expect(tf.getKernel(FUSED_CONV, 'wasm')).toBeDefined();
    expect(tf.getKernel(FUSED_DEPTHWISE, 'wasm')).toBeDefined();
  });

  it('Relu6\'s gradient from the output: SIMD and the JS loop agree, blocking y = 0 and y = 6 (TensorFlow\'s Relu6Grad)', async () => {
    await tf.setBackend('wasm');
    const { simd: b, noSimd } = heapBackends();
    const ys = Float32Array.from(rand(103, 5, -2, 8), (v) => Math.min(Math.max(v, 0), 6)); // 103: the SIMD loop's tail too
    const y = tf.tensor(ys), dy = tf.tensor(rand(103, 6, 0.5, 2));
    const simd = tf.engine().runKernel(RELU6_OUT_GRAD, { dy, y }) as tf.Tensor;
    const js = tf.engine().makeTensorFromTensorInfo(relu6OutGradOnHeap(noSimd, dy, y));
    const s = simd.dataSync(), j = js.dataSync(), d = dy.dataSync();
    expect(Array.from(j)).toEqual(Array.from(s));
    for (let i = 0; i < 103; i++) expect(s[i]).toBe(ys[i] > 0 && ys[i] < 6 ? d[i] : 0);
    expect(ys.some((v) => v === 0) && ys.some((v) => v === 6)).toBe(true);
    tf.dispose([y, dy, simd, js]);
  });

  it('reads the converter\'s attributes (strides and dilations as [1,h,w,1], explicit pads, activation)', () => {
    expect(attrsFromNode({ strides: [1, 2, 2, 1], padding: 'same', dilations: [1, 1, 1, 1], activation: 'relu6' })).toEqual({ strides: [2, 2], pad: 'same', dilations: [1, 1], activation: 'relu6', leakyreluAlpha: 0.2 });
    expect(attrsFromNode({ padding: 'explicit', explicit_paddings: [0, 0, 1, 2, 3, 4, 0, 0], activation: 'leakyrelu', leakyrelu_alpha: 0.1 })).toMatchObject({ pad: [[0, 0], [1, 2], [3, 4], [0, 0]], activation: 'leakyrelu', leakyreluAlpha: 0.1 });
    expect(() => attrsFromNode({ activation: 'elu' })).toThrow(/unsupported activation 'elu'/);
  });
});

describe('fuseConvAct (graph JSON)', () => {
  const g = (nodes: GraphNode[]) => ({ nodes, weightSpecs: [], weightData: new ArrayBuffer(0) });
  const conv = (name: string, op = 'Conv2D', extra: Record<string, unknown> = {}): GraphNode => ({ name, op, input: ['x', 'w'], attr: { strides: { list: { i: ['1', '2', '2', '1'] } }, padding: { s: btoa('SAME') }, ...extra } as GraphNode['attr'] });
  const dec = (n: GraphNode) => atob(n.attr!.activation.s!);

  it('folds conv → BiasAdd → Relu / LeakyRelu, conv → BiasAdd and depthwise → BIAS_RELU6, under the last name', () => {
    const out = fuseConvAct(g([
      conv('a'), { name: 'a/b', op: 'BiasAdd', input: ['a', 'ba'] }, { name: 'a/relu', op: 'Relu', input: ['a/b'] },
      conv('l'), { name: 'l/b', op: 'BiasAdd', input: ['l', 'bl'] }, { name: 'l/leaky', op: 'LeakyRelu', input: ['l/b'], attr: { alpha: { f: 0.1 } } },
      conv('p'), { name: 'p/b', op: 'BiasAdd', input: ['p', 'bp'] },
      conv('d', 'DepthwiseConv2dNative'), { name: 'd/relu6', op: BIAS_RELU6, input: ['d', 'bd'] },
      { name: 'next', op: 'AddV2', input: ['a/relu', 'l/leaky'] },
    ])).nodes;
    expect(out.map((n) => [n.name, n.op])).toEqual([['a/relu', FUSED_CONV], ['l/leaky', FUSED_CONV], ['p/b', FUSED_CONV], ['d/relu6', FUSED_DEPTHWISE], ['next', 'AddV2']]);
    expect(out.map((n) => n.input)).toEqual([['x', 'w', 'ba'], ['x', 'w', 'bl'], ['x', 'w', 'bp'], ['x', 'w', 'bd'], ['a/relu', 'l/leaky']]);
    expect(out.slice(0, 4).map(dec)).toEqual(['relu', 'leakyrelu', 'linear', 'relu6']);
    expect(out[1].attr!.leakyrelu_alpha.f).toBe(0.1);
    expect(out[0].attr!.strides).toEqual({ list: { i: ['1', '2', '2', '1'] } });
  });

  it('leaves a conv alone when its output is used twice, it is NCHW, or its consumer is not a bias; stops at a shared BiasAdd', () => {
    const shared = [conv('c'), { name: 'c/b', op: 'BiasAdd', input: ['c', 'b'] }, { name: 'other', op: 'Relu', input: ['c'] }];
    expect(fuseConvAct(g(shared)).nodes.map((n) => n.op)).toEqual(['Conv2D', 'BiasAdd', 'Relu']);
    const nchw = [conv('c', 'Conv2D', { data_format: { s: btoa('NCHW') } }), { name: 'c/b', op: 'BiasAdd', input: ['c', 'b'] }];
    expect(fuseConvAct(g(nchw)).nodes.map((n) => n.op)).toEqual(['Conv2D', 'BiasAdd']);
    expect(fuseConvAct(g([conv('c'), { name: 'r', op: 'Relu', input: ['c'] }])).nodes.map((n) => n.op)).toEqual(['Conv2D', 'Relu']);
    const twice = [conv('c'), { name: 'c/b', op: 'BiasAdd', input: ['c', 'b'] }, { name: 'r', op: 'Relu', input: ['c/b'] }, { name: 's', op: 'Sigmoid', input: ['c/b'] }];
    const out = fuseConvAct(g(twice)).nodes;
    expect(out.map((n) => [n.name, n.op])).toEqual([['c/b', FUSED_CONV], ['r', 'Relu'], ['s', 'Sigmoid']]);
    expect(dec(out[0])).toBe('linear');
  });

  it('posenet (real weights, 64 px): the fused graph gives the unfused graph\'s activations and input gradient', async () => {
    const nodes = fixedNodes(entry('posenet'));
    expect(nodes.filter((n) => n.op === FUSED_CONV || n.op === FUSED_DEPTHWISE).length).toBeGreaterThan(10);
    await expectFoldsKeepValues('posenet', [entry('posenet').nodes.pw9], 64, 3);
  });
});
