// Stereo: the dream keyframes as two eyes' views (StereoScreen, the zoom, the comfort governor), the stereo
// methods that draw them, the flat preview modes and the calibration pattern.
export * from './calibration';
export * from './modes';
export * from './playback';
export * from './comfort';
export { StereoScreen, type StereoKeyframe } from './stereoScreen';
export { KeyframeFeed, type DreamKeyframeLike } from './feed';
export { LiveDream, DEFAULT_LIVE_DREAM_OPTIONS, type DreamSource, type LiveDreamOptions } from './live';
export * from './meshDepth';
export {
  STEREO_METHODS, DEFAULT_STEREO_METHOD, parseStereoMethod,
  type StereoMethodName, type StereoMethod, type StereoSurface, type StereoView,
} from './stereoMethod';
export { WarpStereoMethod } from './warpMethod';
export { MeshStereoMethod } from './meshMethod';
export { createStereoMethod, StereoMethodSwitch } from './methods';
