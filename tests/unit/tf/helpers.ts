// Shared by the wasm heap-kernel tests.
import * as tf from '@tensorflow/tfjs';
import type { relu6GradOnHeap } from '../../../src/tf/heap-kernels';

/** The heap functions' view of tfjs-backend-wasm's backend. */
export type HeapBackend = Parameters<typeof relu6GradOnHeap>[0];

/** The current (wasm) backend as the heap functions see it, and the same without the memory object, so they
 *  take their JS loops instead of the SIMD module (to compare the two). */
export function heapBackends(): { simd: HeapBackend; noSimd: HeapBackend } {
  const b = tf.backend() as unknown as HeapBackend;
  return { simd: b, noSimd: { wasm: { HEAPU8: b.wasm.HEAPU8 }, dataIdMap: b.dataIdMap, makeOutput: b.makeOutput.bind(b), disposeData: b.disposeData.bind(b) } };
}
