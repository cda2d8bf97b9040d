// The TF.js layer's contract for the engines (dream, depth, the worker, Node scripts): backend set-up, portable
// ops with composite fallbacks, the graph's custom ops, program replay, and what the wasm accelerator is doing.
// Nothing outside src/tf imports a file in here other than this one (and file-fetch.ts, Node-only); the page never
// imports src/tf. Inside: ops/ (the ops and their composites), overrides/ (portable gradient overrides and composed
// kernels), accel/ (the wasm accelerator: the only code that reads TF.js internals), registry.ts (how both register).
export {
  chooseBackend, useBackend, softwareWebGL, DEFAULT_CANDIDATES, BACKEND_NAMES, isSoftwareRenderer, parseBackendOverride,
  type BackendChoice, type BackendConfig, type BackendName,
} from './backend';
export { clearChoice, loadChoice, saveChoice } from './backend-cache';
export {
  ascentUpdate, roll, interleave2x2, type ConvPad,
  BIAS_RELU6, biasRelu6, registerBiasRelu6,
  FUSED_CONV, FUSED_DEPTHWISE, fusedConv, registerFusedConvOps, type FusedActivation, type FusedConvAttrs,
  HARD_SIGMOID, HARD_SWISH, hardSigmoid, hardSwish, registerHardSwish,
} from './ops';
export { installOverrides, sweepDerivedFilters, DEFAULT_OVERRIDES, STOCK_OVERRIDES, type OverrideOptions } from './overrides';
export {
  MAX_PROGRAMS, programCount, programKeys, releasePrograms, replayed,
  acceleratorOptions, acceleratorStatus, installWasmAccelerator, removeWasmAccelerator, DEFAULT_ACCELERATOR, type AcceleratorOptions, type AcceleratorStatus,
} from './accel';
