import * as tf from '@tensorflow/tfjs';
import { resolve } from 'node:path';
import { useBackend } from '../../../src/tf/backend.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const MODEL_URL = `${ROOT}/models/depth/model.json`;

/** wasm as in the dream worker; cpu if wasm cannot start here. */
export async function depthTestBackend(): Promise<string> {
  if (!(await useBackend('wasm', { wasmPath: `${ROOT}/node_modules/@tensorflow/tfjs-backend-wasm/dist/` }))) await useBackend('cpu');
  return tf.getBackend();
}

/** Same formula as reference_input() in training/depth/export.py: [size,size,3] in [0.05, 0.95]. */
export function referenceInput(size: number): tf.Tensor3D {
  const v = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) {
    v[(y * size + x) * 3 + c] = 0.5 + 0.45 * Math.sin(0.11 * x * (c + 1) + 0.07 * y + c) * Math.cos(0.05 * y - 0.03 * x * c);
  }
  return tf.tensor3d(v, [size, size, 3]);
}
