// tfjs-backend-wasm 4.22's Identity copies its input into a new buffer. Converted graphs are full of Identity
// nodes (~124 per forward pass of a crowds step), so every step copied weights and activations for nothing.
// This Identity shares the input's data and bumps its reference count, as wasm's own Reshape does: no kernel
// writes into its inputs, so sharing is as safe there as it is for Reshape. The same goes for a Cast to the
// dtype the input already has (TF.js's Multiply gradient casts its other input: 21 copies in a textures
// gradient), which is what cpu's Cast does too; a replayed gradient then has no call there at all.
import * as tf from '@tensorflow/tfjs';

/** Backends whose Identity copies (used by `useBackend`). */
export const IDENTITY_SHARE_BACKENDS: readonly string[] = ['wasm'];

const originals = new Map<string, Map<string, tf.KernelConfig | undefined>>();

export const identityShareActive = (backendName: string): boolean => originals.has(backendName);

/** Sharing Identity and same-dtype Cast (on = true) or the backend's own (on = false; the bench's stock runs). Returns whether anything changed. */
export function setIdentityShare(backendName: string, on: boolean): boolean {
  if (on === originals.has(backendName)) return false;
  if (!on) {
    const saved = originals.get(backendName)!;
    originals.delete(backendName);
    for (const [name, original] of saved) {
      tf.unregisterKernel(name, backendName);
      if (original) tf.registerKernel(original);
    }
    return true;
  }
  const saved = new Map<string, tf.KernelConfig | undefined>();
  for (const name of ['Identity', 'Cast']) {
    const original = tf.getKernel(name, backendName);
    const fallback = original?.kernelFunc;
    saved.set(name, original);
    if (original) tf.unregisterKernel(name, backendName);
    tf.registerKernel({
      kernelName: name,
      backendName,
      kernelFunc: (args) => {
        const { x } = args.inputs as { x: tf.TensorInfo };
        const same = name === 'Identity' || (args.attrs as { dtype?: string } | undefined)?.dtype === x.dtype;
        if ((x.dtype === 'string' || !same) && fallback) return fallback(args); // strings live outside the heap
        if (!same) throw new Error(`${backendName}: no Cast to convert ${x.dtype}`);
        (args.backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
        return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
      },
    });
  }
  originals.set(backendName, saved);
  return true;
}
