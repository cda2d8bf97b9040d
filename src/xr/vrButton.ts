// Wires the Enter-VR button to the viewer (the three.js VRButton life cycle, with our states).
import { xrButtonState, xrStateHelp, type XRButtonState } from './support';
import type { Viewer } from './viewer';

export interface VRButtonView {
  vrButton: HTMLButtonElement;
  setVRState(state: XRButtonState): void;
  message(level: 'info' | 'warning' | 'error', text: string, key?: string): void;
  clearMessage(key: string): void;
}

export async function bindVRButton(view: VRButtonView, viewer: Viewer): Promise<XRButtonState> {
  const xr = navigator.xr;
  let supported: boolean | undefined;
  if (xr) {
    try {
      supported = await xr.isSessionSupported('immersive-vr');
    } catch {
      supported = false;
    }
  }
  let state = xrButtonState({ isSecureContext: window.isSecureContext, hasNavigatorXR: !!xr, immersiveVRSupported: supported });
  const show = (s: XRButtonState) => {
    state = s;
    view.setVRState(s);
    const help = xrStateHelp(s);
    if (help) view.message(s === 'VR NOT ALLOWED' ? 'warning' : 'info', help, 'xr'); else view.clearMessage('xr');
  };
  show(state);
  viewer.renderer.xr.addEventListener('sessionstart', () => show('EXIT VR'));
  viewer.renderer.xr.addEventListener('sessionend', () => show('ENTER VR'));
  view.vrButton.addEventListener('click', async () => {
    if (state === 'EXIT VR') {
      await viewer.exitVR();
      return;
    }
    if (state !== 'ENTER VR' && state !== 'VR NOT ALLOWED') return;
    show('STARTING…');
    try {
      await viewer.enterVR();
    } catch (err) {
      console.warn('immersive-vr session refused', err);
      show('VR NOT ALLOWED');
    }
  });
  return state;
}
