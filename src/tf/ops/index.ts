// The ops src/tf gives the engines, each with a composite of stock TF.js ops that runs where the active backend
// lacks the fast kernel: the portable ops domain code calls, and the graph's custom ops (registered with the graph
// converter, folded into graphs at load time by src/model/passes.ts).
export { ascentUpdate, roll, interleave2x2, type ConvPad } from './portable';
export { biasRelu6, registerBiasRelu6 } from './bias-relu6';
export { attrsFromNode, fusedConv, installFusedConvKernels, registerFusedConvOps, FUSED_ACTIVATIONS, FUSED_CONV_BACKENDS, type FusedActivation, type FusedConvAttrs } from './fused-conv';
export { hardSigmoid, hardSwish, registerHardSwish } from './hard-swish';
export * from './names';
