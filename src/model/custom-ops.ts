// The engine's custom graph ops (src/tf: BIAS_RELU6, FUSED_CONV/FUSED_DEPTHWISE, HARD_SWISH/HARD_SIGMOID) must be
// known to TF.js's graph executor, with their gradients, before tf.loadGraphModel maps a compiled graph's nodes.
// Registration is global and happens once; the passes that emit these ops register nothing themselves.
import { registerBiasRelu6, registerFusedConvOps, registerHardSwish } from '../tf';

/** Register every custom op the passes can emit (idempotent: each registers on its first call only). */
export function registerGraphOps(): void {
  registerBiasRelu6();
  registerFusedConvOps();
  registerHardSwish();
}
