import { describe, expect, it } from 'vitest';
import { f32, f32x4, get, i32, ifElse, instantiate, set, uleb, v128, WasmModule, whileLt, call } from '../../../../../src/tf/accel/wasm/builder';

const memory = () => new WebAssembly.Memory({ initial: 1 });

describe('the WebAssembly module builder', () => {
  it('numbers parameters, then locals in declaration order, whatever their names', () => {
    const m = new WasmModule();
    const f = m.func('f', { out: 'i32', x: 'i32', s: 'f64' });
    expect([f.params.out.index, f.params.x.index, f.params.s.index]).toEqual([0, 1, 2]);
    const i = f.local('i', 'i32'), v = f.local('v', 'v128'), acc = f.locals('acc', 'v128', 3), k = f.local('k', 'i32');
    expect([i.index, v.index, acc.map((a) => a.index), k.index]).toEqual([3, 4, [5, 6, 7], 8]);
    expect(acc.map((a) => a.name)).toEqual(['acc0', 'acc1', 'acc2']);
  });

  it('declares consecutive locals of one type as one group, and assembles the sections by hand\'s layout', () => {
    const m = new WasmModule();
    const f = m.func('f', { a: 'i32' });
    f.local('i', 'i32'); f.local('j', 'i32'); f.local('v', 'v128'); f.local('k', 'i32');
    f.code(get(f.params.a), set(f.params.a));
    // type: () of (i32); import env.memory; one function of type 0, exported as 'f'; code: 3 groups, body, end
    expect(Array.from(m.bytes())).toEqual([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      1, 5, 1, 0x60, 1, 0x7f, 0,
      2, 15, 1, 3, ...'env'.split('').map((c) => c.charCodeAt(0)), 6, ...'memory'.split('').map((c) => c.charCodeAt(0)), 0x02, 0x00, 0x00,
      3, 2, 1, 0,
      7, 5, 1, 1, 0x66, 0x00, 0,
      10, 14, 1, 12, 3, 2, 0x7f, 1, 0x7b, 1, 0x7f, 0x20, 0, 0x21, 0, 0x0b,
    ]);
    expect(WebAssembly.validate(m.bytes())).toBe(true);
  });

  it('encodes immediates as LEB128 (signed constants, unsigned offsets and indices)', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([127]);
    expect(uleb(128)).toEqual([0x80, 1]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(i32.const(-4)).toEqual([0x41, 0x7c]);
    expect(i32.const(64)).toEqual([0x41, 0xc0, 0x00]);
    expect(i32.const(-123456)).toEqual([0x41, 0xc0, 0xbb, 0x78]);
    expect(v128.load({ offset: 384 })).toEqual([0xfd, 0x00, 0, 0x80, 0x03]);
    expect(f32.load({ offset: 12, align: 2 })).toEqual([0x2a, 2, 12]);
  });

  it('builds functions that run: a SIMD loop over memory, and a call back into JS', () => {
    const m = new WasmModule();
    const report = m.importFunc('report', ['i32']);
    const f = m.func('scale', { out: 'i32', x: 'i32', n: 'i32' }); // out[i] = 2·x[i] for n % 4 == 0 floats
    const { out, x, n } = f.params;
    const i = f.local('i', 'i32'), nb = f.local('nb', 'i32');
    f.code(
      get(n), i32.const(2), i32.shl, set(nb),
      whileLt(i, nb, 16, [get(out), get(i), i32.add, get(x), get(i), i32.add, v128.load(), f32x4.const(2), f32x4.mul, v128.store()]),
      get(n), i32.const(8), i32.ge_u, ifElse([i32.const(1), call(report)], [i32.const(0), call(report)]),
    );
    const mem = memory();
    const seen: number[] = [];
    const k = instantiate<{ scale(out: number, x: number, n: number): void }>(m.bytes(), mem, { report: (v: number) => seen.push(v) })!;
    const heap = new Float32Array(mem.buffer);
    heap.set([1, -2, 3.5, 4, 0.25, 6, 7, -8], 16);
    k.scale(0, 64, 8);
    expect(Array.from(heap.subarray(0, 8))).toEqual([2, -4, 7, 8, 0.5, 12, 14, -16]);
    k.scale(0, 64, 4);
    expect(seen).toEqual([1, 0]);
  });

  it('refuses an import after the first function (its index would move the functions\')', () => {
    const m = new WasmModule();
    m.func('f', {});
    expect(() => m.importFunc('late', [])).toThrow(/import functions before defining any/);
  });

  it('instantiate answers null where the module cannot run on the memory', () => {
    const m = new WasmModule();
    const f = m.func('f', {});
    f.code(i32.add); // adds two values an empty stack does not have: invalid
    expect(WebAssembly.validate(m.bytes())).toBe(false);
    expect(instantiate(m.bytes(), memory())).toBeNull();
  });
});
