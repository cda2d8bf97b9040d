// Gaze steering: what the person points at on the dream screen becomes the zoom focus.
export { rayHitScreen, screenPoint, type ScreenUV, type Vec3Like } from './hit';
export {
  FocusSmoother, validateFocusSmootherConfig, shapeTarget, springStep, DEFAULT_FOCUS_SMOOTHER_CONFIG,
  DEFAULT_TIME_CONSTANT_SEC, DEFAULT_DEAD_ZONE, DEFAULT_FOCUS_MARGIN, type FocusSmootherConfig, type FocusUV,
} from './smoothing';
export { selectSource, MotionDetector, type GazeSourceKind, type SourceInputs } from './sources';
export { ScreenRay, refToWorld, type GazeSource, type GazeFrame, type SteeringKind, type ScreenShape } from './gazeSource';
export { HeadRaySource } from './headRay';
export { ControllerRaySource, type ControllerRayOptions } from './controllerRay';
export { TransientPointerSource } from './transientPointer';
export { MouseHoverSource } from './mouseHover';
export {
  GazeController, createGazeController, createGazeSources, validateGazeConfig, DEFAULT_GAZE_CONFIG, DEFAULT_CONTROLLER_MOTION_DEG,
  DEFAULT_CONTROLLER_MOTION_WINDOW_SEC, DEFAULT_EMIT_INTERVAL_SEC, DEFAULT_EMIT_MIN_DISTANCE,
  type GazeConfig, type GazeControllerOptions, type GazeState, type FocusListener,
} from './controller';
export { FocusMarker } from './marker';
