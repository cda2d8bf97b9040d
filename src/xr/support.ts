// What the Enter-VR button says. Environment problems are states the user sees, not exceptions
// (three.js VRButton's habit): browsers hide navigator.xr outside secure contexts, so a headset
// opening http://192.168.x.y sees "no WebXR" where the real fix is HTTPS.

export type XRButtonState =
  | 'CHECKING'
  | 'WEBXR NEEDS HTTPS'
  | 'WEBXR NOT AVAILABLE'
  | 'VR NOT SUPPORTED'
  | 'ENTER VR'
  | 'STARTING…'
  | 'EXIT VR'
  | 'VR NOT ALLOWED';

export interface XREnvironment {
  isSecureContext: boolean;
  hasNavigatorXR: boolean;
  /** Result of isSessionSupported('immersive-vr'); undefined while the promise is pending. */
  immersiveVRSupported?: boolean;
}

/** The button's state before any session: a pure function of the environment. */
export function xrButtonState(env: XREnvironment): XRButtonState {
  if (!env.hasNavigatorXR) return env.isSecureContext ? 'WEBXR NOT AVAILABLE' : 'WEBXR NEEDS HTTPS';
  if (env.immersiveVRSupported === undefined) return 'CHECKING';
  return env.immersiveVRSupported ? 'ENTER VR' : 'VR NOT SUPPORTED';
}

/** One sentence for the status line explaining a state the user cannot act on with the button. */
export function xrStateHelp(state: XRButtonState): string | null {
  switch (state) {
    case 'WEBXR NEEDS HTTPS':
      return 'WebXR needs a secure context: open the viewer over https:// (npm start -- --host serves HTTPS on the LAN) or on localhost.';
    case 'WEBXR NOT AVAILABLE':
      return 'This browser has no WebXR. The flat preview still works; add ?emulate=quest3 for an emulated headset.';
    case 'VR NOT SUPPORTED':
      return 'No VR headset was found. Use the flat preview, or add ?emulate=quest3 for an emulated headset.';
    case 'VR NOT ALLOWED':
      return 'The browser refused the VR session (permission or another session running). Try again.';
    default:
      return null;
  }
}

/** Can this browser create a WebGL2 context? Checked before three.js is asked for one. */
export function hasWebGL2(doc: Document = document): boolean {
  try {
    const gl = doc.createElement('canvas').getContext('webgl2');
    if (!gl) return false;
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return true;
  } catch {
    return false;
  }
}
