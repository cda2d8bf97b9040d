// tfjs-backend-wasm 4.22's Identity copies its input into a new buffer. Converted graphs are full of Identity
// nodes (~124 per forward pass of a crowds step), so every step copied weights and activations for nothing.
// This Identity shares the input's data and bumps its reference count, as wasm's own Reshape does: no kernel
// writes into its inputs, so sharing is as safe there as it is for Reshape. The same goes for a Cast to the
// dtype the input already has (TF.js's Multiply gradient casts its other input: 21 copies in a textures
// gradient), which is what cpu's Cast does too; a replayed gradient then has no call there at all.
import * as tf from '@tensorflow/tfjs';
import { overrideKernel, RANK, type Restore } from '../../registry';
import { wasmBackend } from '../internals';

/** Sharing Identity and same-dtype Cast on `backendName`; returns what puts the backend's own back. */
export function installIdentityShare(backendName: string): Restore {
  const restore = ['Identity', 'Cast'].map((name) => overrideKernel(backendName, name, (own) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const same = name === 'Identity' || (args.attrs as { dtype?: string } | undefined)?.dtype === x.dtype;
    if ((x.dtype === 'string' || !same) && own) return own(args); // strings live outside the heap
    if (!same) throw new Error(`${backendName}: no Cast to convert ${x.dtype}`);
    wasmBackend(args.backend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  }, RANK.accelerated));
  return () => restore.reverse().forEach((r) => r());
}
