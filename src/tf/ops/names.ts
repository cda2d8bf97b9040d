// Names of the kernels our ops run where a backend has them (the wasm accelerator registers them, src/tf/accel)
// and run as composites of stock TF.js ops where it does not: the contract between src/tf/ops and the kernels.

/** Relu6's gradient dy · (x == y) in one pass: inputs dy, x (Relu6's input) and y (its output); float32 out. */
export const RELU6_GRAD = 'DreamRelu6Grad';
/** Relu6's gradient from its output alone, dy · (0 < y < 6): inputs dy, y (src/tf/ops/fused-conv.ts). */
export const RELU6_OUT_GRAD = 'DreamRelu6OutGrad';
/** A tensor of `shape` filled with x's values repeated in order (x's size divides shape's): Mean's gradient where the
 *  reduced axes lead (the objective's full mean, squeeze-excite's pooling over H,W). */
export const FILL_LIKE = 'DreamFillLike';
/** LeakyRelu's gradient dy · (x > 0 ? 1 : alpha) in one pass (TF.js: Greater + Multiply + SelectV2): inputs dy, x; attr alpha. */
export const LEAKY_RELU_GRAD = 'DreamLeakyReluGrad';
/** relu6(x + bias), bias along the last axis: inputs x, bias (src/tf/ops/bias-relu6.ts). */
export const BIAS_RELU6 = 'DreamBiasRelu6';
/** BIAS_RELU6's gradient dy · (0 ≤ x + bias ≤ 6): inputs dy, x, bias. */
export const BIAS_RELU6_GRAD = 'DreamBiasRelu6Grad';
/** h-swish (x·s)·relu6(x + t), s and t scalars: inputs x, s, t (src/tf/ops/hard-swish.ts). */
export const HARD_SWISH = 'DreamHardSwish';
/** Its gradient with respect to x: inputs dy, x, s, t. */
export const HARD_SWISH_GRAD = 'DreamHardSwishGrad';
/** h-sigmoid s·relu6(x + t), s and t scalars (squeeze-excite's gate): inputs x, s, t (src/tf/ops/hard-swish.ts). */
export const HARD_SIGMOID = 'DreamHardSigmoid';
/** Its gradient with respect to x: inputs dy, x, s, t. */
export const HARD_SIGMOID_GRAD = 'DreamHardSigmoidGrad';
/** Four maps [n,h,w,c] as the output phases of a ×2 upsampling, out[n,2i+a,2j+b] = p_ab[n,i,j] → [n,2h,2w,c]:
 *  inputs p00, p01, p10, p11 (the depth decoder's phase convs, src/depth/unet.ts). */
export const INTERLEAVE_2X2 = 'DreamInterleave2x2';
/** np.roll of an [n,h,w,c] image by attrs dy, dx pixels along H and W (the jitter; src/dream/transforms.ts): input x. */
export const ROLL = 'DreamRoll';
/** The ascent step's update clip(x + g · stepSize / (mean|g| + 1e-8), 0, 1) as one kernel: inputs x, g; attr
 *  stepSize (src/dream/step.ts; the same float32 values as its seven ops on wasm). */
export const ASCENT_UPDATE = 'DreamAscentUpdate';
/** The graph ops (and kernels, where a backend has a fused conv of its own) for a fused Conv2D and a fused
 *  DepthwiseConv2dNative (src/tf/ops/fused-conv.ts). */
export const FUSED_CONV = 'DreamFusedConv2D';
export const FUSED_DEPTHWISE = 'DreamFusedDepthwiseConv2D';
