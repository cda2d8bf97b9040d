import { describe, it, expect } from 'vitest';
import { emulationChoice, nativeImmersiveVRSupported } from '../../../src/xr/emulation';

describe('emulationChoice', () => {
  it('emulates only when no native immersive-vr exists', () => {
    expect(emulationChoice({ search: '', nativeImmersiveVR: false })).toBe('quest3');
    expect(emulationChoice({ search: '', nativeImmersiveVR: true })).toBeNull();
  });
  it('does not emulate by itself on an insecure page (http:// on a LAN address): the page says HTTPS instead', () => {
    expect(emulationChoice({ search: '', nativeImmersiveVR: false, secureContext: false })).toBeNull();
    expect(emulationChoice({ search: '?emulate=quest3', nativeImmersiveVR: false, secureContext: false })).toBe('quest3');
  });
  it('honours ?emulate=quest3 and ?emulate=off', () => {
    expect(emulationChoice({ search: '?emulate=quest3', nativeImmersiveVR: true })).toBe('quest3');
    expect(emulationChoice({ search: '?emulate=off', nativeImmersiveVR: false })).toBeNull();
    expect(() => emulationChoice({ search: '?emulate=vive', nativeImmersiveVR: false })).toThrow('Unknown ?emulate=vive');
  });
});

describe('nativeImmersiveVRSupported', () => {
  it('is false without navigator.xr or when the query throws', async () => {
    expect(await nativeImmersiveVRSupported(undefined)).toBe(false);
    const throwing = { isSessionSupported: () => Promise.reject(new Error('SecurityError')) } as unknown as XRSystem;
    expect(await nativeImmersiveVRSupported(throwing)).toBe(false);
    const yes = { isSessionSupported: async () => true } as unknown as XRSystem;
    expect(await nativeImmersiveVRSupported(yes)).toBe(true);
  });
});
