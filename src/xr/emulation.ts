// Desktop headset emulation with Meta's IWER. Installed only when no real immersive-vr runtime
// exists (or ?emulate=quest3 asks for it), and loaded with a dynamic import so a real headset
// never downloads the emulator.
import type { XRDevice } from 'iwer';

export const EMULATED_DEVICES = ['quest3'] as const;
export type EmulatedDevice = (typeof EMULATED_DEVICES)[number];

export interface EmulationDecisionInput {
  /** location.search of the page. */
  search: string;
  /** Whether the browser's own navigator.xr reports immersive-vr support. */
  nativeImmersiveVR: boolean;
  /**
   * window.isSecureContext (default true). Over plain http:// on a LAN address a headset's browser hides
   * navigator.xr: emulating then would hide the real fix (HTTPS) behind a fake headset.
   */
  secureContext?: boolean;
}

/**
 * Decide whether to install the emulator. `?emulate=quest3` forces it, `?emulate=off` forbids it;
 * otherwise it is installed exactly when no native immersive-vr is offered in a secure context.
 */
export function emulationChoice({ search, nativeImmersiveVR, secureContext = true }: EmulationDecisionInput): EmulatedDevice | null {
  const asked = new URLSearchParams(search).get('emulate');
  if (asked === 'off' || asked === 'none') return null;
  if (asked !== null) {
    const name = asked.toLowerCase();
    if ((EMULATED_DEVICES as readonly string[]).includes(name)) return name as EmulatedDevice;
    throw new Error(`Unknown ?emulate=${asked}: supported are ${EMULATED_DEVICES.join(', ')} or off`);
  }
  return nativeImmersiveVR || !secureContext ? null : 'quest3';
}

/** Does the browser offer immersive-vr natively (before any emulator)? Never throws. */
export async function nativeImmersiveVRSupported(xr: XRSystem | undefined): Promise<boolean> {
  if (!xr) return false;
  try {
    return await xr.isSessionSupported('immersive-vr');
  } catch {
    return false;
  }
}

export interface Emulator {
  device: XRDevice;
  name: EmulatedDevice;
}

/** Installs IWER's Quest 3 over navigator.xr. Must run before the three.js renderer is created. */
export async function installEmulator(name: EmulatedDevice): Promise<Emulator> {
  const { XRDevice, metaQuest3 } = await import('iwer');
  // stereoEnabled: without it the right eye gets a zero-width viewport.
  const device = new XRDevice(metaQuest3, { stereoEnabled: true });
  // forceInstall: Chromium exposes a native navigator.xr, and IWER otherwise declines to install.
  device.installRuntime({ forceInstall: true });
  device.position.set(0, 1.6, 0);
  return { device, name };
}
