import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASCENT_UPDATE, BIAS_RELU6, FILL_LIKE, HARD_SWISH, INTERLEAVE_2X2, RELU6_GRAD, ROLL } from '../../../../../src/tf/ops/names';
import { installWasmAccelerator } from '../../../../../src/tf';
import { isOverridden } from '../../../../../src/tf/registry';
import { HEAP_KERNELS } from '../../../../../src/tf/accel/heap/kernels';
import { broadcastBinaryOnHeap, relu6GradOnHeap } from '../../../../../src/tf/accel/heap/elementwise';
import { reduceOnHeap } from '../../../../../src/tf/accel/heap/reduce';
import { ascentUpdateOnHeap } from '../../../../../src/tf/accel/heap/update';
import { col2imOnHeap } from '../../../../../src/tf/accel/conv/col2im';
import { byteOffset, heapMemory } from '../../../../../src/tf/accel/internals';
import { simdKernels, simdModuleBytes } from '../../../../../src/tf/accel/heap/simd';
import { affineWarp3, warpModuleBytes } from '../../../../../src/tf/accel/warp/module';
import { roll, seededRng } from '../../../../../src/dream/transforms';
import { wasm } from '../../../dream/helpers';
import { heapBackends, withOptions } from '../../helpers';

const rand = (n: number, seed: number, lo = -1, hi = 1) => { const r = seededRng(seed); return Float32Array.from({ length: n }, () => lo + (hi - lo) * r()); };
const maxErr = (a: ArrayLike<number>, b: ArrayLike<number>) => { let e = 0; for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i])); return e; };

/** Run `f` on cpu and on wasm (heap kernels on), with no tensors or data buffers left behind on wasm. */
async function bothBackends<T>(f: () => T): Promise<{ cpu: T; wasm: T }> {
  await tf.setBackend('cpu');
  const cpu = f();
  await tf.setBackend('wasm');
  f(); // warm (the SIMD module is instantiated once per memory)
  const before = tf.memory();
  const w = f();
  const after = tf.memory();
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numDataBuffers).toBe(before.numDataBuffers);
  return { cpu, wasm: w };
}

// Shapes with element counts that are and are not multiples of 4 (the SIMD loop's tail).
const shapes: number[][] = [[1, 8, 8, 4], [1, 5, 7, 3], [2, 3, 3, 1], [13], [1, 64, 64, 24], [2]];

describe('wasm heap kernels', () => {
  beforeAll(wasm);
  afterAll(() => { installWasmAccelerator(); });

  it('are what useBackend(wasm) installs, and come out with the accelerator\'s heapKernels option (the bench\'s stock runs)', () => {
    for (const name of HEAP_KERNELS) expect(isOverridden('wasm', name), name).toBe(true);
    const ours = tf.getKernel('Slice', 'wasm')!.kernelFunc;
    installWasmAccelerator();
    expect(tf.getKernel('Slice', 'wasm')!.kernelFunc).toBe(ours); // the same options again: nothing re-registered
    withOptions({ heapKernels: false }, {}, () => {
      const stock = tf.getKernel('Slice', 'wasm')!.kernelFunc;
      expect(stock).not.toBe(ours);
      expect(isOverridden('wasm', 'Slice')).toBe(false);
      expect(tf.getKernel(RELU6_GRAD, 'wasm')).toBeUndefined();
    });
    expect(isOverridden('wasm', 'Slice')).toBe(true);
    expect(tf.getKernel(RELU6_GRAD, 'wasm')).toBeDefined();
  });

  it('the SIMD module validates and is instantiated on the backend\'s own memory', async () => {
    await tf.setBackend('wasm');
    expect(WebAssembly.validate(simdModuleBytes())).toBe(true);
    const memory = heapMemory(heapBackends().simd);
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    const k = simdKernels(memory);
    for (const f of ['relu6grad', 'biasRelu6', 'biasRelu6grad'] as const) expect(typeof k?.[f]).toBe('function');
    expect(simdKernels(memory)).toBe(k); // one instance per memory
  });

  it.each(shapes.map((s) => [s.join('×'), s] as const))('Relu6 gradient %s: the TF.js gradient on cpu, within 1e-4, no leaks', async (_n, shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const xs = rand(size, 1, -4, 10), dys = rand(size, 2, -2, 2);
    xs[0] = 6; // the upper edge: passes in both (x == y, and TF.js's x ≤ 6)
    xs[1] = -1; // blocked in both
    const grad = () => tf.tidy(() => {
      const x = tf.tensor(xs, shape), dy = tf.tensor(dys, shape);
      return Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu6(v), dy)))(x).dataSync());
    });
    const { cpu, wasm: w } = await bothBackends(grad);
    expect(cpu.some((v) => v === 0) && cpu.some((v) => v !== 0)).toBe(true); // both sides of the mask occur
    expect(maxErr(w, cpu)).toBeLessThan(1e-4);
  });

  it('Relu6 gradient without SIMD (the JS fallback) gives the same values', async () => {
    await tf.setBackend('wasm');
    const { simd: b, noSimd } = heapBackends();
    const shape = [1, 5, 7, 3], n = 105;
    const x = tf.tensor(rand(n, 3, -4, 10), shape), y = tf.relu6(x), dy = tf.tensor(rand(n, 4), shape);
    const simd = tf.engine().runKernel(RELU6_GRAD, { dy, x, y }) as tf.Tensor;
    const out = relu6GradOnHeap(noSimd, dy, x, y);
    const js = tf.engine().makeTensorFromTensorInfo(out);
    expect(Array.from(js.dataSync())).toEqual(Array.from(simd.dataSync()));
    expect(js.dataSync().some((v) => v === 0) && js.dataSync().some((v) => v !== 0)).toBe(true);
    tf.dispose([x, y, dy, simd, js]);
  });

  const slices: [number[], number[], number[], tf.DataType][] = [
    [[1, 16, 16, 3], [0, 0, 5, 0], [1, 16, 11, 3], 'float32'], // the jitter's roll along W
    [[1, 16, 16, 3], [0, 7, 0, 0], [1, 9, 16, 3], 'float32'], // … along H (one contiguous block)
    [[2, 5, 6, 4], [1, 1, 2, 1], [1, 3, 3, 2], 'float32'], // a box inside every dim
    [[4, 7], [1, 2], [2, 4], 'int32'],
    [[3, 4, 5, 2, 3], [0, 1, 1, 0, 1], [3, 2, 3, 2, 2], 'float32'], // rank 5
    [[9], [3], [4], 'bool'],
    [[1, 6, 6, 2], [0, 6, 0, 0], [1, 0, 6, 2], 'float32'], // empty
  ];
  it.each(slices.map((c, i) => [i, c] as const))('Slice case %i matches cpu exactly, no leaks', async (_i, [shape, begin, size, dtype]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const vals = rand(n, 5, -100, 100).map((v) => (dtype === 'float32' ? v : Math.round(v) > 0 ? Math.round(v) : 0));
    const run = () => tf.tidy(() => {
      const x = tf.tensor(vals, shape, dtype);
      const s = tf.slice(x, begin, size);
      return { shape: s.shape, values: Array.from(s.dataSync()) };
    });
    const { cpu, wasm: w } = await bothBackends(run);
    expect(w).toEqual(cpu);
  });

  it('SplitV (the jitter roll\'s split) matches cpu exactly, no leaks', async () => {
    const vals = rand(2 * 9 * 8 * 3, 6);
    const run = () => tf.tidy(() => {
      const x = tf.tensor4d(vals, [2, 9, 8, 3]);
      return [...tf.split(x, [2, 6], 2), ...tf.split(x, [4, 1, 4], 1)].map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
    });
    const { cpu, wasm: w } = await bothBackends(run);
    expect(w).toEqual(cpu);
  });

  const binaries: [number[], number[]][] = [
    [[1, 16, 16, 3], [1, 1, 1, 3]], // the image normalisation
    [[1, 1, 1, 3], [1, 16, 16, 3]], // … swapped
    [[1, 9, 7, 5], []], // the step's scalars
    [[], [2, 3, 4]],
    [[1, 1, 1, 1], [1, 6, 6, 8]], // Mean's TF.js gradient
    [[1, 1, 1, 8], [1, 5, 5, 8]], // squeeze-excite's channel scales (SIMD: channels % 4 == 0)
    [[1, 7, 3, 12], [12]], // … and a bias-like vector
    [[3, 4], [3, 4]], // same shape: the backend's own
    [[4, 1], [4, 5]], // other broadcasts: the backend's own
  ];
  it.each(binaries.map((c, i) => [i, c] as const))('Multiply/Add/Sub/RealDiv with broadcast, case %i: cpu\'s exact values, no leaks', async (_i, [sa, sb]) => {
    const na = sa.reduce((p, d) => p * d, 1), nb = sb.reduce((p, d) => p * d, 1);
    const va = rand(na, 11, -3, 3), vb = rand(nb, 12, 0.5, 2).map((v, i) => (i % 2 ? -v : v)); // no zero divisors
    const run = () => tf.tidy(() => {
      const a = tf.tensor(va, sa), b = tf.tensor(vb, sb);
      return [tf.mul(a, b), tf.add(a, b), tf.sub(a, b), tf.div(a, b)].map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
    });
    const { cpu, wasm: w } = await bothBackends(run);
    expect(w).toEqual(cpu);
  });

  it('the heap path itself (scalars included, every op) gives cpu\'s exact values; it declines what it does not handle', async () => {
    await tf.setBackend('wasm');
    const b = tf.backend() as unknown as Parameters<typeof broadcastBinaryOnHeap>[0];
    const a = tf.tensor4d(rand(2 * 3 * 4 * 3, 13, -3, 3), [2, 3, 4, 3]), v = tf.tensor1d([0.5, -1.5, 3]), s = tf.scalar(-0.75);
    for (const op of ['Multiply', 'Add', 'Sub', 'RealDiv'] as const) for (const [x, y] of [[a, v], [v, a], [a, s], [s, a]]) {
      const info = broadcastBinaryOnHeap(b, op, x, y, true)!;
      const got = tf.engine().makeTensorFromTensorInfo(info);
      await tf.setBackend('cpu');
      const want = tf.engine().runKernel(op, { a: tf.tensor(x.dataSync(), x.shape), b: tf.tensor(y.dataSync(), y.shape) }) as tf.Tensor;
      const wantVals = Array.from(want.dataSync());
      tf.dispose(want);
      await tf.setBackend('wasm');
      expect(Array.from(got.dataSync())).toEqual(wantVals);
      got.dispose();
    }
    expect(broadcastBinaryOnHeap(b, 'Multiply', a, s)).toBeNull(); // scalars: XNNPACK unless asked
    expect(broadcastBinaryOnHeap(b, 'RealDiv', a, a)).toBeNull(); // same shapes: ×, +, − only
    tf.tidy(() => { expect(broadcastBinaryOnHeap(b, 'Add', tf.zeros([2, 1]), tf.zeros([1, 2]))).toBeNull(); }); // one size, two shapes
    tf.tidy(() => { expect(broadcastBinaryOnHeap(b, 'Multiply', tf.tensor2d([[1], [2]]), tf.tensor2d([[1, 2], [3, 4]]))).toBeNull(); });
    // Add/Sub only with an RGB vector (XNNPACK's broadcasting add is faster for wider ones)
    tf.tidy(() => {
      const w = tf.zeros([2, 4]), u = tf.zeros([4]);
      for (const op of ['Add', 'Sub'] as const) expect(broadcastBinaryOnHeap(b, op, w, u)).toBeNull();
      expect(broadcastBinaryOnHeap(b, 'Multiply', w, u)).not.toBeNull();
    });
    tf.dispose([a, v, s]);
  });

  it('same-shape ×, + and − (SIMD, then a JS tail) give cpu\'s exact values, no leaked buffers', async () => {
    for (const shape of [[1, 8, 8, 64], [1, 3, 5, 7], [2]]) {
      const n = shape.reduce((p, q) => p * q), xa = rand(n, n, -3, 3), xb = rand(n, n + 7, -3, 3);
      const { cpu, wasm: got } = await bothBackends(() => tf.tidy(() => {
        const a = tf.tensor(xa, shape), v = tf.tensor(xb, shape);
        return [tf.mul(a, v), tf.add(a, v), tf.sub(a, v), tf.sub(v, a)].map((t) => Array.from(t.dataSync()));
      }));
      expect(got, `${shape}`).toEqual(cpu);
    }
    await tf.setBackend('wasm');
    const b = tf.backend() as unknown as Parameters<typeof broadcastBinaryOnHeap>[0];
    tf.tidy(() => {
      const info = broadcastBinaryOnHeap(b, 'Add', tf.ones([1, 4, 4, 8]), tf.ones([1, 4, 4, 8]))!;
      expect(info).not.toBeNull(); // this path, not XNNPACK's
      b.disposeData(info.dataId);
    });
  });

  it('an RGB image ×, + or − its per-channel vector: the SIMD pass (pixels a multiple of 4) and the JS loop give cpu\'s values, no leaked buffers', async () => {
    const v = [0.485, -0.456, 1.406];
    for (const shape of [[1, 8, 8, 3], [1, 3, 5, 3]]) { // 64 pixels: SIMD; 15: the unrolled JS loop
      const x = rand(shape.reduce((a, b) => a * b), shape[2] * 5);
      const { cpu, wasm: got } = await bothBackends(() => tf.tidy(() => {
        const a = tf.tensor(x, shape), w = tf.tensor1d(v);
        return [tf.mul(a, w), tf.add(a, w), tf.sub(a, w), tf.sub(w, a), tf.div(a, w)].map((t) => Array.from(t.dataSync()));
      }));
      expect(got, `${shape}`).toEqual(cpu);
    }
  });

  it('Sum and Mean over a block of middle axes (squeeze-excite\'s pooling) add the rows in order, as float32; over trailing axes in 16 lanes', async () => {
    // [shape, axes, keepDims]: H,W of NHWC, a batch of 2, one middle axis, negative axes, a single row; then
    // trailing blocks: the whole tensor (n a multiple of 16, and not), the last two axes, the last axis of 2 rows
    const cases: [number[], number[], boolean][] = [[[1, 16, 16, 96], [1, 2], true], [[2, 3, 5, 8], [1, 2], false], [[3, 7, 12], [1], true], [[2, 4, 6, 4], [-3, -2], true], [[1, 1, 1, 20], [1, 2], true],
      [[1, 128, 128, 3], [0, 1, 2, 3], false], [[1, 4, 4, 45], [0, 1, 2, 3], true], [[2, 3, 4, 5], [2, 3], false], [[2, 7], [1], true], [[5], [0], false]];
    const fr = Math.fround;
    for (const [shape, axes, keepDims] of cases) {
      const n = shape.reduce((a, b) => a * b), x = rand(n, n, -2, 2);
      const { cpu, wasm: got } = await bothBackends(() => tf.tidy(() => {
        const t = tf.tensor(x, shape);
        return [tf.sum(t, axes, keepDims), tf.mean(t, axes, keepDims)].map((y) => ({ shape: y.shape, values: Array.from(y.dataSync()) }));
      }));
      // the exact float32 sums in the kernels' order, the reference for the SIMD passes
      const ax = axes.map((a) => (a + shape.length) % shape.length), lo = ax[0], hi = ax[ax.length - 1];
      const A = shape.slice(0, lo).reduce((p, q) => p * q, 1), R = ax.reduce((p, a) => p * shape[a], 1), C = shape.slice(hi + 1).reduce((p, q) => p * q, 1);
      const sums: number[] = [], means: number[] = [];
      for (let a = 0; a < A; a++) for (let c = 0; c < C; c++) {
        let acc: number;
        if (C > 1) { // rows in order
          acc = x[a * R * C + c];
          for (let r = 1; r < R; r++) acc = fr(acc + x[(a * R + r) * C + c]);
        } else { // 16 lanes, (A0 + A1) + (A2 + A3), lanes (0 + 1) + (2 + 3), then the rest in order
          const L = new Array<number>(16).fill(0), n16 = R & ~15, row = a * R;
          for (let i = 0; i < n16; i++) L[i % 16] = fr(L[i % 16] + x[row + i]);
          const v = [0, 1, 2, 3].map((l) => fr(fr(L[l] + L[4 + l]) + fr(L[8 + l] + L[12 + l])));
          acc = fr(fr(v[0] + v[1]) + fr(v[2] + v[3]));
          for (let i = n16; i < R; i++) acc = fr(acc + x[row + i]);
        }
        sums.push(acc); means.push(fr(acc / R));
      }
      expect(got[0].values, `${shape} ${axes}`).toEqual(sums);
      expect(got[1].values, `${shape} ${axes}`).toEqual(means);
      expect(got.map((g) => g.shape)).toEqual(cpu.map((g) => g.shape));
      for (let k = 0; k < 2; k++) expect(maxErr(got[k].values, cpu[k].values), `${shape} ${axes}`).toBeLessThan(1e-3); // cpu sums in another order
    }
    await tf.setBackend('wasm');
    const b = tf.backend() as unknown as Parameters<typeof reduceOnHeap>[0];
    tf.tidy(() => {
      const t = tf.zeros([1, 4, 4, 8]);
      for (const [axes, shape] of [[[1, 2], [1, 1, 1, 8]], [[3], [1, 4, 4, 1]], [[0, 1, 2, 3], [1, 1, 1, 1]]] as const) {
        const info = reduceOnHeap(b, t, [...axes], true, true)!;
        expect(info.shape).toEqual(shape);
        b.disposeData(info.dataId);
      }
      expect(reduceOnHeap(b, t, [0, 2], false, false)).toBeNull(); // not one block
      expect(reduceOnHeap(b, tf.zeros([1, 4, 4, 6]), [1, 2], true, false)).toBeNull(); // c % 4
      expect(reduceOnHeap(b, tf.zeros([1, 4, 4, 8], 'int32'), [1, 2], true, false)).toBeNull();
      expect(reduceOnHeap(b, tf.zeros([1, 0, 4, 8]), [1, 2], true, false)).toBeNull();
    });
  });

  it('the SIMD clamps (pmax/pmin, + 0) give Math.max/min\'s values for −0, NaN and ±∞ as well', async () => {
    await tf.setBackend('wasm');
    const x = [-0, 0, NaN, Infinity, -Infinity, -3, 3, 2.5, 7, -1e-30, 5.999, 6.5];
    const fr = Math.fround, relu6 = (p: number) => Math.min(Math.max(p, 0), 6);
    tf.tidy(() => {
      // h-swish with s = 1, t = −0: x = −0 makes x + t = −0, whose relu6 must be +0 (so (x·s)·relu6 = −0·+0 = −0)
      const hs = tf.engine().runKernel(HARD_SWISH, { x: tf.tensor1d(x), s: tf.scalar(1), t: tf.scalar(-0) }) as tf.Tensor;
      expect(Array.from(hs.dataSync())).toEqual(x.map((v) => fr(fr(v * 1) * relu6(fr(v + -0)))));
      const b = [-0, -0, 1, -1];
      const br = tf.engine().runKernel(BIAS_RELU6, { x: tf.tensor2d(x, [3, 4]), bias: tf.tensor1d(b) }) as tf.Tensor;
      expect(Array.from(br.dataSync())).toEqual(x.map((v, i) => relu6(fr(v + b[i % 4]))));
      expect(Object.is(br.dataSync()[0], 0)).toBe(true); // −0 + −0 → +0 out, not −0
    });
  });

  it('ASCENT_UPDATE gives the seven ops\' values (wasm exactly, with or without SIMD; cpu within 1e-6), clipped to [0, 1]', async () => {
    for (const shape of [[1, 16, 16, 3], [1, 5, 7, 3]]) { // 768 floats (SIMD all through), 105 (a tail of 1, and of 9 after the 16 lanes)
      const n = shape.reduce((a, b) => a * b), xs = rand(n, n, 0, 1), gs = rand(n, n + 1, -3, 3);
      const composite = () => tf.tidy(() => {
        const x = tf.tensor(xs, shape), g = tf.tensor(gs, shape);
        const step = tf.div(0.25, tf.add(tf.mean(tf.abs(g)), 1e-8));
        return Array.from(tf.clipByValue(tf.add(x, tf.mul(g, step)), 0, 1).dataSync());
      });
      await tf.setBackend('cpu');
      const cpu = composite();
      await tf.setBackend('wasm');
      const ops = composite();
      const { simd, noSimd } = heapBackends();
      const before = tf.memory().numDataBuffers;
      const fused = tf.tidy(() => Array.from((tf.engine().runKernel(ASCENT_UPDATE, { x: tf.tensor(xs, shape), g: tf.tensor(gs, shape) }, { stepSize: 0.25 }) as tf.Tensor).dataSync()));
      expect(tf.memory().numDataBuffers).toBe(before);
      expect(fused, `${shape}`).toEqual(ops);
      expect(fused.some((v) => v === 0) && fused.some((v) => v === 1) && fused.some((v) => v > 0 && v < 1)).toBe(true);
      expect(maxErr(fused, cpu)).toBeLessThan(1e-6);
      tf.tidy(() => {
        const x = tf.tensor(xs, shape), g = tf.tensor(gs, shape);
        const [a, b] = [simd, noSimd].map((k) => tf.engine().makeTensorFromTensorInfo(ascentUpdateOnHeap(k, x, g, 0.25)));
        expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      });
    }
  });

  it('FILL_LIKE repeats a single value, or a pattern whose size divides the shape\'s', async () => {
    await tf.setBackend('wasm');
    const x = tf.scalar(0.375);
    const y = tf.engine().runKernel(FILL_LIKE, { x }, { shape: [2, 3, 5] }) as tf.Tensor;
    expect(y.shape).toEqual([2, 3, 5]);
    expect(Array.from(y.dataSync())).toEqual(new Array(30).fill(0.375));
    for (const [m, reps] of [[3, 7], [4, 8], [5, 1], [2, 13]]) { // repeats that are and are not powers of 2
      const p = tf.range(1, m + 1);
      const z = tf.engine().runKernel(FILL_LIKE, { x: p }, { shape: [reps, m] }) as tf.Tensor;
      expect(Array.from(z.dataSync())).toEqual(Array.from({ length: reps * m }, (_, i) => (i % m) + 1));
      tf.dispose([p, z]);
    }
    const bad = tf.ones([4]);
    expect(() => tf.engine().runKernel(FILL_LIKE, { x: bad }, { shape: [6] })).toThrow('DreamFillLike: [4] does not repeat to [6]');
    tf.dispose([x, y, bad]);
  });

  it('ROLL is np.roll along H and W for shifts of either sign and beyond the size (the jitter), no leaks', async () => {
    const shape: [number, number, number, number] = [2, 5, 7, 3];
    const v = rand(2 * 5 * 7 * 3, 9);
    const at = (b: number, y: number, x: number, c: number) => v[((b * 5 + y) * 7 + x) * 3 + c];
    for (const [dy, dx] of [[0, 0], [1, 1], [-2, 3], [5, -7], [13, -9], [0, 4], [-3, 0]]) {
      const want = Array.from({ length: v.length }, (_, i) => {
        const c = i % 3, x = Math.floor(i / 3) % 7, y = Math.floor(i / 21) % 5, b = Math.floor(i / 105);
        return at(b, (((y - dy) % 5) + 5) % 5, (((x - dx) % 7) + 7) % 7, c);
      });
      const { cpu, wasm: got } = await bothBackends(() => tf.tidy(() => Array.from(roll(tf.tensor4d(v, shape), dy, dx).dataSync())));
      expect(got, `${dy} ${dx}`).toEqual(want);
      expect(cpu, `${dy} ${dx} (split + concat)`).toEqual(want);
    }
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const info = await tf.profile(() => { roll(x, 1, 2).dispose(); });
    expect(info.kernels.map((k) => k.name)).toEqual([ROLL]); // one pass, not two splits and two concats
    x.dispose();
  });

  it("PadV2 gives cpu's exact values for pads on any axes (none, leading, inner, last), no leaks", async () => {
    const cases: [number[], [number, number][], number][] = [
      [[1, 5, 7, 3], [[0, 0], [1, 2], [0, 1], [0, 0]], 0],
      [[2, 4, 3, 5], [[1, 0], [0, 0], [2, 2], [0, 0]], -1.5],
      [[1, 3, 4, 2], [[0, 0], [0, 0], [0, 0], [1, 3]], 0.25],
      [[6, 7], [[0, 0], [0, 0]], 0],
      [[3, 0, 2], [[0, 0], [1, 1], [0, 0]], 2],
      [[9], [[4, 0]], 7],
    ];
    for (const [shape, paddings, value] of cases) {
      const v = rand(shape.reduce((a, b) => a * b, 1), shape.length * 17 + paddings.flat().reduce((a, b) => a + b, 0));
      const { cpu, wasm: got } = await bothBackends(() => tf.tidy(() => {
        const y = tf.pad(tf.tensor(v, shape), paddings, value);
        return { shape: y.shape, values: Array.from(y.dataSync()) };
      }));
      expect(got, `${shape} ${JSON.stringify(paddings)}`).toEqual(cpu);
    }
  });

  it("Transform gives cpu's exact values in every fill mode and interpolation, per batch entry, no leaks", async () => {
    // an affine jitter (scale 0.97, 4°) as the textures recipe draws, a projective one, and a shear with a
    // smaller output; 5 channels as well as RGB; cpu's own kernel stops after batch entry 0, so it runs per entry
    const rot = (deg: number, sc: number) => { const c = Math.cos((deg * Math.PI) / 180) / sc, s = Math.sin((deg * Math.PI) / 180) / sc; return [c, s, 5.5 - 5.5 * c - 4.5 * s, -s, c, 4.5 + 5.5 * s - 4.5 * c, 0, 0]; };
    const cases: { shape: [number, number, number, number]; t: number[][]; out?: [number, number] }[] = [
      { shape: [1, 10, 12, 3], t: [rot(4, 0.97)] },
      { shape: [2, 9, 7, 5], t: [rot(-4, 1.03), [1.1, 0.2, -2, -0.1, 0.9, 1.5, 0.004, -0.003]] },
      { shape: [2, 8, 8, 3], t: [[0.8, 0.5, -1.3, 0.1, 1.2, -0.6, 0, 0]], out: [6, 11] },
    ];
    for (const { shape, t, out } of cases) {
      const img = Float32Array.from(rand(shape.reduce((a, b) => a * b), shape[1] * 31 + shape[3]));
      for (const interpolation of ['bilinear', 'nearest'] as const) {
        for (const fillMode of ['constant', 'reflect', 'wrap', 'nearest'] as const) {
          const run = (b: number | null) => tf.tidy(() => {
            const x = tf.tensor4d(img, shape);
            const one = b === null ? x : tf.slice(x, [b, 0, 0, 0], [1, -1, -1, -1]);
            const m = tf.tensor2d(b === null ? t : [t[t.length === 1 ? 0 : b]]);
            return Array.from(tf.image.transform(one, m, interpolation, fillMode, 0.25, out).dataSync());
          });
          await tf.setBackend('cpu');
          const want = Array.from({ length: shape[0] }, (_, b) => run(b)).flat();
          await tf.setBackend('wasm');
          for (const inWasm of [true, false]) { // the affine RGB pixels in the generated module, or all in JS
            withOptions({ wasmWarp: inWasm }, {}, () => {
              const before = tf.memory();
              const got = run(null);
              expect(tf.memory().numTensors).toBe(before.numTensors);
              expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
              expect(got, `${shape} ${interpolation} ${fillMode} wasm ${inWasm}`).toEqual(want);
            });
          }
        }
      }
    }
  });

  it('the wasm warp samples the pixels whose four taps lie inside, and hands every other one to JS', async () => {
    expect(WebAssembly.validate(warpModuleBytes())).toBe(true);
    await tf.setBackend('wasm');
    const b = tf.backend() as unknown as Parameters<typeof broadcastBinaryOnHeap>[0];
    const [h, w] = [5, 6];
    const x = tf.tensor4d(rand(h * w * 3, 77), [1, h, w, 3]), out = tf.zeros([1, h, w, 3]);
    const mem = heapMemory(b);
    const at = (t: tf.Tensor) => byteOffset(b, t);
    const edges: string[] = [];
    // a shift by (+0.25, +0.5) px: the last column and row have taps outside
    expect(affineWarp3(mem, at(out), at(x), h, w, h, w, [1, 0, 0.25, 0, 1, 0.5], (ox, oy) => edges.push(`${ox},${oy}`))).toBe(true);
    expect(edges.sort()).toEqual([...Array.from({ length: h }, (_, y) => `${w - 1},${y}`), ...Array.from({ length: w - 1 }, (_, ox) => `${ox},${h - 1}`)].sort());
    const o = out.dataSync(), v = x.dataSync();
    for (let y = 0; y < h - 1; y++) for (let ox = 0; ox < w - 1; ox++) for (let c = 0; c < 3; c++) {
      const p = (yy: number, xx: number) => v[(yy * w + xx) * 3 + c];
      const want = 0.5 * (0.75 * p(y, ox) + 0.25 * p(y, ox + 1)) + 0.5 * (0.75 * p(y + 1, ox) + 0.25 * p(y + 1, ox + 1));
      expect(o[(y * w + ox) * 3 + c]).toBe(Math.fround(want));
    }
    expect(affineWarp3(undefined, 0, 0, h, w, h, w, [1, 0, 0, 0, 1, 0], () => {})).toBe(false);
    tf.dispose([x, out]);
  });

  it('INTERLEAVE_2X2 refuses phases of different shapes', async () => {
    await tf.setBackend('wasm');
    const [a, b] = [tf.zeros([1, 2, 2, 4]), tf.zeros([1, 2, 3, 4])];
    expect(() => tf.engine().runKernel(INTERLEAVE_2X2, { p00: a, p01: a, p10: b, p11: a }))
      .toThrow('DreamInterleave2x2: the four phases must be [n,h,w,c] of one shape, got [1,2,2,4] [1,2,2,4] [1,2,3,4] [1,2,2,4]');
    tf.dispose([a, b]);
  });

  it('col2im of the identity columns counts how many windows cover each pixel', async () => {
    await tf.setBackend('wasm');
    // 1 channel, 3×3 windows, stride 2, pad 1 over a 5×5 image: cols of ones → coverage counts.
    const g = { b: 1, H: 5, W: 5, C: 1, oh: 3, ow: 3, sh: 2, sw: 2, kh: 3, kw: 3, dh: 1, dw: 1, padTop: 1, padLeft: 1 };
    const cols = tf.ones([9, 9]);
    const out = tf.engine().makeTensorFromTensorInfo(col2imOnHeap(tf.backend() as unknown as Parameters<typeof col2imOnHeap>[0], cols, g));
    const want = [1, 2, 1, 2, 1];
    expect(Array.from(out.dataSync())).toEqual(want.flatMap((r) => want.map((c) => r * c)));
    tf.dispose([cols, out]);
  });
  it('col2im in wasm adds the same values in the same order as its JS loop: channels 1–4, strides, pads, dilation, batch 2', async () => {
    await tf.setBackend('wasm');
    const { simd, noSimd } = heapBackends();
    const gs = [
      { b: 1, H: 16, W: 16, C: 3, oh: 8, ow: 8, sh: 2, sw: 2, kh: 3, kw: 3, dh: 1, dw: 1, padTop: 0, padLeft: 0 }, // an RGB stem, SAME
      { b: 2, H: 7, W: 9, C: 4, oh: 4, ow: 5, sh: 2, sw: 2, kh: 3, kw: 3, dh: 1, dw: 1, padTop: 1, padLeft: 1 },
      { b: 1, H: 6, W: 5, C: 1, oh: 6, ow: 5, sh: 1, sw: 1, kh: 3, kw: 2, dh: 1, dw: 1, padTop: 1, padLeft: 0 },
      { b: 1, H: 9, W: 9, C: 2, oh: 5, ow: 5, sh: 1, sw: 1, kh: 3, kw: 3, dh: 2, dw: 2, padTop: 0, padLeft: 0 },
    ];
    for (const g of gs) {
      const P = g.b * g.oh * g.ow, K = g.kh * g.kw * g.C;
      const cols = tf.tensor2d(rand(P * K, P + K), [P, K]);
      const [a, j] = [col2imOnHeap(simd, cols, g), col2imOnHeap(noSimd, cols, g)].map((i) => tf.engine().makeTensorFromTensorInfo(i));
      const got = Array.from(a.dataSync());
      expect(got, JSON.stringify(g)).toEqual(Array.from(j.dataSync()));
      expect(got.filter((v) => v !== 0).length).toBeGreaterThan(got.length / 2);
      tf.dispose([cols, a, j]);
    }
  });
  // [x shape, window, stride, pad]: NanoDet's stem pool (3×3/2 VALID), overlapping stride-1 windows, SAME padding, batch 2.
  const pools: [number[], number, number, 'valid' | 'same'][] = [
    [[1, 13, 13, 8], 3, 2, 'valid'], [[1, 7, 9, 5], 3, 1, 'same'], [[2, 8, 8, 3], 2, 2, 'valid'], [[1, 10, 10, 4], 3, 2, 'same'],
  ];
  it.each(pools.map((c, i) => [i, c] as const))('MaxPool gradient, case %i: cpu\'s values, ties to the first tap, no leaks', async (_i, [shape, k, s, pad]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const r = seededRng(7 + n);
    // Few distinct values (0, 0.25, …, 1): windows with several equal maxima, where the first tap must win.
    const xs = Float32Array.from({ length: n }, () => Math.floor(r() * 5) / 4);
    const grad = () => tf.tidy(() => {
      const x = tf.tensor(xs, shape);
      const y = tf.maxPool(x as tf.Tensor4D, k, s, pad);
      const dy = tf.tensor(rand(y.size, 11 + n), y.shape);
      return Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, k, s, pad), dy)))(x).dataSync());
    });
    const { cpu, wasm: w } = await bothBackends(grad);
    expect(cpu.filter((v) => v !== 0).length).toBeGreaterThan(n / 8);
    expect(maxErr(w, cpu)).toBeLessThan(1e-6);
    // wasm's own kernel breaks ties another way and is wrong with SAME padding and with a batch of 2 (cases 1–3); with distinct values it agrees on case 0.
    if (pad === 'same' || shape[0] > 1) return;
    xs.set(rand(n, 13 + n));
    const { wasm: distinct } = await bothBackends(grad);
    const stock = withOptions({ heapKernels: false }, {}, grad);
    expect(maxErr(distinct, stock)).toBeLessThan(1e-6);
  });
});
