// Element-wise kernels, reductions and col2im's (scalar) scatter as WebAssembly SIMD functions that work on
// tfjs-backend-wasm's own heap (the module imports the backend's WebAssembly.Memory): 4 lanes per instruction, no
// copies. JS loops over the same views (the heap kernels keep them as the fallback where SIMD or the memory object
// is missing) are ~6× slower. Pointers are byte offsets into the heap, counts are elements. Functions:
//   relu6grad(out, dy, x, y, n)       out = dy · (x == y)                 Relu6's gradient from its input and output
//   biasRelu6(out, x, bias, n, c)     out = min(max(x + b, 0), 6), b = bias[i mod c]   BiasAdd + Relu6 in one pass
//   biasRelu6grad(out, dy, x, bias, n, c)   out = dy · (0 ≤ x + b ≤ 6)   its gradient (the same mask as relu6grad's)
//   leakyReluGrad(out, dy, x, n, alphaBits)   out = dy · (x > 0 ? 1 : alpha)   LeakyRelu's gradient (alpha as f32 bits)
//   relu6OutGrad(out, dy, y, n)       out = dy · (0 < y < 6)              Relu6's gradient from its output alone
//   mulVec(out, x, v, n, c)           out = x · v[i mod c]               a vector along the last axis (c % 4 == 0)
//   addVec(out, x, v, n, c)           out = x + v[i mod c]               the same with +
//   mul / add / sub(out, a, b, n)     out = a ∘ b element by element (n % 4 == 0): same-shape binary ops, where
//                                     XNNPACK's set-up costs ~6 µs a call (a [1,8,8,64] Add: 9.2 µs vs 1.5 µs)
//   stridedCopy(dst, src, count, len, dstStride)   count runs of `len` bytes (a multiple of 16) from src, back to
//                                     back, to dst, dst + dstStride, …  (a stride phase's pixels into dx)
//   hardSwish(out, x, n, sBits, tBits)        out = (x·s) · relu6(x + t)    MobileNetV3's h-swish (s = 1/6, t = 3), n % 4 == 0
//   hardSwishGrad(out, dy, x, n, sBits, tBits)  out = (dy·relu6(x + t))·s + (dy·(x·s))·(0 ≤ x + t ≤ 6), the
//                                     sum TF.js's tape makes of the two paths, each product rounded as there
//   sumRows(out, x, rows, c, dBits)   out[j] = (x[0,j] + x[1,j] + … + x[rows−1,j]) / d for a [rows, c] block, the
//                                     rows added in order (c % 4 == 0, rows ≥ 1): Sum / Mean over H,W of NHWC
//   hardSigmoid(out, x, n, sBits, tBits)      out = s · relu6(x + t)     squeeze-excite's gate (s = 1/6, t = 3), n % 4 == 0
//   hardSigmoidGrad(out, dy, x, n, sBits, tBits)  out = (dy·s)·(0 ≤ x + t ≤ 6), as TF.js's tape: Mul's, then Relu6's
//   addTap(dst, src, rows, pixels, cb, dstRow, srcRow, dstStep, srcStep)   for each of `rows` rows and `pixels`
//                                     pixels, dst[0..cb) += src[0..cb) (cb bytes of floats, scalar), the pointers
//                                     moving by the steps per pixel and by the row strides per row: one tap of
//                                     col2im (src/tf/accel/conv/col2im.ts), a few channels wide
//   sumInner(out, x, rows, n, dBits) out[k] = (Σ_i x[k, i]) / d for a [rows, n] block, the sum taken as 16 running
//                                     lanes (4 vectors) added pairwise, then the n mod 16 rest in order: Sum / Mean
//                                     over trailing axes (the objective's mean, the step's mean |g|)
//   sumAbsInner(out, x, rows, n, dBits)   the same over |x|
//   ascend(out, x, g, n, stepBits)    out = clip(x + g·step, 0, 1) as cpu's ClipByValue (v < 0 ? 0 : v > 1 ? 1 : v),
//                                     n % 4 == 0: the ascent step's update (src/dream/step.ts)
// The bias ones need c % 4 == 0. The masks are multiplied in as 1.0 / 0.0 (not selected), the same arithmetic as
// TF.js's dy · cast(mask). Scalars pass as their float32 bits (JS numbers would arrive as f64).
import { f32, f32x4, get, i32, ifThen, instantiate, select, set, v128, WasmModule, whileLt, type Code, type Local } from '../wasm/builder';

/** `base + i` (a pointer plus a byte offset), on the stack. */
export const at = (base: Local, i: Local): Code => [get(base), get(i), i32.add];
/** `to` = the float32 whose bits are the i32 `from`, in all four lanes. */
const splatBits = (from: Local, to: Local): Code => [get(from), f32.reinterpret_i32, f32x4.splat, set(to)];
/** `to` = `n` · 4: an element count as bytes. */
const bytes = (n: Local, to: Local): Code => [get(n), i32.const(2), i32.shl, set(to)];
/** `n4` = (n & ~3) · 4 and `nb` = n · 4: the byte ends of the SIMD part and of the whole. */
const ends = (n: Local, n4: Local, nb: Local): Code => [bytes(n, nb), get(n), i32.const(-4), i32.and, i32.const(2), i32.shl, set(n4)];
/** `j` on to the next vector of a c-float pattern (a bias), back to 0 at `cb` (its bytes). */
const nextOf = (j: Local, cb: Local): Code => [get(j), i32.const(16), i32.add, set(j), get(j), get(cb), i32.ge_u, ifThen([i32.const(0), set(j)])];
/**
 * max(v, 0) and min(max(v, 0), 6) on the vector on the stack. f32x4.max and .min must order −0 below +0 and
 * return NaN for NaN, which V8 on x64 builds from ~7 instructions each; pmax / pmin are one maxps / minps. Their
 * results differ only for v = −0 (−0, not +0), so + 0 after pmax gives f32x4.max's values for every input.
 */
export const RELU: Code = [f32x4.const(0), f32x4.pmax, f32x4.const(0), f32x4.add];
export const RELU6: Code = [RELU, f32x4.const(6), f32x4.pmin];
/** 1.0 in the lanes where 0 ≤ p ≤ 6, else 0.0 (Relu6's gradient mask on its pre-activation p). */
const mask06 = (p: Local): Code => [get(p), f32x4.const(0), f32x4.ge, f32x4.const(6), get(p), f32x4.ge, v128.and, f32x4.const(1), v128.and];

function build(): WasmModule {
  const m = new WasmModule();
  {
    const f = m.func('relu6grad', { out: 'i32', dy: 'i32', x: 'i32', y: 'i32', n: 'i32' });
    const { out, dy, x, y, n } = f.params;
    const i = f.local('i', 'i32'), n4 = f.local('n4', 'i32'), nb = f.local('nb', 'i32');
    f.code(
      ends(n, n4, nb),
      whileLt(i, n4, 16, [at(out, i), at(dy, i), v128.load(), at(x, i), v128.load(), at(y, i), v128.load(), f32x4.eq, f32x4.const(1), v128.and, f32x4.mul, v128.store()]),
      whileLt(i, nb, 4, [at(out, i), at(dy, i), f32.load(), f32.const(1), f32.const(0), at(x, i), f32.load(), at(y, i), f32.load(), f32.eq, select, f32.mul, f32.store()]),
    );
  }
  {
    const f = m.func('biasRelu6', { out: 'i32', x: 'i32', bias: 'i32', n: 'i32', c: 'i32' });
    const { out, x, bias, n, c } = f.params;
    const i = f.local('i', 'i32'), j = f.local('j', 'i32'), nb = f.local('nb', 'i32'), cb = f.local('cb', 'i32');
    f.code(
      bytes(n, nb),
      bytes(c, cb),
      whileLt(i, nb, 16, [at(out, i), at(x, i), v128.load(), at(bias, j), v128.load(), f32x4.add, RELU6, v128.store(), nextOf(j, cb)]),
    );
  }
  {
    const f = m.func('biasRelu6grad', { out: 'i32', dy: 'i32', x: 'i32', bias: 'i32', n: 'i32', c: 'i32' });
    const { out, dy, x, bias, n, c } = f.params;
    const i = f.local('i', 'i32'), j = f.local('j', 'i32'), nb = f.local('nb', 'i32'), cb = f.local('cb', 'i32');
    const p = f.local('p', 'v128'); // the pre-activation x + b, computed once
    f.code(
      bytes(n, nb),
      bytes(c, cb),
      whileLt(i, nb, 16, [
        at(x, i), v128.load(), at(bias, j), v128.load(), f32x4.add, set(p),
        at(out, i), at(dy, i), v128.load(), mask06(p), f32x4.mul, v128.store(),
        nextOf(j, cb),
      ]),
    );
  }
  {
    const f = m.func('leakyReluGrad', { out: 'i32', dy: 'i32', x: 'i32', n: 'i32', alphaBits: 'i32' });
    const { out, dy, x, n, alphaBits } = f.params;
    const i = f.local('i', 'i32'), n4 = f.local('n4', 'i32'), nb = f.local('nb', 'i32');
    const alpha = f.local('alpha', 'v128');
    f.code(
      splatBits(alphaBits, alpha),
      ends(n, n4, nb),
      whileLt(i, n4, 16, [at(out, i), at(dy, i), v128.load(), f32x4.const(1), get(alpha), at(x, i), v128.load(), f32x4.const(0), f32x4.gt, v128.bitselect, f32x4.mul, v128.store()]),
      whileLt(i, nb, 4, [at(out, i), at(dy, i), f32.load(), f32.const(1), get(alphaBits), f32.reinterpret_i32, at(x, i), f32.load(), f32.const(0), f32.gt, select, f32.mul, f32.store()]),
    );
  }
  {
    const f = m.func('relu6OutGrad', { out: 'i32', dy: 'i32', y: 'i32', n: 'i32' });
    const { out, dy, y, n } = f.params;
    const i = f.local('i', 'i32'), n4 = f.local('n4', 'i32'), nb = f.local('nb', 'i32');
    const yv = f.local('yv', 'v128');
    f.code(
      ends(n, n4, nb),
      whileLt(i, n4, 16, [
        at(out, i), at(dy, i), v128.load(), at(y, i), v128.load(), set(yv),
        get(yv), f32x4.const(0), f32x4.gt, f32x4.const(6), get(yv), f32x4.gt, v128.and, f32x4.const(1), v128.and, f32x4.mul, v128.store(),
      ]),
      whileLt(i, nb, 4, [
        at(out, i), at(dy, i), f32.load(), f32.const(1), f32.const(0),
        at(y, i), f32.load(), f32.const(0), f32.gt, f32.const(6), at(y, i), f32.load(), f32.gt, i32.and,
        select, f32.mul, f32.store(),
      ]),
    );
  }
  for (const [name, op] of [['mulVec', f32x4.mul], ['addVec', f32x4.add]] as const) {
    const f = m.func(name, { out: 'i32', x: 'i32', v: 'i32', n: 'i32', c: 'i32' });
    const { out, x, v, n, c } = f.params;
    const i = f.local('i', 'i32'), j = f.local('j', 'i32'), nb = f.local('nb', 'i32'), cb = f.local('cb', 'i32');
    f.code(
      bytes(n, nb),
      bytes(c, cb),
      whileLt(i, nb, 16, [at(out, i), at(x, i), v128.load(), at(v, j), v128.load(), op, v128.store(), nextOf(j, cb)]),
    );
  }
  for (const [name, op] of [['mul', f32x4.mul], ['add', f32x4.add], ['sub', f32x4.sub]] as const) {
    const f = m.func(name, { out: 'i32', a: 'i32', b: 'i32', n: 'i32' });
    const { out, a, b, n } = f.params;
    const i = f.local('i', 'i32'), nb = f.local('nb', 'i32');
    f.code(bytes(n, nb), whileLt(i, nb, 16, [at(out, i), at(a, i), v128.load(), at(b, i), v128.load(), op, v128.store()]));
  }
  {
    const f = m.func('stridedCopy', { dst: 'i32', src: 'i32', count: 'i32', len: 'i32', dstStride: 'i32' });
    const { dst, src, count, len, dstStride } = f.params;
    const k = f.local('k', 'i32'), i = f.local('i', 'i32');
    f.code(whileLt(k, count, 1, [
      i32.const(0), set(i),
      whileLt(i, len, 16, [at(dst, i), at(src, i), v128.load(), v128.store()]),
      get(dst), get(dstStride), i32.add, set(dst),
      get(src), get(len), i32.add, set(src),
    ]));
  }
  {
    const f = m.func('hardSwish', { out: 'i32', x: 'i32', n: 'i32', sBits: 'i32', tBits: 'i32' });
    const { out, x, n, sBits, tBits } = f.params;
    const i = f.local('i', 'i32'), nb = f.local('nb', 'i32');
    const S = f.local('S', 'v128'), T = f.local('T', 'v128'), X = f.local('X', 'v128');
    f.code(
      splatBits(sBits, S),
      splatBits(tBits, T),
      bytes(n, nb),
      whileLt(i, nb, 16, [
        at(out, i), at(x, i), v128.load(), set(X),
        get(X), get(S), f32x4.mul,
        get(X), get(T), f32x4.add, RELU6,
        f32x4.mul, v128.store(),
      ]),
    );
  }
  {
    const f = m.func('hardSwishGrad', { out: 'i32', dy: 'i32', x: 'i32', n: 'i32', sBits: 'i32', tBits: 'i32' });
    const { out, dy, x, n, sBits, tBits } = f.params;
    const i = f.local('i', 'i32'), nb = f.local('nb', 'i32');
    const S = f.local('S', 'v128'), T = f.local('T', 'v128'), X = f.local('X', 'v128'), A = f.local('A', 'v128'), G = f.local('G', 'v128');
    f.code(
      splatBits(sBits, S),
      splatBits(tBits, T),
      bytes(n, nb),
      whileLt(i, nb, 16, [
        at(dy, i), v128.load(), set(G),
        at(x, i), v128.load(), set(X),
        get(X), get(T), f32x4.add, set(A), // the pre-activation x + t
        at(out, i),
        get(G), get(A), RELU6, f32x4.mul, get(S), f32x4.mul, // (dy·relu6(a))·s
        get(G), get(X), get(S), f32x4.mul, f32x4.mul, // dy·(x·s)
        mask06(A), f32x4.mul, // ·mask
        f32x4.add, v128.store(),
      ]),
    );
  }
  {
    // The first row is copied, each later one added into out (which stays in L1 while x streams through once),
    // then out /= d.
    const f = m.func('sumRows', { out: 'i32', x: 'i32', rows: 'i32', c: 'i32', dBits: 'i32' });
    const { out, x, rows, c, dBits } = f.params;
    const i = f.local('i', 'i32'), r = f.local('r', 'i32'), cb = f.local('cb', 'i32'), p = f.local('p', 'i32');
    const D = f.local('D', 'v128');
    f.code(
      splatBits(dBits, D),
      bytes(c, cb),
      i32.const(0), set(i),
      whileLt(i, cb, 16, [at(out, i), at(x, i), v128.load(), v128.store()]),
      i32.const(1), set(r),
      get(x), get(cb), i32.add, set(p),
      whileLt(r, rows, 1, [
        i32.const(0), set(i),
        whileLt(i, cb, 16, [at(out, i), at(out, i), v128.load(), at(p, i), v128.load(), f32x4.add, v128.store()]),
        get(p), get(cb), i32.add, set(p),
      ]),
      i32.const(0), set(i),
      whileLt(i, cb, 16, [at(out, i), at(out, i), v128.load(), get(D), f32x4.div, v128.store()]),
    );
  }
  {
    const f = m.func('hardSigmoid', { out: 'i32', x: 'i32', n: 'i32', sBits: 'i32', tBits: 'i32' });
    const { out, x, n, sBits, tBits } = f.params;
    const i = f.local('i', 'i32'), nb = f.local('nb', 'i32');
    const S = f.local('S', 'v128'), T = f.local('T', 'v128');
    f.code(
      splatBits(sBits, S),
      splatBits(tBits, T),
      bytes(n, nb),
      whileLt(i, nb, 16, [at(out, i), get(S), at(x, i), v128.load(), get(T), f32x4.add, RELU6, f32x4.mul, v128.store()]),
    );
  }
  {
    const f = m.func('hardSigmoidGrad', { out: 'i32', dy: 'i32', x: 'i32', n: 'i32', sBits: 'i32', tBits: 'i32' });
    const { out, dy, x, n, sBits, tBits } = f.params;
    const i = f.local('i', 'i32'), nb = f.local('nb', 'i32');
    const S = f.local('S', 'v128'), T = f.local('T', 'v128'), P = f.local('P', 'v128');
    f.code(
      splatBits(sBits, S),
      splatBits(tBits, T),
      bytes(n, nb),
      whileLt(i, nb, 16, [
        at(x, i), v128.load(), get(T), f32x4.add, set(P),
        at(out, i),
        at(dy, i), v128.load(), get(S), f32x4.mul,
        mask06(P), f32x4.mul,
        v128.store(),
      ]),
    );
  }
  {
    const f = m.func('addTap', { dst: 'i32', src: 'i32', rows: 'i32', pixels: 'i32', cb: 'i32', dstRow: 'i32', srcRow: 'i32', dstStep: 'i32', srcStep: 'i32' });
    const { dst, src, rows, pixels, cb, dstRow, srcRow, dstStep, srcStep } = f.params;
    const r = f.local('r', 'i32'), k = f.local('k', 'i32'), c = f.local('c', 'i32'), dp = f.local('dp', 'i32'), sp = f.local('sp', 'i32');
    f.code(
      i32.const(0), set(r),
      whileLt(r, rows, 1, [
        get(dst), set(dp), get(src), set(sp),
        i32.const(0), set(k),
        whileLt(k, pixels, 1, [
          i32.const(0), set(c),
          whileLt(c, cb, 4, [at(dp, c), at(dp, c), f32.load(), at(sp, c), f32.load(), f32.add, f32.store()]),
          get(dp), get(dstStep), i32.add, set(dp),
          get(sp), get(srcStep), i32.add, set(sp),
        ]),
        get(dst), get(dstRow), i32.add, set(dst),
        get(src), get(srcRow), i32.add, set(src),
      ]),
    );
  }
  for (const [name, abs] of [['sumInner', false], ['sumAbsInner', true]] as const) {
    const f = m.func(name, { out: 'i32', x: 'i32', rows: 'i32', n: 'i32', dBits: 'i32' });
    const { out, x, rows, n, dBits } = f.params;
    const k = f.local('k', 'i32'), i = f.local('i', 'i32'), n16 = f.local('n16', 'i32'), nb = f.local('nb', 'i32');
    const A = f.locals('A', 'v128', 4); // 16 running sums
    const s = f.local('s', 'f32');
    f.code(
      bytes(n, nb),
      get(n), i32.const(-16), i32.and, i32.const(2), i32.shl, set(n16),
      i32.const(0), set(k),
      whileLt(k, rows, 1, [
        A.map((a) => [f32x4.const(0), set(a)]),
        i32.const(0), set(i),
        whileLt(i, n16, 64, A.map((a, j) => [get(a), at(x, i), v128.load({ offset: 16 * j }), abs ? f32x4.abs : [], f32x4.add, set(a)])),
        get(A[0]), get(A[1]), f32x4.add, get(A[2]), get(A[3]), f32x4.add, f32x4.add, set(A[0]),
        get(A[0]), f32x4.extract_lane(0), get(A[0]), f32x4.extract_lane(1), f32.add, get(A[0]), f32x4.extract_lane(2), get(A[0]), f32x4.extract_lane(3), f32.add, f32.add, set(s),
        whileLt(i, nb, 4, [get(s), at(x, i), f32.load(), abs ? f32.abs : [], f32.add, set(s)]),
        get(out), get(s), get(dBits), f32.reinterpret_i32, f32.div, f32.store(),
        get(out), i32.const(4), i32.add, set(out),
        get(x), get(nb), i32.add, set(x),
      ]),
    );
  }
  {
    // pmax(v, 0) keeps −0 and NaN as cpu's clip does; pmin(v, 1) then keeps NaN too.
    const f = m.func('ascend', { out: 'i32', x: 'i32', g: 'i32', n: 'i32', stepBits: 'i32' });
    const { out, x, g, n, stepBits } = f.params;
    const i = f.local('i', 'i32'), nb = f.local('nb', 'i32');
    const S = f.local('S', 'v128');
    f.code(
      splatBits(stepBits, S),
      bytes(n, nb),
      whileLt(i, nb, 16, [
        at(out, i), at(x, i), v128.load(), at(g, i), v128.load(), get(S), f32x4.mul, f32x4.add,
        f32x4.const(0), f32x4.pmax, f32x4.const(1), f32x4.pmin, v128.store(),
      ]),
    );
  }
  return m;
}

/** The module's bytes (tests: it validates wherever WebAssembly SIMD exists, and its hash is pinned). */
export const simdModuleBytes = (): Uint8Array<ArrayBuffer> => build().bytes();

export interface SimdKernels {
  relu6grad(out: number, dy: number, x: number, y: number, n: number): void;
  biasRelu6(out: number, x: number, bias: number, n: number, c: number): void;
  biasRelu6grad(out: number, dy: number, x: number, bias: number, n: number, c: number): void;
  leakyReluGrad(out: number, dy: number, x: number, n: number, alphaBits: number): void;
  relu6OutGrad(out: number, dy: number, y: number, n: number): void;
  mulVec(out: number, x: number, v: number, n: number, c: number): void;
  addVec(out: number, x: number, v: number, n: number, c: number): void;
  mul(out: number, a: number, b: number, n: number): void;
  add(out: number, a: number, b: number, n: number): void;
  sub(out: number, a: number, b: number, n: number): void;
  stridedCopy(dst: number, src: number, count: number, len: number, dstStride: number): void;
  hardSwish(out: number, x: number, n: number, sBits: number, tBits: number): void;
  hardSwishGrad(out: number, dy: number, x: number, n: number, sBits: number, tBits: number): void;
  sumRows(out: number, x: number, rows: number, c: number, dBits: number): void;
  hardSigmoid(out: number, x: number, n: number, sBits: number, tBits: number): void;
  hardSigmoidGrad(out: number, dy: number, x: number, n: number, sBits: number, tBits: number): void;
  addTap(dst: number, src: number, rows: number, pixels: number, cb: number, dstRow: number, srcRow: number, dstStep: number, srcStep: number): void;
  sumInner(out: number, x: number, rows: number, n: number, dBits: number): void;
  sumAbsInner(out: number, x: number, rows: number, n: number, dBits: number): void;
  ascend(out: number, x: number, g: number, n: number, stepBits: number): void;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();

/**
 * The SIMD functions bound to `memory` (one instance per memory), or null where they cannot run: no SIMD, or a
 * memory they cannot import (the threaded build's shared memory).
 */
export function simdKernels(memory: WebAssembly.Memory | undefined): SimdKernels | null {
  if (memory == null || typeof WebAssembly === 'undefined') return null;
  let k = instances.get(memory);
  if (k === undefined) instances.set(memory, (k = instantiate<SimdKernels>(simdModuleBytes(), memory)));
  return k;
}

/** The float32 bits of v as an i32: how the SIMD functions take scalars. */
export const f32bits = (v: number): number => new Int32Array(new Float32Array([v]).buffer)[0];
