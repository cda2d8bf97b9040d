// Depth: monocular depth for dream keyframes (trained in training/depth, weights in models/depth).
export type { DepthEstimator, DepthEstimatorConfig } from './estimator.ts';
export {
  createDepthEstimator, validateDepthEstimatorConfig, disparityToDepth,
  DEFAULT_DEPTH_ESTIMATOR_CONFIG, DEFAULT_DEPTH_MODEL_URL,
} from './estimator.ts';
export type { DepthStabilizer, DepthStabilizerConfig, ZoomStep } from './stabilizer.ts';
export { createDepthStabilizer, validateDepthStabilizerConfig, warpByZoom, DEFAULT_DEPTH_STABILIZER_CONFIG } from './stabilizer.ts';
export type { DepthCadence, DepthCadenceConfig } from './cadence.ts';
export { budgetedDepth, createDepthCadence, validateDepthCadenceConfig, DEFAULT_DEPTH_CADENCE_CONFIG } from './cadence.ts';
export type { DepthNet, DepthModelManifest } from './unet.ts';
export { loadDepthNet, createDepthNet, DEPTH_MODEL_FORMAT } from './unet.ts';
