import { describe, it, expect } from 'vitest';
import { xrButtonState, xrStateHelp } from '../../../src/xr/support';

describe('xrButtonState', () => {
  it('explains HTTPS when an insecure page hides navigator.xr', () => {
    expect(xrButtonState({ isSecureContext: false, hasNavigatorXR: false })).toBe('WEBXR NEEDS HTTPS');
    expect(xrStateHelp('WEBXR NEEDS HTTPS')).toBe('WebXR needs a secure context: open the viewer over https:// (npm start -- --host serves HTTPS on the LAN) or on localhost.');
    // A secure page without navigator.xr is a browser without WebXR, not an HTTPS problem.
    expect(xrButtonState({ isSecureContext: true, hasNavigatorXR: false })).not.toBe('WEBXR NEEDS HTTPS');
  });
  it('distinguishes no WebXR, checking, unsupported and ready', () => {
    expect(xrButtonState({ isSecureContext: true, hasNavigatorXR: false })).toBe('WEBXR NOT AVAILABLE');
    expect(xrButtonState({ isSecureContext: true, hasNavigatorXR: true })).toBe('CHECKING');
    expect(xrButtonState({ isSecureContext: true, hasNavigatorXR: true, immersiveVRSupported: false })).toBe('VR NOT SUPPORTED');
    expect(xrButtonState({ isSecureContext: true, hasNavigatorXR: true, immersiveVRSupported: true })).toBe('ENTER VR');
    expect(xrStateHelp('ENTER VR')).toBeNull();
    expect(xrStateHelp('VR NOT SUPPORTED')).toMatch(/emulate=quest3/);
  });
});
