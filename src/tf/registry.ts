// Our kernels and gradients registered over TF.js's, and TF.js's put back: the one mechanism behind the
// gradient overrides (src/tf/overrides) and the wasm accelerator (src/tf/accel). TF.js keeps one kernel per
// (backend, name) and one gradient per kernel name, globally; this module keeps what it replaced so that every
// override can be taken out again (the bench's stock runs, `?accel=off`, tests comparing a fast path with its
// composite), in any order.
import * as tf from '@tensorflow/tfjs';

export type Info = tf.TensorInfo;
/** A kernel function as the composed kernels call one: inputs, the backend, attributes. */
export type KernelFn = (args: { inputs: Record<string, Info>; backend: tf.KernelBackend; attrs?: Record<string, unknown> }) => Info | Info[];
/** Takes an override out again (idempotent). */
export type Restore = () => void;

/** Where an override sits among others of the same kernel: accelerated paths above the composites they fall back to. */
export const RANK = { composite: 0, accelerated: 1 } as const;

interface Layer { rank: number; fn: tf.KernelFunc; next: tf.KernelFunc | undefined }
/** Per (backend, kernel): the backend's own registration and our layers, bottom first. */
interface Stack { own: tf.KernelConfig | undefined; layers: Layer[] }
const stacks = new Map<string, Stack>();
const keyOf = (backendName: string, kernelName: string) => `${backendName}/${kernelName}`;

function registerTop(backendName: string, kernelName: string, s: Stack): void {
  if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
  const top = s.layers[s.layers.length - 1];
  if (top) tf.registerKernel({ kernelName, backendName, kernelFunc: top.fn });
  else if (s.own) tf.registerKernel(s.own);
}

/**
 * Register `make(next)` as `kernelName` on `backendName`, above our overrides of a lower or equal `rank` and below
 * higher ones. `next` runs what lies beneath (an override of ours or the backend's own kernel) for the cases ours
 * leaves; it is undefined where nothing lies beneath. Returns the function that takes this override out: what was
 * beneath comes back, and whatever lies above falls through to it from then on.
 */
export function overrideKernel(backendName: string, kernelName: string, make: (next: tf.KernelFunc | undefined) => tf.KernelFunc, rank: number = RANK.composite): Restore {
  const key = keyOf(backendName, kernelName);
  let s = stacks.get(key);
  if (!s) stacks.set(key, (s = { own: tf.getKernel(kernelName, backendName), layers: [] }));
  const stack = s;
  let at = stack.layers.findIndex((l) => l.rank > rank);
  if (at < 0) at = stack.layers.length;
  const below = () => (at > 0 ? stack.layers[at - 1].fn : stack.own?.kernelFunc);
  const layer: Layer = { rank, fn: null as unknown as tf.KernelFunc, next: below() };
  layer.fn = make(layer.next ? (args) => layer.next!(args) : undefined);
  stack.layers.splice(at, 0, layer);
  if (at + 1 < stack.layers.length) stack.layers[at + 1].next = layer.fn;
  registerTop(backendName, kernelName, stack);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    const i = stack.layers.indexOf(layer);
    stack.layers.splice(i, 1);
    if (i < stack.layers.length) stack.layers[i].next = layer.next;
    registerTop(backendName, kernelName, stack);
    if (stack.layers.length === 0) stacks.delete(key);
  };
}

/** Whether an override of ours is registered for `kernelName` on `backendName` now. */
export const isOverridden = (backendName: string, kernelName: string): boolean => stacks.has(keyOf(backendName, kernelName));

/**
 * The backend's own `kernelName` (beneath every override of ours), as a composed kernel's building block; throws,
 * naming what is missing and what needed it, where the backend has none.
 */
export function ownKernel(backendName: string, kernelName: string, neededFor: string): KernelFn {
  const s = stacks.get(keyOf(backendName, kernelName));
  const k = s ? s.own : tf.getKernel(kernelName, backendName);
  if (k == null) throw new Error(`${backendName} lacks kernel ${kernelName}, needed for ${neededFor}`);
  return k.kernelFunc as unknown as KernelFn;
}

/** Whether the backend itself (beneath any override of ours) has `kernelName`. */
export function hasOwnKernel(backendName: string, kernelName: string): boolean {
  const s = stacks.get(keyOf(backendName, kernelName));
  return (s ? s.own : tf.getKernel(kernelName, backendName)) != null;
}

/**
 * A function that runs whatever `kernelName` on `backendName` is at the time of each call: our top override, or
 * the backend's own (looked up now). For building blocks that an accelerated kernel may replace later (the
 * depthwise conv inside the depthwise input gradient). It never goes through TF.js's registry at call time, so a
 * kernel recording (src/tf/accel/replay) sees only the outer call.
 */
export function currentKernel(backendName: string, kernelName: string, neededFor: string): KernelFn {
  const key = keyOf(backendName, kernelName);
  const own = ownKernel(backendName, kernelName, neededFor);
  return (args) => {
    const s = stacks.get(key);
    const f = s ? s.layers[s.layers.length - 1].fn as unknown as KernelFn : own;
    return f(args);
  };
}

/** Whether the active backend has kernel `name` now (ours or its own). */
export const hasKernel = (name: string): boolean => tf.getKernel(name, tf.getBackend()) != null;

/**
 * Register `make(own)` as the gradient of `kernelName` (`own`: TF.js's, undefined where it has none). Gradients are
 * global in TF.js, not per backend. Returns the function that puts TF.js's back.
 */
export function overrideGradient(kernelName: string, make: (own: tf.GradConfig | undefined) => tf.GradConfig): Restore {
  const own = tf.getGradient(kernelName);
  tf.registerGradient(make(own));
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (own) tf.registerGradient(own);
    else tf.unregisterGradient(kernelName);
  };
}

/** `register` (graph ops and their gradients: global registries) run on the first call only; each call answers
 *  whether it ran now. */
export function registerOnce(register: () => void): () => boolean {
  let done = false;
  return () => {
    if (done) return false;
    done = true;
    register();
    return true;
  };
}
