// The TF.js internals the wasm accelerator reads, in one place: the rest of src/tf/accel reaches them only through
// this file's types and accessors.
//
// What the accelerator reads, and what for:
//   backend.wasm.HEAPU8              views of tensor data on the wasm heap (every heap kernel)
//   backend.wasm.asm.memory          the heap's WebAssembly.Memory, imported by the generated SIMD modules
//   backend.dataIdMap.get(id).memoryOffset   where a tensor's data starts on the heap
//   backend.makeOutput(shape, dtype) a new tensor's data on the heap, for a kernel's output
//   backend.disposeData / incRef     free a temporary; share an input's data (Identity, a same-dtype Cast)
//   engine().state.activeTape, .profiling   whether a gradient is being recorded or a profile taken (replay)
//   engine().makeTensorFromTensorInfo       a replayed program's result as a tensor
import * as tf from '@tensorflow/tfjs';

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
