export { Viewer, type ViewerOptions, type FrameCallback } from './viewer';
export { DreamScreen, pixelTexture, LEFT_EYE_LAYER, RIGHT_EYE_LAYER } from './screen';
export { screenLayout, screenVertices, DEFAULT_SCREEN_LAYOUT, type ScreenLayout, type ScreenLayoutOptions } from './screenLayout';
export { xrButtonState, xrStateHelp, hasWebGL2, type XRButtonState, type XREnvironment } from './support';
export { emulationChoice, installEmulator, nativeImmersiveVRSupported, type Emulator, type EmulatedDevice } from './emulation';
export { applyDrag, lookQuaternion, bindDragLook, type LookAngles } from './look';
export { pickReferenceSpace, contentHeight, type RefSpaceType } from './session';
export { bindVRButton } from './vrButton';
export { installTestHooks, type TestHooks } from './testHooks';
