// What the active backend's accelerator is doing, for the worker's 'ready' event and the page's notice.
import * as tf from '@tensorflow/tfjs';

export interface AcceleratorStatus {
  /** The accelerated kernels are installed on the active backend. */
  on: boolean;
  /** Why not, when they are not: switched off, a TF.js internal that the kernels need is missing, or a backend without any. */
  reason: string | null;
}

/** Placeholder until the accelerator reports itself: on for wasm, off with a reason elsewhere. */
export function acceleratorStatus(): AcceleratorStatus {
  const backend = tf.getBackend();
  return backend === 'wasm' ? { on: true, reason: null } : { on: false, reason: `no accelerated kernels for the '${backend}' backend` };
}
