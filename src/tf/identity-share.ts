// tfjs-backend-wasm 4.22's Identity copies its input into a new buffer. Converted graphs are full of Identity
// nodes (~124 per forward pass of a crowds step), so every step copied weights and activations for nothing.
// This Identity shares the input's data and bumps its reference count, as wasm's own Reshape does: no kernel
// writes into its inputs, so sharing is as safe there as it is for Reshape.
import * as tf from '@tensorflow/tfjs';

/** Backends whose Identity copies (used by `useBackend`). */
export const IDENTITY_SHARE_BACKENDS: readonly string[] = ['wasm'];

const originals = new Map<string, tf.KernelConfig | undefined>();

export const identityShareActive = (backendName: string): boolean => originals.has(backendName);

/** Sharing Identity (on = true) or the backend's own (on = false; the bench's stock runs). Returns whether anything changed. */
export function setIdentityShare(backendName: string, on: boolean): boolean {
  if (on === originals.has(backendName)) return false;
  if (!on) {
    const original = originals.get(backendName);
    originals.delete(backendName);
    tf.unregisterKernel('Identity', backendName);
    if (original) tf.registerKernel(original);
    return true;
  }
  const original = tf.getKernel('Identity', backendName);
  const fallback = original?.kernelFunc;
  if (original) tf.unregisterKernel('Identity', backendName);
  originals.set(backendName, original);
  tf.registerKernel({
    kernelName: 'Identity',
    backendName,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype === 'string' && fallback) return fallback(args); // strings live outside the heap
      (args.backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    },
  });
  return true;
}
