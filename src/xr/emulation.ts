// Desktop headset emulation with Meta's IWER. Installed only when no real immersive-vr runtime
// exists (or ?emulate=quest3 asks for it), and loaded with a dynamic import so a real headset
// never downloads the emulator.
import type { XRDevice } from 'iwer';

export const EMULATED_DEVICES = ['quest3'] as const;
export type EmulatedDevice = (typeof EMULATED_DEVICES)[number];

export interface EmulationDecisionInput {
  /** What the page's configuration asks (`?emulate=`, src/app/config.ts): a device, 'off', or null = decide here. */
  asked: EmulatedDevice | 'off' | null;
  /** Whether the browser's own navigator.xr reports immersive-vr support. */
  nativeImmersiveVR: boolean;
  /**
   * window.isSecureContext (default true). Over plain http:// on a LAN address a headset's browser hides
   * navigator.xr: emulating then would hide the real fix (HTTPS) behind a fake headset.
   */
  secureContext?: boolean;
}

/**
 * Decide whether to install the emulator. A device asked for is installed, 'off' forbids it; otherwise
 * it is installed exactly when no native immersive-vr is offered in a secure context.
 */
export function emulationChoice({ asked, nativeImmersiveVR, secureContext = true }: EmulationDecisionInput): EmulatedDevice | null {
  if (asked === 'off') return null;
  if (asked !== null) return asked;
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

/**
 * IWER clears the app's framebuffer at every emulated frame and, around that, reads the clear colour,
 * depth and stencil back with `getParameter` to restore them. In Chromium each of those calls is a
 * synchronous round trip to the GPU process that waits for everything queued before it (the previous
 * frame's drawing): on a software rasteriser that wait took most of the main thread's time, and every
 * frame became a long task. The clear values only change through `clearColor`/`clearDepth`/
 * `clearStencil` on this context, so this shadows them here (from WebGL's defaults) and answers those
 * three queries from the shadow; all other queries go to the context. Emulation only: a real headset
 * never runs IWER. The colour answer is a new Float32Array, as from GL: IWER calls clearColor between
 * reading it and restoring from it, so a shared array would restore its own transparent black.
 */
export function shadowClearState(gl: WebGLRenderingContext | WebGL2RenderingContext): void {
  const g = gl as WebGL2RenderingContext & { __clearShadow?: true };
  if (g.__clearShadow) return;
  g.__clearShadow = true;
  const color = new Float32Array([0, 0, 0, 0]);
  let depth = 1;
  let stencil = 0;
  const clearColor = gl.clearColor.bind(gl), clearDepth = gl.clearDepth.bind(gl), clearStencil = gl.clearStencil.bind(gl);
  const getParameter = gl.getParameter.bind(gl);
  const COLOR = gl.COLOR_CLEAR_VALUE, DEPTH = gl.DEPTH_CLEAR_VALUE, STENCIL = gl.STENCIL_CLEAR_VALUE;
  g.clearColor = (r: number, gr: number, b: number, a: number) => {
    clearColor(r, gr, b, a);
    // GL clamps the stored values to [0, 1] for fixed-point framebuffers and WebGL reports them clamped.
    color[0] = Math.min(1, Math.max(0, r)); color[1] = Math.min(1, Math.max(0, gr));
    color[2] = Math.min(1, Math.max(0, b)); color[3] = Math.min(1, Math.max(0, a));
  };
  g.clearDepth = (d: number) => { clearDepth(d); depth = Math.min(1, Math.max(0, d)); };
  g.clearStencil = (s: number) => { clearStencil(s); stencil = s; };
  // A restored context starts from GL's defaults again.
  (gl.canvas as EventTarget | null)?.addEventListener?.('webglcontextrestored', () => { color.fill(0); depth = 1; stencil = 0; });
  g.getParameter = (pname: number) => {
    if (pname === COLOR) return Float32Array.from(color);
    if (pname === DEPTH) return depth;
    if (pname === STENCIL) return stencil;
    return getParameter(pname);
  };
}
