// The page's own interface: the heads-up display and status line, the desktop panel and in-VR buttons,
// seeds, capture and the share link.
export { Hud, type MessageLevel } from './hud';
export { ProductControls, type ControlsOptions, type StereoLike, type DreamLike } from './controls';
export type { PanelState } from './panel';
export { decodeShareParams, encodeShareParams, type ShareParams, type ShareWarning } from './recipeUrl';
export { SEED_IDS, NOISE_SEED } from './seeds';
export { StatusLine, statusText, statusWhere, restartMessage, keyframeRateText, type StatusFields, type StatusPhase } from './status';
