// The TF.js layer's contract for the engines (dream, depth, the worker, Node scripts): backend set-up, portable
// ops with composite fallbacks, the graph's custom ops, and program replay. Nothing outside src/tf imports a
// file in here other than this one (and file-fetch.ts, Node-only). The page never imports src/tf.
export {
  chooseBackend, useBackend, softwareWebGL, DEFAULT_CANDIDATES, BACKEND_NAMES, isSoftwareRenderer, parseBackendOverride,
  type BackendChoice, type BackendConfig, type BackendName,
} from './backend';
export { clearChoice, loadChoice, saveChoice } from './backend-cache';
export { ascentUpdate, roll, interleave2x2, type ConvPad } from './ops';
export { BIAS_RELU6, biasRelu6, registerBiasRelu6 } from './bias-relu6';
export { FUSED_CONV, FUSED_DEPTHWISE, fusedConv, registerFusedConvOps, type FusedActivation, type FusedConvAttrs } from './fused-conv';
export { HARD_SIGMOID, HARD_SWISH, hardSigmoid, hardSwish, registerHardSwish } from './hard-swish';
export { MAX_PROGRAMS, programCount, programKeys, releasePrograms, replayed } from './replay-cache';
export { sweepDerivedFilters } from './kernel-compose';
export { acceleratorStatus, type AcceleratorStatus } from './accelerator-status';
