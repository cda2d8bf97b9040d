// The page's XR side: the viewer (renderer, scene, frame loop, flat preview), the dream screen, WebXR
// support and sessions, the headset emulator, drag-look and the page's pause reasons.
export { Viewer, type ViewerOptions, type FrameCallback } from './viewer';
export { DreamScreen, pixelTexture, LEFT_EYE_LAYER, RIGHT_EYE_LAYER } from './screen';
export { screenLayout, screenVertices, DEFAULT_SCREEN_LAYOUT, type ScreenLayout, type ScreenLayoutOptions } from './screenLayout';
export { xrButtonState, xrStateHelp, hasWebGL2, type XRButtonState, type XREnvironment } from './support';
export { emulationChoice, installEmulator, nativeImmersiveVRSupported, EMULATED_DEVICES, type Emulator, type EmulatedDevice } from './emulation';
export { applyDrag, lookQuaternion, bindDragLook, bindViewerLook, type LookAngles, type LookTarget } from './look';
export { pickReferenceSpace, contentHeight, type RefSpaceType } from './session';
export { bindVRButton } from './vrButton';
export { bindLifecycle, type Pausable } from './lifecycle';
export { xrScaleChoice, webglRendererName, emulatedFramebufferSize, SOFTWARE_XR_SCALE, MIN_XR_SCALE, type XrScaleChoice } from './resolution';
