import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HARD_SIGMOID, HARD_SIGMOID_GRAD, HARD_SWISH, HARD_SWISH_GRAD, hardSigmoid, hardSwish, registerHardSwish, RELU6_GRAD as DREAM_RELU6_GRAD } from '../../../../src/tf/ops';
import { hardSigmoidOnHeap, hardSwishGradOnHeap, hardSwishOnHeap } from '../../../../src/tf/accel/heap/elementwise';
import { fuseHardSigmoid, fuseHardSwish, type GraphNode } from '../../../../src/model';
import { seededRng } from '../../../../src/dream/transforms';
import { fixedNodes } from '../../../../scripts/bench/bench-engine';
import { entry, expectFoldsKeepValues, wasm } from '../../dream/helpers';
import { heapBackends, withOptions, type HeapBackend } from '../helpers';

const rand = (n: number, seed: number, lo: number, hi: number) => { const r = seededRng(seed); return Float32Array.from({ length: n }, () => lo + (hi - lo) * r()); };
const maxErr = (a: ArrayLike<number>, b: ArrayLike<number>) => { let e = 0; for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i])); return e; };
const SIXTH = Math.fround(1 / 6);

/** h-swish's output and d sum(h-swish · dy)/dx: through the op, or (`graph`) through the graph's own four ops. */
function run(shape: number[], seed: number, graph: boolean, sigmoid = false) {
  const n = shape.reduce((a, b) => a * b, 1);
  const xs = rand(n, seed, -5, 5);
  xs[0] = -3; xs[1] = 3; // x + 3 exactly at the mask's edges (0 and 6): both pass, as src/tf/overrides/relu6.ts's mask
  return tf.tidy(() => {
    const x = tf.tensor(xs, shape), s = tf.scalar(SIXTH), t = tf.scalar(3), dy = tf.tensor(rand(n, seed + 1, -2, 2), shape);
    const f = sigmoid
      ? (v: tf.Tensor) => (graph ? tf.mul(s, tf.relu6(tf.add(v, t))) : hardSigmoid(v, s, t))
      : (v: tf.Tensor) => (graph ? tf.mul(tf.mul(s, v), tf.relu6(tf.add(v, t))) : hardSwish(v, s, t));
    const y = f(x);
    const gx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), dy)))(x);
    return { y: Array.from(y.dataSync()), gx: Array.from(gx.dataSync()) };
  });
}

type HeapOp = (k: HeapBackend, x: tf.TensorInfo, s: tf.TensorInfo, t: tf.TensorInfo, dy?: tf.TensorInfo) => tf.TensorInfo;
/** An op's heap function forward and (with dy) backward gives the same values with and without SIMD; no leaks. Returns the backend. */
async function jsMatchesSimd(seed: number, op: HeapOp): Promise<HeapBackend> {
  await tf.setBackend('wasm');
  const { simd, noSimd } = heapBackends();
  const before = tf.memory().numDataBuffers;
  tf.tidy(() => {
    const x = tf.tensor(rand(64, seed, -5, 5)), dy = tf.tensor(rand(64, seed + 1, -2, 2)), s = tf.scalar(SIXTH), t = tf.scalar(3);
    for (const g of [undefined, dy]) {
      const [a, j] = [simd, noSimd].map((k) => tf.engine().makeTensorFromTensorInfo(op(k, x, s, t, g)));
      expect(Array.from(j.dataSync())).toEqual(Array.from(a.dataSync()));
    }
  });
  expect(tf.memory().numDataBuffers).toBe(before);
  return simd;
}

describe('h-swish as one op (src/tf/ops/hard-swish.ts)', () => {
  beforeAll(async () => { await wasm(); registerHardSwish(); });

  // Sizes that are and are not multiples of 4 (the SIMD part and the JS tail).
  it.each([[1, 8, 8, 16], [1, 5, 7, 3], [2, 3, 3, 6], [13]])('wasm: bit for bit the four ops\' output and gradient (%s), one kernel each way, no leaks', async (...shape) => {
    await tf.setBackend('wasm');
    const want = run(shape, 3, true);
    run(shape, 3, false); // warm
    const before = tf.memory();
    const got = run(shape, 3, false);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    expect(got.y).toEqual(want.y);
    expect(got.gx).toEqual(want.gx);
    expect(got.gx[0]).not.toBe(0); // x + 3 = 0 passes
    await tf.setBackend('cpu');
    const cpu = run(shape, 3, false); // the op's fallback: the same four ops on cpu
    expect(maxErr(cpu.y, want.y)).toBeLessThan(1e-6);
    expect(maxErr(cpu.gx, want.gx)).toBeLessThan(1e-5);
    await tf.setBackend('wasm');
    const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(hardSwish(v, tf.scalar(SIXTH), tf.scalar(3))))(tf.ones(shape)));
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((k) => k === HARD_SWISH || k === HARD_SWISH_GRAD)).toEqual([HARD_SWISH, HARD_SWISH_GRAD]);
    for (const k of ['Relu6', 'Add', 'Cast', DREAM_RELU6_GRAD]) expect(names).not.toContain(k); // (a Multiply is tf.sum's own gradient)
  });

  it('the JS loops (no SIMD) give the SIMD kernels\' values', async () => {
    const b = await jsMatchesSimd(8, (k, x, s, t, dy) => (dy ? hardSwishGradOnHeap(k, dy, x, s, t) : hardSwishOnHeap(k, x, s, t)));
    tf.tidy(() => { expect(() => hardSwishOnHeap(b, tf.ones([4]), tf.ones([4]), tf.scalar(3))).toThrow(/s must be a scalar/); });
  });

  it('without the heap kernels it runs as the four ops on wasm', async () => {
    await tf.setBackend('wasm');
    const fused = run([1, 4, 4, 8], 5, false);
    withOptions({ heapKernels: false }, {}, () => {
      expect(tf.getKernel(HARD_SWISH, 'wasm')).toBeUndefined();
      const plain = run([1, 4, 4, 8], 5, false);
      expect(maxErr(plain.y, fused.y)).toBeLessThan(1e-6);
      expect(maxErr(plain.gx, fused.gx)).toBeLessThan(1e-5);
    });
    expect(tf.getKernel(HARD_SWISH, 'wasm')).toBeDefined();
  });
});

describe('h-sigmoid as one op (src/tf/ops/hard-swish.ts)', () => {
  beforeAll(async () => { await wasm(); registerHardSwish(); });

  it.each([[1, 1, 1, 96], [1, 5, 7, 3], [13]])('wasm: bit for bit the three ops\' output and gradient (%s), one kernel each way, no leaks', async (...shape) => {
    await tf.setBackend('wasm');
    const want = run(shape, 4, true, true);
    run(shape, 4, false, true); // warm
    const before = tf.memory();
    const got = run(shape, 4, false, true);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    expect(got.y).toEqual(want.y);
    expect(got.gx).toEqual(want.gx);
    expect(got.gx[0]).not.toBe(0); // x + 3 = 0 passes
    expect(got.gx.some((v) => v === 0)).toBe(true); // and outside [−3, 3] nothing does
    await tf.setBackend('cpu');
    const cpu = run(shape, 4, false, true);
    expect(maxErr(cpu.y, want.y)).toBeLessThan(1e-6);
    expect(maxErr(cpu.gx, want.gx)).toBeLessThan(1e-6);
    await tf.setBackend('wasm');
    const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(hardSigmoid(v, tf.scalar(SIXTH), tf.scalar(3))))(tf.ones(shape)));
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((k) => k === HARD_SIGMOID || k === HARD_SIGMOID_GRAD)).toEqual([HARD_SIGMOID, HARD_SIGMOID_GRAD]);
    for (const k of ['Relu6', 'Add', DREAM_RELU6_GRAD]) expect(names).not.toContain(k);
  });

  it('the JS loops (no SIMD) give the SIMD kernels\' values', async () => {
    const b = await jsMatchesSimd(18, (k, x, s, t, dy) => hardSigmoidOnHeap(k, x, s, t, dy));
    tf.tidy(() => { expect(() => hardSigmoidOnHeap(b, tf.ones([4]), tf.scalar(SIXTH), tf.scalar(3), tf.ones([3]))).toThrow(/dy and x must have one shape/); });
  });
});

describe('fuseHardSigmoid (graph JSON)', () => {
  const specs = [{ name: 's', shape: [], dtype: 'float32' }, { name: 't', shape: [], dtype: 'float32' }, { name: 'v', shape: [8], dtype: 'float32' }];
  const g = (nodes: GraphNode[]) => ({ nodes: [{ name: 's', op: 'Const' }, { name: 't', op: 'Const' }, { name: 'v', op: 'Const' }, ...nodes], weightSpecs: specs, weightData: new ArrayBuffer(0) });
  const gate = (x: string, p: string, swap = false): GraphNode[] => [
    { name: `${p}/add`, op: swap ? 'AddV2' : 'Add', input: [x, 't'] },
    { name: `${p}/Relu6`, op: 'Relu6', input: [`${p}/add`] },
    { name: `${p}/mul`, op: 'Mul', input: swap ? [`${p}/Relu6`, 's'] : ['s', `${p}/Relu6`] },
  ];
  const ops = (nodes: GraphNode[]) => nodes.filter((n) => n.op !== 'Const').map((n) => [n.name, n.op]);

  it('folds the squeeze-excite gate (either operand order) under the Mul\'s name, and leaves h-swish to fuseHardSwish', () => {
    const hswish: GraphNode[] = [
      { name: 'h/mul', op: 'Mul', input: ['s', 'a/mul'] }, { name: 'h/add', op: 'Add', input: ['a/mul', 't'] },
      { name: 'h/Relu6', op: 'Relu6', input: ['h/add'] }, { name: 'h/mul_1', op: 'Mul', input: ['h/mul', 'h/Relu6'] },
    ];
    const out = fuseHardSigmoid(g([{ name: 'c', op: 'Conv2D', input: ['x', 'w'] }, ...gate('c', 'a'), ...gate('c', 'b', true), ...hswish])).nodes;
    expect(ops(out)).toEqual([['c', 'Conv2D'], ['a/mul', HARD_SIGMOID], ['b/mul', HARD_SIGMOID], ['h/mul', 'Mul'], ['h/add', 'Add'], ['h/Relu6', 'Relu6'], ['h/mul_1', 'Mul']]);
    expect(out.find((n) => n.name === 'a/mul')!.input).toEqual(['c', 's', 't']);
    expect(out.find((n) => n.name === 'b/mul')!.input).toEqual(['c', 's', 't']);
  });

  it('leaves it alone when an inner node is used elsewhere or a constant is not a scalar', () => {
    const shared = [...gate('c', 'a'), { name: 'spy', op: 'Identity', input: ['a/add'] }];
    expect(ops(fuseHardSigmoid(g(shared)).nodes).map((n) => n[1])).toEqual(['Add', 'Relu6', 'Mul', 'Identity']);
    const vector = gate('c', 'a').map((n) => (n.name === 'a/add' ? { ...n, input: ['c', 'v'] } : n));
    expect(ops(fuseHardSigmoid(g(vector)).nodes).map((n) => n[1])).toEqual(['Add', 'Relu6', 'Mul']);
    const scale = gate('c', 'a').map((n) => (n.name === 'a/mul' ? { ...n, input: ['v', 'a/Relu6'] } : n));
    expect(ops(fuseHardSigmoid(g(scale)).nodes).map((n) => n[1])).toEqual(['Add', 'Relu6', 'Mul']);
  });

  it('centernet: every squeeze-excite gate of the backbone is folded (the fold test below keeps its values)', () => {
    expect(fixedNodes(entry('centernet')).filter((n) => n.op === HARD_SIGMOID).length).toBe(8);
  });
});

describe('fuseHardSwish (graph JSON)', () => {
  const specs = [{ name: 's', shape: [], dtype: 'float32' }, { name: 't', shape: [], dtype: 'float32' }, { name: 'v', shape: [8], dtype: 'float32' }];
  const g = (nodes: GraphNode[]) => ({ nodes: [{ name: 's', op: 'Const' }, { name: 't', op: 'Const' }, { name: 'v', op: 'Const' }, ...nodes], weightSpecs: specs, weightData: new ArrayBuffer(0) });
  const hs = (x: string, p: string, swap = false): GraphNode[] => [
    { name: `${p}/mul`, op: 'Mul', input: swap ? [x, 's'] : ['s', x] },
    { name: `${p}/add`, op: swap ? 'AddV2' : 'Add', input: [x, 't'] },
    { name: `${p}/Relu6`, op: 'Relu6', input: [`${p}/add`] },
    { name: `${p}/mul_1`, op: 'Mul', input: swap ? [`${p}/Relu6`, `${p}/mul`] : [`${p}/mul`, `${p}/Relu6`] },
  ];
  const ops = (nodes: GraphNode[]) => nodes.filter((n) => n.op !== 'Const').map((n) => [n.name, n.op]);

  it('folds MobileNetV3\'s spelling (either operand order) under the outer Mul\'s name', () => {
    const out = fuseHardSwish(g([{ name: 'c', op: 'Conv2D', input: ['x', 'w'] }, ...hs('c', 'a'), ...hs('a/mul_1', 'b', true), { name: 'next', op: 'Conv2D', input: ['b/mul_1', 'w'] }])).nodes;
    expect(ops(out)).toEqual([['c', 'Conv2D'], ['a/mul_1', HARD_SWISH], ['b/mul_1', HARD_SWISH], ['next', 'Conv2D']]);
    expect(out.find((n) => n.name === 'a/mul_1')!.input).toEqual(['c', 's', 't']);
    expect(out.find((n) => n.name === 'b/mul_1')!.input).toEqual(['a/mul_1', 's', 't']);
  });

  it('leaves it alone when an inner node is used elsewhere, a constant is not a scalar, or the two x differ', () => {
    const shared = [...hs('c', 'a'), { name: 'spy', op: 'Identity', input: ['a/Relu6'] }];
    expect(ops(fuseHardSwish(g(shared)).nodes).map((n) => n[1])).toEqual(['Mul', 'Add', 'Relu6', 'Mul', 'Identity']);
    const vector = hs('c', 'a').map((n) => (n.name === 'a/add' ? { ...n, input: ['c', 'v'] } : n));
    expect(ops(fuseHardSwish(g(vector)).nodes).map((n) => n[1])).toEqual(['Mul', 'Add', 'Relu6', 'Mul']);
    const other = hs('c', 'a').map((n) => (n.name === 'a/mul' ? { ...n, input: ['s', 'd'] } : n));
    expect(ops(fuseHardSwish(g(other)).nodes).map((n) => n[1])).toEqual(['Mul', 'Add', 'Relu6', 'Mul']);
  });

  it('centernet (the textures recipe, real weights, 64 px): the folded graph gives the same activations and input gradient', async () => {
    expect(fixedNodes(entry('centernet')).filter((n) => n.op === HARD_SWISH).length).toBe(20); // every h-swish of the backbone
    await expectFoldsKeepValues('centernet', [entry('centernet').nodes.ec13_expand], 64, 4);
  });
});
