export * from './calibration';
export * from './modes';
export * from './playback';
export * from './comfort';
export { StereoScreen, type StereoKeyframe } from './stereoScreen';
export { KeyframeFeed, type DreamKeyframeLike } from './feed';
export { LiveDream, DEFAULT_LIVE_DREAM_OPTIONS, type DreamSource, type LiveDreamOptions } from './live';
export * from './meshDepth';
