// The wasm accelerator, installed and taken out as one unit: the only part of src/tf that reads TF.js internals
// (./internals.ts checks them first). Every part is an option, on by default; the bench's and tests' comparisons
// pass options instead of flipping switches. Without it the dream runs on stock tfjs-backend-wasm plus the portable
// overrides (src/tf/overrides), several times slower, and acceleratorStatus() says why.
import * as tf from '@tensorflow/tfjs';
import type { Restore } from '../registry';
import { installConvInputGrad } from './conv/input-grad';
import { installDepthwiseInputGrad } from './depthwise/input-grad';
import { installSimdDepthwise } from './depthwise/kernels';
import { installHeapKernels } from './heap/kernels';
import { installIdentityShare } from './heap/share';
import { checkInternals, readInternals, type InternalsView } from './internals';
import { installReplay } from './replay/kernel-replay';

/** The accelerator's parts; each defaults to on. */
export interface AcceleratorOptions {
  /** Element-wise kernels, reductions, copies and the step's update on the heap, SIMD where it runs (./heap). */
  heapKernels?: boolean;
  /** The jitter's affine warp's inside pixels in a generated module rather than JS (./warp; needs heapKernels). */
  wasmWarp?: boolean;
  /** Depthwise convs as SIMD generated per geometry, and strided depthwise input gradients as one scatter (./depthwise). */
  simdDepthwise?: boolean;
  /** Conv2DBackpropInput's accelerated paths: col2im for convs of few input channels, stride phases (./conv). */
  convInputGrad?: boolean;
  /** Strided input gradients as one conv per stride phase instead of over zero-inserted dy (./conv/stride-phases.ts). */
  stridePhases?: boolean;
  /** Identity and same-dtype Cast share their input's data instead of copying it (./heap/share.ts). */
  identityShare?: boolean;
  /** A pure function's kernel calls recorded once and replayed straight against the backend (./replay). */
  replay?: boolean;
}

export const DEFAULT_ACCELERATOR: Required<AcceleratorOptions> = { heapKernels: true, wasmWarp: true, simdDepthwise: true, convInputGrad: true, stridePhases: true, identityShare: true, replay: true };

/** Whether the active backend runs the accelerated kernels, and why not. */
export interface AcceleratorStatus {
  /** The accelerated kernels are installed on the active backend. */
  on: boolean;
  /** Why not, when they are not: switched off, a TF.js internal that the kernels need is missing, or a backend without any. */
  reason: string | null;
}

/** The backend the accelerator is written for. */
const BACKEND = 'wasm';

let installed: { key: string; restore: Restore[] } | null = null;
let offReason: string | null = 'the wasm accelerator has not been installed (src/tf useBackend installs it)';

/** The check of the live TF.js, once per wasm backend instance (its internals do not change while it lives; the
 *  bench installs and removes the accelerator around every stock keyframe). */
const checked = new WeakMap<object, string | null>();
function liveCheck(): string | null {
  const backend = tf.findBackend(BACKEND);
  if (backend == null) return checkInternals(null);
  let why = checked.get(backend);
  if (why === undefined) checked.set(backend, (why = checkInternals(readInternals())));
  return why;
}

function uninstall(): void {
  installed?.restore.reverse().forEach((r) => r());
  installed = null;
}

/**
 * Install the accelerator on the wasm backend (started first) with `options`, or with the same options again
 * change nothing; other options take the parts out and put the asked-for ones in. If the internals check fails
 * (`internals`: what to check instead of the live TF.js, for tests), nothing is installed and the status says why.
 */
export function installWasmAccelerator(options: AcceleratorOptions = {}, internals?: InternalsView | null): AcceleratorStatus {
  const o = { ...DEFAULT_ACCELERATOR, ...options };
  const key = JSON.stringify(o);
  if (installed?.key === key && internals === undefined) return acceleratorStatus();
  uninstall();
  const why = internals === undefined ? liveCheck() : checkInternals(internals);
  if (why) {
    offReason = why;
    return acceleratorStatus();
  }
  const restore: Restore[] = [];
  // In any order: each part goes above the composites beneath it by rank (src/tf/registry.ts), and what builds on
  // the depthwise conv (its input gradient, the fused-conv ops) runs whichever one is on top at each call.
  if (o.simdDepthwise) restore.push(installSimdDepthwise(BACKEND));
  if (o.simdDepthwise || o.stridePhases) restore.push(installDepthwiseInputGrad(BACKEND, { scatter: o.simdDepthwise, phases: o.stridePhases }));
  if (o.convInputGrad) restore.push(installConvInputGrad(BACKEND, { phases: o.stridePhases }));
  if (o.identityShare) restore.push(installIdentityShare(BACKEND));
  if (o.heapKernels) restore.push(installHeapKernels(BACKEND, { wasmWarp: o.wasmWarp }));
  if (o.replay) restore.push(installReplay(BACKEND));
  installed = { key, restore };
  offReason = null;
  return acceleratorStatus();
}

/** Take the accelerator out (stock tfjs-backend-wasm from now on); `reason` is what acceleratorStatus says then. */
export function removeWasmAccelerator(reason = 'the wasm accelerator was switched off (accel=off)'): void {
  uninstall();
  offReason = reason;
}

/** The options the accelerator runs with now, or null when it is not installed. */
export const acceleratorOptions = (): Required<AcceleratorOptions> | null => (installed ? JSON.parse(installed.key) as Required<AcceleratorOptions> : null);

/** Whether the active backend runs the accelerated kernels, and why not, in a sentence a user can act on. */
export function acceleratorStatus(): AcceleratorStatus {
  const backend = tf.getBackend();
  if (backend !== BACKEND) return { on: false, reason: `no accelerated kernels for the '${backend}' backend` };
  return installed ? { on: true, reason: null } : { on: false, reason: offReason };
}
