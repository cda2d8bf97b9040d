export { Hud, type MessageLevel } from './hud';
export { ProductControls, type ControlsOptions } from './controls';
export { resolveShareParams, type ShareParams } from './recipeUrl';
export { SEED_IDS, NOISE_SEED } from './seeds';
export { StatusLine, statusText, statusWhere, restartMessage, keyframeRateText, type StatusFields, type StatusPhase } from './status';
