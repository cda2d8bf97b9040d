// Relu6's gradient dy · (x == y) as a hand-assembled WebAssembly SIMD function that works on tfjs-backend-wasm's
// own heap (it imports the backend's WebAssembly.Memory): 4 lanes per instruction, no copies. A JS loop over
// the same views runs the compare branch-free but scalar and was ~6× slower than this (src/tf/heap-kernels.ts
// keeps it as the fallback where SIMD or the memory object is not available).
//
// (func (param $out $dy $x $y $n i32) (local $i $n4 $nb i32)   ;; pointers in bytes, n in elements
//   nb = n << 2; n4 = (n & ~3) << 2
//   while i < n4: v128.store(out+i, f32x4.mul(load(dy+i), v128.and(f32x4.eq(load(x+i), load(y+i)), splat 1.0))); i += 16
//   while i < nb: f32.store(out+i, f32.mul(f32.load(dy+i), select(1.0, 0.0, f32.eq(f32.load(x+i), f32.load(y+i))))); i += 4)

const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const i32 = (v: number) => [0x41, ...sleb(v)];
const f32c = (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const mem0 = [0, 0]; // memarg: align hint 2^0 (any alignment), offset 0
const addr = (base: number) => [...get(base), ...get(5), 0x6a]; // base + i

function uleb(v: number): number[] {
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
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const str = (s: string) => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

function relu6GradModule(): Uint8Array<ArrayBuffer> {
  const ones = new Uint8Array(new Float32Array([1, 1, 1, 1]).buffer);
  const body = [
    1, 3, 0x7f, // 3 locals of i32: $i (5), $n4 (6), $nb (7)
    ...get(4), ...i32(2), 0x74, ...set(7),
    ...get(4), ...i32(-4), 0x71, ...i32(2), 0x74, ...set(6),
    0x02, 0x40, 0x03, 0x40,
    ...get(5), ...get(6), 0x4f, 0x0d, 1,
    ...addr(0),
    ...addr(1), ...simd(0x00, ...mem0),
    ...addr(2), ...simd(0x00, ...mem0),
    ...addr(3), ...simd(0x00, ...mem0),
    ...simd(0x41), // f32x4.eq
    ...simd(0x0c, ...ones), // v128.const 1.0 ×4
    ...simd(0x4e), // v128.and
    ...simd(0xe6), // f32x4.mul
    ...simd(0x0b, ...mem0), // v128.store
    ...get(5), ...i32(16), 0x6a, ...set(5),
    0x0c, 0, 0x0b, 0x0b,
    0x02, 0x40, 0x03, 0x40,
    ...get(5), ...get(7), 0x4f, 0x0d, 1,
    ...addr(0),
    ...addr(1), 0x2a, ...mem0,
    ...f32c(1), ...f32c(0),
    ...addr(2), 0x2a, ...mem0,
    ...addr(3), 0x2a, ...mem0,
    0x5b, 0x1b, 0x94, // f32.eq, select, f32.mul
    0x38, ...mem0,
    ...get(5), ...i32(4), 0x6a, ...set(5),
    0x0c, 0, 0x0b, 0x0b,
    0x0b,
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [1, ...str('env'), ...str('memory'), 0x02, 0x00, 0x00]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('relu6grad'), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

export type Relu6GradFn = (out: number, dy: number, x: number, y: number, n: number) => void;

const instances = new WeakMap<WebAssembly.Memory, Relu6GradFn | null>();

/**
 * The SIMD function bound to `memory` (one instance per memory), or null where it cannot run: no SIMD, or a
 * memory it cannot import (the threaded build's shared memory).
 */
export function simdRelu6Grad(memory: WebAssembly.Memory | undefined): Relu6GradFn | null {
  if (memory == null || typeof WebAssembly === 'undefined') return null;
  let fn = instances.get(memory);
  if (fn === undefined) {
    try {
      const bytes = relu6GradModule();
      const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      fn = inst.exports.relu6grad as Relu6GradFn;
    } catch {
      fn = null;
    }
    instances.set(memory, fn);
  }
  return fn;
}

/** The module's bytes (for tests: it must validate wherever WebAssembly SIMD exists). */
export const relu6GradWasm = relu6GradModule;
