// The TF.js internals the wasm accelerator reads, in one place, and the check that they are all there before it
// installs. TF.js does not promise them from one release to the next: package.json pins every @tensorflow package
// to TFJS_VERSION, and if the installed TF.js is another version or lacks one of these, the accelerator stays off
// and says why (acceleratorStatus) instead of running several times slower without a word. The rest of
// src/tf/accel reaches them only through this file's types and accessors (a unit test checks that).
//
// What the accelerator reads, and what for:
//   backend.wasm.HEAPU8              views of tensor data on the wasm heap (every heap kernel)
//   backend.wasm.asm.memory          the heap's WebAssembly.Memory, imported by the generated SIMD modules
//   backend.dataIdMap.get(id).memoryOffset   where a tensor's data starts on the heap
//   backend.makeOutput(shape, dtype) a new tensor's data on the heap, for a kernel's output
//   backend.disposeData / incRef     free a temporary; share an input's data (Identity, a same-dtype Cast)
//   engine().state.activeTape, .profiling   whether a gradient is being recorded or a profile taken (replay)
//   engine().makeTensorFromTensorInfo       a replayed program's result as a tensor
//   the wasm kernels it wraps or builds on, by name, with their inputs and attributes as TF.js 4.22 passes them
import * as tf from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';

/** The TF.js release the accelerator is written and tested for; package.json pins @tensorflow/* to it exactly. */
export const TFJS_VERSION = '4.22.0';

/** The parts of tfjs-backend-wasm's BackendWasm the accelerator uses. */
export interface WasmBackend {
  wasm: { HEAPU8: Uint8Array; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
  incRef(dataId: object): void;
}

/** A kernel's `backend` argument as the accelerator's kernels see it (only ever the wasm backend's). */
export const wasmBackend = (backend: unknown): WasmBackend => backend as WasmBackend;

/** Where t's data starts on the wasm heap (bytes); throws for data that is not there. */
export const byteOffset = (b: WasmBackend, t: tf.TensorInfo): number => {
  const d = b.dataIdMap.get(t.dataId);
  if (d == null) throw new Error('heap kernel: input is not on the wasm heap');
  return d.memoryOffset;
};
/** The heap's bytes (a view that a later allocation may detach: take it after the outputs are made). */
export const heapBytes = (b: WasmBackend): Uint8Array => b.wasm.HEAPU8;
/** n float32s of t's data on the heap (the same caveat). */
export const heapF32 = (b: WasmBackend, t: tf.TensorInfo, n: number): Float32Array => new Float32Array(b.wasm.HEAPU8.buffer, byteOffset(b, t), n);
/** The heap's memory object, for the SIMD modules to import; undefined where the backend does not expose it. */
export const heapMemory = (b: WasmBackend): WebAssembly.Memory | undefined => b.wasm.asm?.memory;

interface EngineState { activeTape?: unknown; profiling?: boolean }
/** Whether TF.js is recording a gradient tape or a profile now (a replay would bypass both). */
export function engineBusy(): boolean {
  const s = (tf.engine() as unknown as { state: EngineState }).state;
  return !!s.activeTape || !!s.profiling;
}
/** A kernel's output as a tensor the engine tracks. */
export const tensorOf = (info: tf.TensorInfo): tf.Tensor => tf.engine().makeTensorFromTensorInfo(info);

/** The wasm kernels the accelerator replaces, wraps or builds on. */
export const WASM_KERNELS: readonly string[] = [
  'Slice', 'SplitV', 'MaxPoolGrad', 'PadV2', 'Sum', 'Mean', 'Transform', 'Multiply', 'RealDiv', 'Add', 'Sub', 'Identity', 'Cast',
  'DepthwiseConv2dNative', 'FusedDepthwiseConv2D', 'Conv2D', 'Reshape', 'Reverse', 'Transpose', 'StridedSlice',
];

/** What the check looks at: the live TF.js (readInternals) or, in tests, a copy with a part missing. */
export interface InternalsView {
  versions: { core: string; wasm: string };
  /** The wasm backend instance. */
  backend: unknown;
  /** TF.js's engine. */
  engine: unknown;
  /** Whether the wasm backend has kernel `name` registered. */
  hasKernel(name: string): boolean;
  /** The engine's state while a gradient is being recorded (read inside tf.grad). */
  stateDuringGrad: unknown;
}

/** The live TF.js, with the wasm backend started (null where it is not). */
export function readInternals(): InternalsView | null {
  const backend = tf.findBackend('wasm');
  if (backend == null) return null;
  let stateDuringGrad: unknown = null;
  tf.tidy(() => {
    tf.grad((x: tf.Tensor) => {
      stateDuringGrad = { ...(tf.engine() as unknown as { state: object }).state };
      return tf.square(x);
    })(tf.scalar(1));
  });
  return {
    versions: { core: tf.version_core, wasm: version_wasm },
    backend, engine: tf.engine(), stateDuringGrad,
    hasKernel: (name) => tf.getKernel(name, 'wasm') != null,
  };
}

const has = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v == null ? undefined : (v as Record<string, unknown>)[k]), o);

/**
 * Why the accelerator cannot run on what `view` shows, as one sentence a user can act on; null when everything it
 * reads is there and the version is the pinned one.
 */
export function checkInternals(view: InternalsView | null): string | null {
  const fix = `install the pinned TF.js ${TFJS_VERSION} (npm ci) to dream at full speed`;
  if (view == null) return `the wasm backend is not running, so the wasm accelerator has nothing to run on`;
  for (const [pkg, v] of [['tfjs-core', view.versions.core], ['tfjs-backend-wasm', view.versions.wasm]] as const) {
    if (v !== TFJS_VERSION) return `the wasm accelerator is off: it is written for TF.js ${TFJS_VERSION} and @tensorflow/${pkg} is ${v}; ${fix}`;
  }
  const b = view.backend;
  const missing = (what: string) => `the wasm accelerator is off: TF.js ${view.versions.wasm} has no ${what}, which it reads; ${fix}`;
  if (!(has(b, 'wasm.HEAPU8') instanceof Uint8Array)) return missing('backend.wasm.HEAPU8');
  if (!(has(b, 'wasm.asm.memory') instanceof WebAssembly.Memory)) return missing('backend.wasm.asm.memory');
  if (typeof has(b, 'dataIdMap.get') !== 'function') return missing('backend.dataIdMap');
  for (const fn of ['makeOutput', 'disposeData', 'incRef']) if (typeof has(b, fn) !== 'function') return missing(`backend.${fn}()`);
  if (typeof has(view.engine, 'makeTensorFromTensorInfo') !== 'function') return missing('engine().makeTensorFromTensorInfo()');
  if (!('profiling' in ((has(view.engine, 'state') ?? {}) as object))) return missing('engine().state.profiling');
  if (!Array.isArray(has(view.stateDuringGrad, 'activeTape'))) return missing('engine().state.activeTape');
  // the heap as the kernels see it: a tensor's data at its memoryOffset
  const wb = b as WasmBackend;
  const probe = wb.makeOutput([2], 'float32');
  try {
    const at = wb.dataIdMap.get(probe.dataId)?.memoryOffset;
    if (typeof at !== 'number') return missing('dataIdMap entries with a memoryOffset');
    new Float32Array(wb.wasm.HEAPU8.buffer, at, 2).set([1.5, -2]);
    const back = new Float32Array(wb.wasm.asm!.memory!.buffer, at, 2);
    if (back[0] !== 1.5 || back[1] !== -2) return missing('tensor data at memoryOffset in wasm.asm.memory');
  } finally {
    wb.disposeData(probe.dataId);
  }
  const lacking = WASM_KERNELS.filter((k) => !view.hasKernel(k));
  if (lacking.length) return missing(`wasm kernel ${lacking.join(', ')}`);
  return null;
}
