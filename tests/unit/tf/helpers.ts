// Shared by the src/tf tests.
import * as tf from '@tensorflow/tfjs';
import { installOverrides, installWasmAccelerator, removeWasmAccelerator, type AcceleratorOptions, type OverrideOptions } from '../../../src/tf';
import type { WasmBackend } from '../../../src/tf/accel/internals';

/** The heap functions' view of tfjs-backend-wasm's backend. */
export type HeapBackend = WasmBackend;

/** The current (wasm) backend as the heap functions see it, and the same without the memory object, so they
 *  take their JS loops instead of the SIMD module (to compare the two). */
export function heapBackends(): { simd: HeapBackend; noSimd: HeapBackend } {
  const b = tf.backend() as unknown as HeapBackend;
  return { simd: b, noSimd: { wasm: { HEAPU8: b.wasm.HEAPU8 }, dataIdMap: b.dataIdMap, makeOutput: b.makeOutput.bind(b), disposeData: b.disposeData.bind(b), incRef: b.incRef.bind(b) } };
}

/** `fn()` with the wasm accelerator and the overrides installed with these options, then with the defaults again. */
export function withOptions<T>(accelerator: AcceleratorOptions | 'off', overrides: OverrideOptions, fn: () => T): T {
  if (accelerator === 'off') removeWasmAccelerator('off for a test');
  else installWasmAccelerator(accelerator);
  installOverrides('wasm', overrides);
  try { return fn(); } finally { installOverrides('wasm'); installWasmAccelerator(); }
}
