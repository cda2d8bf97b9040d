// Element-wise kernels, reductions and col2im's (scalar) scatter as hand-assembled WebAssembly SIMD functions that
// work on tfjs-backend-wasm's own heap (the module imports the backend's WebAssembly.Memory): 4 lanes per
// instruction, no copies. JS loops over the same views (src/tf/heap-kernels.ts keeps them as the fallback where
// SIMD or the memory object is missing) were ~6× slower. Pointers are byte offsets into the heap, counts are elements. Functions:
//   relu6grad(out, dy, x, y, n)       out = dy · (x == y)                 Relu6's gradient from its input and output
//   biasRelu6(out, x, bias, n, c)     out = min(max(x + b, 0), 6), b = bias[i mod c]   BiasAdd + Relu6 in one pass
//   biasRelu6grad(out, dy, x, bias, n, c)   out = dy · (0 ≤ x + b ≤ 6)   its gradient (the same mask as relu6grad's)
//   leakyReluGrad(out, dy, x, n, alphaBits)   out = dy · (x > 0 ? 1 : alpha)   LeakyRelu's gradient (alpha as f32 bits)
//   relu6OutGrad(out, dy, y, n)       out = dy · (0 < y < 6)              Relu6's gradient from its output alone
//   mulVec(out, x, v, n, c)           out = x · v[i mod c]               a vector along the last axis (c % 4 == 0)
//   addVec(out, x, v, n, c)           out = x + v[i mod c]               the same with +
//   mul / add / sub(out, a, b, n)     out = a ∘ b element by element (n % 4 == 0): same-shape binary ops, where
//                                     XNNPACK's set-up costs ~6 µs a call (a [1,8,8,64] Add: 9.2 µs vs 1.5 µs)
//   stridedCopy(dst, src, count, bytes, dstStride)   count runs of `bytes` (a multiple of 16) from src, back to
//                                     back, to dst, dst + dstStride, …  (a stride phase's pixels into dx)
//   hardSwish(out, x, n, sBits, tBits)        out = (x·s) · relu6(x + t)    MobileNetV3's h-swish (s = 1/6, t = 3), n % 4 == 0
//   hardSwishGrad(out, dy, x, n, sBits, tBits)  out = (dy·relu6(x + t))·s + (dy·(x·s))·(0 ≤ x + t ≤ 6), the
//                                     sum TF.js's tape makes of the two paths, each product rounded as there
//   hardSigmoid(out, x, n, sBits, tBits)      out = s · relu6(x + t)     squeeze-excite's gate (s = 1/6, t = 3), n % 4 == 0
//   hardSigmoidGrad(out, dy, x, n, sBits, tBits)  out = (dy·s)·(0 ≤ x + t ≤ 6), as TF.js's tape: Mul's, then Relu6's
//   sumRows(out, x, rows, c, dBits)   out[j] = (x[0,j] + x[1,j] + … + x[rows−1,j]) / d for a [rows, c] block, the
//                                     rows added in order (c % 4 == 0, rows ≥ 1): Sum / Mean over H,W of NHWC
//   sumInner(out, x, rows, n, dBits) out[k] = (Σ_i x[k, i]) / d for a [rows, n] block, the sum taken as 16 running
//                                     lanes (4 vectors) added pairwise, then the n mod 16 rest in order: Sum / Mean
//                                     over trailing axes (the objective's mean, the step's mean |g|)
//   sumAbsInner(out, x, rows, n, dBits)   the same over |x|
//   ascend(out, x, g, n, stepBits)    out = clip(x + g·step, 0, 1) as cpu's ClipByValue (v < 0 ? 0 : v > 1 ? 1 : v),
//                                     n % 4 == 0: the ascent step's update (src/dream/step.ts)
//   addTap(dst, src, rows, pixels, cb, dstRow, srcRow, dstStep, srcStep)   for each of `rows` rows and `pixels`
//                                     pixels, dst[0..cb) += src[0..cb) (cb bytes of floats, scalar), the pointers
//                                     moving by the steps per pixel and by the row strides per row: one tap of
//                                     col2im (heap-kernels.ts), a few channels wide
// The bias ones need c % 4 == 0.
// The masks are multiplied in as 1.0 / 0.0 (not selected), the same arithmetic as TF.js's dy · cast(mask).

export const get = (i: number) => [0x20, i];
export const set = (i: number) => [0x21, i];
export const i32 = (v: number) => [0x41, ...sleb(v)];
const f32c = (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];
export const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
export const splat4 = (v: number) => simd(0x0c, ...new Uint8Array(new Float32Array([v, v, v, v]).buffer)); // v128.const
const mem0 = [0, 0]; // memarg: align hint 2^0 (any alignment), offset 0
export const V = { load: simd(0x00, ...mem0), store: simd(0x0b, ...mem0), and: simd(0x4e), eq: simd(0x41), gt: simd(0x44), le: simd(0x45), ge: simd(0x46), splat: simd(0x13), bitselect: simd(0x52), abs: simd(0xe0), add: simd(0xe4), sub: simd(0xe5), mul: simd(0xe6), div: simd(0xe7), pmin: simd(0xea), pmax: simd(0xeb) };
/**
 * max(v, 0) and min(max(v, 0), 6) on the vector on the stack. f32x4.max and .min must order −0 below +0 and
 * return NaN for NaN, which V8 on x64 builds from ~7 instructions each; pmax / pmin are one maxps / minps. Their
 * results differ only for v = −0 (−0, not +0), so + 0 after pmax gives f32x4.max's values for every input.
 */
export const RELU = [...splat4(0), ...V.pmax, ...splat4(0), ...V.add];
export const RELU6 = [...RELU, ...splat4(6), ...V.pmin];
const F = { load: [0x2a, ...mem0], store: [0x38, ...mem0], eq: [0x5b], gt: [0x5e], add: [0x92], mul: [0x94], div: [0x95], abs: [0x8b], select: [0x1b], fromBits: [0xbe] };
export const I = { add: [0x6a], sub: [0x6b], mul: [0x6c], and: [0x71], shl: [0x74], geU: [0x4f], ltU: [0x49] };

export function uleb(v: number): number[] {
  const out: number[] = [];
  do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; out.push(b); } while (v);
  return out;
}
function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f; v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && (b & 0x40))) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
export const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
export const str = (s: string) => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
/** `while (local[i] < local[end]) { body; local[i] += step }` */
export const loopWhile = (i: number, end: number, step: number, body: number[]) => [
  0x02, 0x40, 0x03, 0x40,
  ...get(i), ...get(end), ...I.geU, 0x0d, 1,
  ...body,
  ...get(i), ...i32(step), ...I.add, ...set(i),
  0x0c, 0, 0x0b, 0x0b,
];
const at = (base: number, i: number) => [...get(base), ...get(i), ...I.add];
/** local[to] = the float32 whose bits are param `from`, in all four lanes. */
const splatBits = (from: number, to: number) => [...get(from), ...F.fromBits, ...V.splat, ...set(to)];
/** local[to] = local[n] · 4: an element count as bytes. */
const bytes = (n: number, to: number) => [...get(n), ...i32(2), ...I.shl, ...set(to)];
/** local[at] = (local[n] & ~3) << 2 and local[nb] = local[n] << 2: byte ends of the SIMD part and of the whole. */
const ends = (n: number, n4: number, nb: number) => [...bytes(n, nb), ...get(n), ...i32(-4), ...I.and, ...i32(2), ...I.shl, ...set(n4)];

// relu6grad(out 0, dy 1, x 2, y 3, n 4); locals i 5, n4 6, nb 7
const relu6grad = [
  ...ends(4, 6, 7),
  ...loopWhile(5, 6, 16, [...at(0, 5), ...at(1, 5), ...V.load, ...at(2, 5), ...V.load, ...at(3, 5), ...V.load, ...V.eq, ...splat4(1), ...V.and, ...V.mul, ...V.store]),
  ...loopWhile(5, 7, 4, [...at(0, 5), ...at(1, 5), ...F.load, ...f32c(1), ...f32c(0), ...at(2, 5), ...F.load, ...at(3, 5), ...F.load, ...F.eq, ...F.select, ...F.mul, ...F.store]),
];
// biasRelu6(out 0, x 1, bias 2, n 3, c 4); locals i 5, j 6, nb 7, cb 8. Needs c % 4 == 0 (so n % 4 == 0 too).
const biasRelu6 = [
  ...bytes(3, 7),
  ...bytes(4, 8),
  ...loopWhile(5, 7, 16, [
    ...at(0, 5), ...at(1, 5), ...V.load, ...at(2, 6), ...V.load, ...V.add, ...RELU6, ...V.store,
    ...get(6), ...i32(16), ...I.add, ...set(6),
    ...get(6), ...get(8), ...I.geU, 0x04, 0x40, ...i32(0), ...set(6), 0x0b, // if (j >= cb) j = 0
  ]),
];

// biasRelu6grad(out 0, dy 1, x 2, bias 3, n 4, c 5); locals i 6, j 7, nb 8, cb 9. Pre-activation p = x + b kept
// on the stack once: (p ≥ 0) & (6 ≥ p), via local 10 (v128).
const biasRelu6grad = [
  ...bytes(4, 8),
  ...bytes(5, 9),
  ...loopWhile(6, 8, 16, [
    ...at(2, 6), ...V.load, ...at(3, 7), ...V.load, ...V.add, ...set(10),
    ...at(0, 6), ...at(1, 6), ...V.load,
    ...get(10), ...splat4(0), ...V.ge, ...splat4(6), ...get(10), ...V.ge, ...V.and, ...splat4(1), ...V.and, ...V.mul, ...V.store,
    ...get(7), ...i32(16), ...I.add, ...set(7),
    ...get(7), ...get(9), ...I.geU, 0x04, 0x40, ...i32(0), ...set(7), 0x0b,
  ]),
];

// leakyReluGrad(out 0, dy 1, x 2, n 3, alphaBits 4); locals i 5, n4 6, nb 7 (i32), alpha×4 8 (v128)
const leakyReluGrad = [
  ...splatBits(4, 8),
  ...ends(3, 6, 7),
  ...loopWhile(5, 6, 16, [...at(0, 5), ...at(1, 5), ...V.load, ...splat4(1), ...get(8), ...at(2, 5), ...V.load, ...splat4(0), ...V.gt, ...V.bitselect, ...V.mul, ...V.store]),
  ...loopWhile(5, 7, 4, [...at(0, 5), ...at(1, 5), ...F.load, ...f32c(1), ...get(4), ...F.fromBits, ...at(2, 5), ...F.load, ...f32c(0), ...F.gt, ...F.select, ...F.mul, ...F.store]),
];

// relu6OutGrad(out 0, dy 1, y 2, n 3); locals i 4, n4 5, nb 6 (i32), y×4 7 (v128)
const relu6OutGrad = [
  ...ends(3, 5, 6),
  ...loopWhile(4, 5, 16, [
    ...at(0, 4), ...at(1, 4), ...V.load, ...at(2, 4), ...V.load, ...set(7),
    ...get(7), ...splat4(0), ...V.gt, ...splat4(6), ...get(7), ...V.gt, ...V.and, ...splat4(1), ...V.and, ...V.mul, ...V.store,
  ]),
  ...loopWhile(4, 6, 4, [
    ...at(0, 4), ...at(1, 4), ...F.load, ...f32c(1), ...f32c(0),
    ...at(2, 4), ...F.load, ...f32c(0), ...F.gt, ...f32c(6), ...at(2, 4), ...F.load, ...F.gt, ...I.and,
    ...F.select, ...F.mul, ...F.store,
  ]),
];

// mulVec / addVec(out 0, x 1, v 2, n 3, c 4); locals i 5, j 6, nb 7, cb 8. Needs c % 4 == 0 (so n % 4 == 0 too).
const vecOp = (op: number[]) => [
  ...bytes(3, 7),
  ...bytes(4, 8),
  ...loopWhile(5, 7, 16, [
    ...at(0, 5), ...at(1, 5), ...V.load, ...at(2, 6), ...V.load, ...op, ...V.store,
    ...get(6), ...i32(16), ...I.add, ...set(6),
    ...get(6), ...get(8), ...I.geU, 0x04, 0x40, ...i32(0), ...set(6), 0x0b, // if (j >= cb) j = 0
  ]),
];
const mulVec = vecOp(V.mul), addVec = vecOp(V.add);
// mul / add / sub(out 0, a 1, b 2, n 3); locals i 4, nb 5. n % 4 == 0 (the caller does the rest).
const sameOp = (op: number[]) => [
  ...bytes(3, 5),
  ...loopWhile(4, 5, 16, [...at(0, 4), ...at(1, 4), ...V.load, ...at(2, 4), ...V.load, ...op, ...V.store]),
];

// stridedCopy(dst 0, src 1, count 2, bytes 3, dstStride 4); locals k 5, i 6. bytes % 16 == 0.
const stridedCopy = [
  ...loopWhile(5, 2, 1, [
    ...i32(0), ...set(6),
    ...loopWhile(6, 3, 16, [...get(0), ...get(6), ...I.add, ...get(1), ...get(6), ...I.add, ...V.load, ...V.store]),
    ...get(0), ...get(4), ...I.add, ...set(0),
    ...get(1), ...get(3), ...I.add, ...set(1),
  ]),
];

// hardSwish(out 0, x 1, n 2, sBits 3, tBits 4); locals i 5, nb 6 (i32), S 7, T 8, X 9 (v128). n % 4 == 0.
const hardSwish = [
  ...splatBits(3, 7),
  ...splatBits(4, 8),
  ...bytes(2, 6),
  ...loopWhile(5, 6, 16, [
    ...at(0, 5), ...at(1, 5), ...V.load, ...set(9),
    ...get(9), ...get(7), ...V.mul,
    ...get(9), ...get(8), ...V.add, ...RELU6,
    ...V.mul, ...V.store,
  ]),
];

// hardSwishGrad(out 0, dy 1, x 2, n 3, sBits 4, tBits 5); locals i 6, nb 7 (i32), S 8, T 9, X 10, A 11, G 12 (v128).
const hardSwishGrad = [
  ...splatBits(4, 8),
  ...splatBits(5, 9),
  ...bytes(3, 7),
  ...loopWhile(6, 7, 16, [
    ...at(1, 6), ...V.load, ...set(12),
    ...at(2, 6), ...V.load, ...set(10),
    ...get(10), ...get(9), ...V.add, ...set(11),
    ...at(0, 6),
    ...get(12), ...get(11), ...RELU6, ...V.mul, ...get(8), ...V.mul, // (dy·relu6(a))·s
    ...get(12), ...get(10), ...get(8), ...V.mul, ...V.mul, // dy·(x·s)
    ...get(11), ...splat4(0), ...V.ge, ...splat4(6), ...get(11), ...V.ge, ...V.and, ...splat4(1), ...V.and, ...V.mul, // ·mask
    ...V.add, ...V.store,
  ]),
];

// sumRows(out 0, x 1, rows 2, c 3, dBits 4); locals i 5, r 6, cb 7, p 8 (i32), D 9 (v128). The first row is
// copied, each later one added into out (which stays in L1 while x streams through once), then out /= D.
const sumRows = [
  ...splatBits(4, 9),
  ...bytes(3, 7),
  ...i32(0), ...set(5),
  ...loopWhile(5, 7, 16, [...at(0, 5), ...at(1, 5), ...V.load, ...V.store]),
  ...i32(1), ...set(6),
  ...get(1), ...get(7), ...I.add, ...set(8),
  ...loopWhile(6, 2, 1, [
    ...i32(0), ...set(5),
    ...loopWhile(5, 7, 16, [...at(0, 5), ...at(0, 5), ...V.load, ...at(8, 5), ...V.load, ...V.add, ...V.store]),
    ...get(8), ...get(7), ...I.add, ...set(8),
  ]),
  ...i32(0), ...set(5),
  ...loopWhile(5, 7, 16, [...at(0, 5), ...at(0, 5), ...V.load, ...get(9), ...V.div, ...V.store]),
];

// sumInner(out 0, x 1, rows 2, n 3, dBits 4); locals k 5, i 6, n16 7, nb 8 (i32), A0..A3 9–12 (v128), s 13 (f32).
const loadAt = (base: number, i: number, off: number) => [...get(base), ...get(i), ...I.add, ...simd(0x00, 0, ...uleb(off))];
const lane = (l: number) => simd(0x1f, l); // f32x4.extract_lane
const sumInnerOf = (abs: boolean) => [
  ...bytes(3, 8),
  ...get(3), ...i32(-16), ...I.and, ...i32(2), ...I.shl, ...set(7),
  ...i32(0), ...set(5),
  ...loopWhile(5, 2, 1, [
    ...[9, 10, 11, 12].flatMap((a) => [...splat4(0), ...set(a)]),
    ...i32(0), ...set(6),
    ...loopWhile(6, 7, 64, [9, 10, 11, 12].flatMap((a, j) => [...get(a), ...loadAt(1, 6, 16 * j), ...(abs ? V.abs : []), ...V.add, ...set(a)])),
    ...get(9), ...get(10), ...V.add, ...get(11), ...get(12), ...V.add, ...V.add, ...set(9),
    ...get(9), ...lane(0), ...get(9), ...lane(1), ...F.add, ...get(9), ...lane(2), ...get(9), ...lane(3), ...F.add, ...F.add, ...set(13),
    ...loopWhile(6, 8, 4, [...get(13), ...at(1, 6), ...F.load, ...(abs ? F.abs : []), ...F.add, ...set(13)]),
    ...get(0), ...get(13), ...get(4), ...F.fromBits, ...F.div, ...F.store,
    ...get(0), ...i32(4), ...I.add, ...set(0),
    ...get(1), ...get(8), ...I.add, ...set(1),
  ]),
];
const sumInner = sumInnerOf(false), sumAbsInner = sumInnerOf(true);

// ascend(out 0, x 1, g 2, n 3, stepBits 4); locals i 5, nb 6 (i32), S 7 (v128). pmax(v, 0) keeps −0 and NaN as
// cpu's clip does; pmin(v, 1) then keeps NaN too.
const ascend = [
  ...splatBits(4, 7),
  ...bytes(3, 6),
  ...loopWhile(5, 6, 16, [
    ...at(0, 5), ...at(1, 5), ...V.load, ...at(2, 5), ...V.load, ...get(7), ...V.mul, ...V.add,
    ...splat4(0), ...V.pmax, ...splat4(1), ...V.pmin, ...V.store,
  ]),
];

// addTap(dst 0, src 1, rows 2, pixels 3, cb 4, dstRow 5, srcRow 6, dstStep 7, srcStep 8); locals r 9, k 10,
// c 11, dp 12, sp 13.
const addTap = [
  ...i32(0), ...set(9),
  ...loopWhile(9, 2, 1, [
    ...get(0), ...set(12), ...get(1), ...set(13),
    ...i32(0), ...set(10),
    ...loopWhile(10, 3, 1, [
      ...i32(0), ...set(11),
      ...loopWhile(11, 4, 4, [...at(12, 11), ...at(12, 11), ...F.load, ...at(13, 11), ...F.load, ...F.add, ...F.store]),
      ...get(12), ...get(7), ...I.add, ...set(12),
      ...get(13), ...get(8), ...I.add, ...set(13),
    ]),
    ...get(0), ...get(5), ...I.add, ...set(0),
    ...get(1), ...get(6), ...I.add, ...set(1),
  ]),
];

// hardSigmoid(out 0, x 1, n 2, sBits 3, tBits 4); locals i 5, nb 6 (i32), S 7, T 8 (v128). n % 4 == 0.
const hardSigmoid = [
  ...splatBits(3, 7),
  ...splatBits(4, 8),
  ...bytes(2, 6),
  ...loopWhile(5, 6, 16, [...at(0, 5), ...get(7), ...at(1, 5), ...V.load, ...get(8), ...V.add, ...RELU6, ...V.mul, ...V.store]),
];
// hardSigmoidGrad(out 0, dy 1, x 2, n 3, sBits 4, tBits 5); locals i 6, nb 7 (i32), S 8, T 9, P 10 (v128).
const hardSigmoidGrad = [
  ...splatBits(4, 8),
  ...splatBits(5, 9),
  ...bytes(3, 7),
  ...loopWhile(6, 7, 16, [
    ...at(2, 6), ...V.load, ...get(9), ...V.add, ...set(10),
    ...at(0, 6),
    ...at(1, 6), ...V.load, ...get(8), ...V.mul,
    ...get(10), ...splat4(0), ...V.ge, ...splat4(6), ...get(10), ...V.ge, ...V.and, ...splat4(1), ...V.and, ...V.mul,
    ...V.store,
  ]),
];

const FUNCS = [
  { name: 'relu6grad', params: 5, locals: [3], body: relu6grad },
  { name: 'biasRelu6', params: 5, locals: [4], body: biasRelu6 },
  { name: 'biasRelu6grad', params: 6, locals: [4, 1], body: biasRelu6grad },
  { name: 'leakyReluGrad', params: 5, locals: [3, 1], body: leakyReluGrad },
  { name: 'relu6OutGrad', params: 4, locals: [3, 1], body: relu6OutGrad },
  { name: 'mulVec', params: 5, locals: [4], body: mulVec },
  { name: 'addVec', params: 5, locals: [4], body: addVec },
  { name: 'mul', params: 4, locals: [2], body: sameOp(V.mul) },
  { name: 'add', params: 4, locals: [2], body: sameOp(V.add) },
  { name: 'sub', params: 4, locals: [2], body: sameOp(V.sub) },
  { name: 'stridedCopy', params: 5, locals: [2], body: stridedCopy },
  { name: 'hardSwish', params: 5, locals: [2, 3], body: hardSwish },
  { name: 'hardSwishGrad', params: 6, locals: [2, 5], body: hardSwishGrad },
  { name: 'sumRows', params: 5, locals: [4, 1], body: sumRows },
  { name: 'hardSigmoid', params: 5, locals: [2, 2], body: hardSigmoid },
  { name: 'hardSigmoidGrad', params: 6, locals: [2, 3], body: hardSigmoidGrad },
  { name: 'addTap', params: 9, locals: [5], body: addTap },
  { name: 'sumInner', params: 5, locals: [4, 4, 1], body: sumInner },
  { name: 'sumAbsInner', params: 5, locals: [4, 4, 1], body: sumAbsInner },
  { name: 'ascend', params: 5, locals: [2, 1], body: ascend },
] as const;

/** The module's bytes (for tests: it must validate wherever WebAssembly SIMD exists). */
export function simdModuleBytes(): Uint8Array<ArrayBuffer> {
  const types = FUNCS.flatMap((f) => [0x60, f.params, ...new Array<number>(f.params).fill(0x7f), 0]);
  // locals: [n i32], [n i32, m v128] or [n i32, m v128, k f32]
  const codes = FUNCS.map((f) => {
    const types = [0x7f, 0x7b, 0x7d];
    const locals = [f.locals.length, ...(f.locals as readonly number[]).flatMap((n, i) => [n, types[i]])];
    const b = [...locals, ...f.body, 0x0b];
    return [...uleb(b.length), ...b];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [FUNCS.length, ...types]),
    ...section(2, [1, ...str('env'), ...str('memory'), 0x02, 0x00, 0x00]),
    ...section(3, [FUNCS.length, ...FUNCS.map((_, i) => i)]),
    ...section(7, [FUNCS.length, ...FUNCS.flatMap((f, i) => [...str(f.name), 0x00, i])]),
    ...section(10, [FUNCS.length, ...codes.flat()]),
  ]);
}

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
  stridedCopy(dst: number, src: number, count: number, bytes: number, dstStride: number): void;
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
  if (k === undefined) {
    try {
      k = new WebAssembly.Instance(new WebAssembly.Module(simdModuleBytes()), { env: { memory } }).exports as unknown as SimdKernels;
    } catch {
      k = null;
    }
    instances.set(memory, k);
  }
  return k;
}
