// What src/tf puts over stock TF.js on every backend, none of it reading TF.js internals: cheaper gradients for
// Relu6, Mean and LeakyRelu; the depthwise input gradient a backend lacks; Conv2DBackpropInput as a forward conv
// where the backend's own is slow; the graphs' fused-conv ops as the backend's own fused kernels. Each is a small
// file, registered through src/tf/registry.ts and installed here by one call; the wasm accelerator (src/tf/accel)
// goes above these.
import { FUSED_CONV_BACKENDS, installFusedConvKernels } from '../ops/fused-conv';
import type { Restore } from '../registry';
import { CONV_INPUT_GRAD_AS_CONV_BACKENDS, installConvInputGradAsConv } from './conv-input-grad';
import { installDepthwiseInputGrad } from './depthwise-input-grad';
import { overrideLeakyReluGrad } from './leaky-relu';
import { overrideMeanGrad } from './mean';
import { overrideRelu6Grad } from './relu6';

/** What to install; every option defaults to on. Off = stock TF.js for that part (the bench's comparisons). */
export interface OverrideOptions {
  /** Relu6's gradient in 3 kernels instead of 6 (relu6.ts). Gradients are global: this applies to every backend. */
  relu6Grad?: boolean;
  /** Mean's gradient without a JS-side tensor of ones (mean.ts). Global. */
  meanGrad?: boolean;
  /** LeakyRelu's gradient in one kernel where the backend has it (leaky-relu.ts). Global. */
  leakyReluGrad?: boolean;
  /** Conv2DBackpropInput as a forward conv, on the backends where that is faster (wasm; conv-input-grad.ts). */
  convInputGradAsConv?: boolean;
  /** The fused-conv graph ops as the backend's own fused kernels (wasm, webgl; src/tf/ops/fused-conv.ts). */
  fusedConvKernels?: boolean;
}

export const DEFAULT_OVERRIDES: Required<OverrideOptions> = { relu6Grad: true, meanGrad: true, leakyReluGrad: true, convInputGradAsConv: true, fusedConvKernels: true };
/** Every option off: stock TF.js, but for the kernels a backend lacks (without them it cannot dream). */
export const STOCK_OVERRIDES: Required<OverrideOptions> = { relu6Grad: false, meanGrad: false, leakyReluGrad: false, convInputGradAsConv: false, fusedConvKernels: false };

const GRADIENTS = { relu6Grad: overrideRelu6Grad, meanGrad: overrideMeanGrad, leakyReluGrad: overrideLeakyReluGrad } as const;
const gradients = new Map<keyof typeof GRADIENTS, Restore>();
const kernels = new Map<string, { key: string; restore: Restore[] }>();

/**
 * Install the overrides `options` asks for on `backendName` and take out those it does not (the gradients for every
 * backend). Idempotent: the same options again change nothing. A composed kernel whose building blocks the backend
 * lacks is left out: the backend keeps its own, or has none (then the dream's warm-up step fails on it, and
 * chooseBackend passes it over).
 */
export function installOverrides(backendName: string, options: OverrideOptions = {}): void {
  const o = { ...DEFAULT_OVERRIDES, ...options };
  for (const [name, override] of Object.entries(GRADIENTS) as [keyof typeof GRADIENTS, () => Restore][]) {
    if (o[name] && !gradients.has(name)) gradients.set(name, override());
    else if (!o[name] && gradients.has(name)) { gradients.get(name)!(); gradients.delete(name); }
  }
  const key = JSON.stringify([o.convInputGradAsConv, o.fusedConvKernels]);
  const now = kernels.get(backendName);
  if (now?.key === key) return;
  now?.restore.reverse().forEach((r) => r());
  kernels.delete(backendName);
  const restore: Restore[] = [];
  const install = (wanted: boolean, part: () => Restore | null) => {
    if (!wanted) return;
    try { const r = part(); if (r) restore.push(r); } catch { /* a building block is missing: see above */ }
  };
  install(true, () => installDepthwiseInputGrad(backendName));
  install(o.convInputGradAsConv && CONV_INPUT_GRAD_AS_CONV_BACKENDS.includes(backendName), () => installConvInputGradAsConv(backendName));
  install(o.fusedConvKernels && FUSED_CONV_BACKENDS.includes(backendName), () => installFusedConvKernels(backendName));
  kernels.set(backendName, { key, restore });
}

export { sweepDerivedFilters } from './compose';
