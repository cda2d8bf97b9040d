// A small builder for the accelerator's WebAssembly modules: functions with named parameters and locals, WAT-named
// instruction helpers (`i32.add`, `f32x4.mul`, `v128.load({ offset })`, …), a few structured helpers (`whileLt`,
// `ifThen`), and the type, import, function, export and code sections assembled from those.
//
// Why a run-time builder and not WebAssembly text assembled at build time (e.g. with the `wabt` package): the
// depthwise kernels are generated per conv geometry (sizes, strides, pads and channels baked in as constants, the
// edge pixels unrolled) when a net first runs that shape, so their code only exists at run time; assembling text
// there would put an assembler (wabt is the C++ toolkit compiled to WebAssembly) in the dream worker. One way of
// writing every kernel is simpler than two, so the fixed modules use the builder too.
//
// Code is a nested array of bytes (`Code`), flattened when the module is assembled: an instruction is a few
// bytes, a helper returns an array, and a kernel reads as a list of instructions without spreads. Locals get
// their indices when declared (parameters first, then locals in declaration order; consecutive locals of one type
// share a declaration group), so a kernel refers to them only by name.

export type ValType = 'i32' | 'f32' | 'f64' | 'v128';
const TYPE_CODE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Bytes of code, nested as convenient: flattened in order. */
export type Code = number | readonly Code[];

/** A parameter or local of a function, by name; its index is fixed when it is declared. */
export interface Local<T extends ValType = ValType> { readonly name: string; readonly type: T; readonly index: number }

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

const flat = (c: Code, out: number[] = []): number[] => {
  if (typeof c === 'number') out.push(c);
  else for (const x of c) flat(x, out);
  return out;
};
/** The little-endian bytes of the values (constants' immediates). */
const bytesOf = (a: Float32Array | Float64Array): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
const name = (s: string) => [...uleb(s.length), ...[...s].map((ch) => ch.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

// ---- instructions (WebAssembly names; SIMD ones behind the 0xfd prefix) ----

/** A memory access's immediate: byte offset added to the address, and the alignment hint as log2 bytes. The
 *  default hint 0 promises nothing: heap pointers here are 4-byte aligned, never 16. */
export interface MemArg { offset?: number; align?: number }
const memarg = (m: MemArg = {}) => [...uleb(m.align ?? 0), ...uleb(m.offset ?? 0)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];

export const get = (l: Local) => [0x20, ...uleb(l.index)];
export const set = (l: Local) => [0x21, ...uleb(l.index)];
export const tee = (l: Local) => [0x22, ...uleb(l.index)];
/** Call function `f` (an import's or a function's index in its module). */
export const call = (f: { index: number }) => [0x10, ...uleb(f.index)];
/** Pick the first or second operand by the i32 on top (non-zero: the first). */
export const select = [0x1b];

export const i32 = {
  const: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a], sub: [0x6b], mul: [0x6c], and: [0x71], shl: [0x74],
  ge_u: [0x4f], lt_u: [0x49],
  /** f64 → i32, truncating toward zero (traps outside i32: only for in-range coordinates). */
  trunc_f64_s: [0xaa],
};

export const f32 = {
  const: (v: number) => [0x43, ...bytesOf(new Float32Array([v]))],
  load: (m?: MemArg) => [0x2a, ...memarg(m)],
  store: (m?: MemArg) => [0x38, ...memarg(m)],
  eq: [0x5b], gt: [0x5e],
  abs: [0x8b], add: [0x92], mul: [0x94], div: [0x95],
  /** The f32 whose bits are the i32 on top (scalars passed from JS as their bits). */
  reinterpret_i32: [0xbe],
  demote_f64: [0xb6],
};

export const f64 = {
  add: [0xa0], sub: [0xa1], mul: [0xa2], floor: [0x9c], lt: [0x63], ge: [0x66],
  convert_i32_s: [0xb7], promote_f32: [0xbb],
};

export const v128 = {
  load: (m?: MemArg) => simd(0x00, ...memarg(m)),
  store: (m?: MemArg) => simd(0x0b, ...memarg(m)),
  /** One 32-bit lane loaded from memory, the other lanes zero. */
  load32_zero: (m?: MemArg) => simd(0x5c, ...memarg(m)),
  /** Lane `lane` of the vector on top replaced by 32 bits from memory. */
  load32_lane: (m: MemArg, lane: number) => simd(0x56, ...memarg(m), lane),
  /** Lane `lane` of the vector on top stored to memory. */
  store32_lane: (m: MemArg, lane: number) => simd(0x5a, ...memarg(m), lane),
  and: simd(0x4e),
  /** (a & mask) | (b & ~mask) for a, b, mask on the stack in that order. */
  bitselect: simd(0x52),
};

export const f32x4 = {
  /** v128.const with `v` in all four f32 lanes. */
  const: (v: number) => simd(0x0c, ...bytesOf(new Float32Array([v, v, v, v]))),
  splat: simd(0x13),
  extract_lane: (lane: number) => simd(0x1f, lane),
  eq: simd(0x41), gt: simd(0x44), le: simd(0x45), ge: simd(0x46),
  abs: simd(0xe0), add: simd(0xe4), sub: simd(0xe5), mul: simd(0xe6), div: simd(0xe7),
  /** Pseudo-min / pseudo-max: b < a ? b : a (resp. a < b ? b : a), one minps / maxps on x64. */
  pmin: simd(0xea), pmax: simd(0xeb),
  /** The two f64 lanes rounded to f32 in lanes 0 and 1, lanes 2 and 3 zero. */
  demote_f64x2_zero: simd(0x5e),
};

export const f64x2 = {
  /** v128.const with lanes (a, b). */
  const: (a: number, b: number) => simd(0x0c, ...bytesOf(new Float64Array([a, b]))),
  splat: simd(0x14),
  add: simd(0xf0), sub: simd(0xf1), mul: simd(0xf2), floor: simd(0x75),
  lt: simd(0x49), ge: simd(0x4c),
  /** f32 lanes 0 and 1 widened to the two f64 lanes. */
  promote_low_f32x4: simd(0x5f),
};

export const i32x4 = {
  extract_lane: (lane: number) => simd(0x1b, lane),
  /** Both f64 lanes truncated to i32 (saturating) in lanes 0 and 1, lanes 2 and 3 zero. */
  trunc_sat_f64x2_s_zero: simd(0xfc),
};

export const i64x2 = { all_true: simd(0xc3) };

// ---- structured helpers ----

/** `while (i < end) { body; i += step }`, unsigned compare (byte offsets and counts). */
export const whileLt = (i: Local<'i32'>, end: Local<'i32'>, step: number, body: Code): Code => [
  0x02, 0x40, 0x03, 0x40, // block, loop
  get(i), get(end), i32.ge_u, 0x0d, 1, // br_if 1: out of the block when i ≥ end
  body,
  get(i), i32.const(step), i32.add, set(i),
  0x0c, 0, 0x0b, 0x0b, // br 0 (to the loop's top), end, end
];

/** `if (the i32 on top) { then }`. */
export const ifThen = (then: Code): Code => [0x04, 0x40, then, 0x0b];
/** `if (the i32 on top) { then } else { otherwise }`. */
export const ifElse = (then: Code, otherwise: Code): Code => [0x04, 0x40, then, 0x05, otherwise, 0x0b];

// ---- functions and modules ----

/** A function being built: its named parameters (in order) and locals, and its body. */
export class Func<P extends Record<string, ValType> = Record<string, ValType>> {
  readonly params: { readonly [K in keyof P]: Local<P[K]> };
  readonly index: number;
  private readonly paramTypes: ValType[];
  private readonly localTypes: ValType[] = [];
  private body: Code = [];

  constructor(readonly name: string, params: P, index: number) {
    this.index = index;
    this.paramTypes = Object.values(params);
    this.params = Object.fromEntries(Object.entries(params).map(([n, t], i) => [n, { name: n, type: t, index: i }])) as unknown as Func<P>['params'];
  }

  /** A new local (zero-initialised, as WebAssembly's are). */
  local<T extends ValType>(name: string, type: T): Local<T> {
    const index = this.paramTypes.length + this.localTypes.length;
    this.localTypes.push(type);
    return { name, type, index };
  }

  /** `n` new locals named name0 … name(n−1). */
  locals<T extends ValType>(name: string, type: T, n: number): Local<T>[] {
    return Array.from({ length: n }, (_, i) => this.local(`${name}${i}`, type));
  }

  code(...body: Code[]): this { this.body = body; return this; }

  /** The type section's entry: (params) → (). */
  typeBytes(): number[] { return [0x60, ...uleb(this.paramTypes.length), ...this.paramTypes.map((t) => TYPE_CODE[t]), 0]; }

  /** The code section's entry: size, local declarations (one group per run of one type), body, end. */
  codeBytes(): number[] {
    const groups: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const b = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), TYPE_CODE[t]]), ...flat(this.body), 0x0b];
    return [...uleb(b.length), ...b];
  }
}

interface Import { name: string; params: ValType[]; index: number }

/**
 * A module importing `env.memory` (tfjs-backend-wasm's heap: every pointer a kernel takes is a byte offset into
 * it), then any functions from `env` (`importFunc`, before the first `func`), exporting every function it defines.
 */
export class WasmModule {
  private readonly imports: Import[] = [];
  private readonly funcs: Func[] = [];

  /** An imported JS function `env.<name>` taking `params` and returning nothing; call it with `call(f)`. */
  importFunc(name: string, params: ValType[]): { index: number } {
    if (this.funcs.length) throw new Error('wasm builder: import functions before defining any');
    const f = { name, params, index: this.imports.length };
    this.imports.push(f);
    return f;
  }

  /** A new exported function `name` with named parameters (in order). */
  func<const P extends Record<string, ValType>>(name: string, params: P): Func<P> {
    const f = new Func(name, params, this.imports.length + this.funcs.length);
    this.funcs.push(f as unknown as Func);
    return f;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    const n = this.imports.length;
    const types = [...this.imports.map((f) => [0x60, ...uleb(f.params.length), ...f.params.map((t) => TYPE_CODE[t]), 0]), ...this.funcs.map((f) => f.typeBytes())];
    const imports = [
      ...name('env'), ...name('memory'), 0x02, 0x00, 0x00, // a memory, limits: no maximum, at least 0 pages
      ...this.imports.flatMap((f, i) => [...name('env'), ...name(f.name), 0x00, ...uleb(i)]), // a function of type i
    ];
    return new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // \0asm, version 1
      ...section(1, [...uleb(types.length), ...types.flat()]),
      ...section(2, [...uleb(1 + n), ...imports]),
      ...section(3, [...uleb(this.funcs.length), ...this.funcs.flatMap((_, i) => uleb(n + i))]),
      ...section(7, [...uleb(this.funcs.length), ...this.funcs.flatMap((f) => [...name(f.name), 0x00, ...uleb(f.index)])]),
      ...section(10, [...uleb(this.funcs.length), ...this.funcs.flatMap((f) => f.codeBytes())]),
    ]);
  }
}

/**
 * `bytes` compiled and instantiated on `memory`, its exports as `T`; null where that cannot be done (no
 * WebAssembly or no SIMD here, or a memory the module cannot import, such as the threaded build's shared one).
 */
export function instantiate<T>(bytes: Uint8Array<ArrayBuffer>, memory: WebAssembly.Memory, imports: Record<string, unknown> = {}): T | null {
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, ...imports } }).exports as unknown as T;
  } catch {
    return null;
  }
}
