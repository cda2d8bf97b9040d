// Hooks for the e2e tests and the desktop preview's devtools. Installed only together with the
// emulator (never over a real headset). Reading pixels happens in the frame loop right after the
// render, when the frame's pixels are still in the framebuffer; only on request, never per frame.
import type { Viewer } from './viewer';
import type { Emulator } from './emulation';

export interface PixelProbe {
  /** Points in drawing-buffer fractions, origin top-left. */
  points: [number, number][];
  resolve: (rgba: number[][]) => void;
}

export interface TestHooks {
  [extra: string]: unknown;
  viewer: Viewer;
  emulator: Emulator;
  /** RGBA at each point of the next rendered frame (XR framebuffer while presenting). */
  readPixels(points: [number, number][]): Promise<number[][]>;
  /** The whole next frame, RGBA rows bottom-up as GL gives them, plus its size. */
  readFrame(): Promise<{ width: number; height: number; pixels: number[] }>;
  state(): { presenting: boolean; refSpace: string | null; mode: string; frameCount: number; width: number; height: number };
}

declare global {
  interface Window { __dreamGoggles?: TestHooks }
}

/** Installs the hooks; `extras` (e.g. the stereo screen, the dream client) are exposed beside them. */
export function installTestHooks(viewer: Viewer, emulator: Emulator, extras: Record<string, unknown> = {}): TestHooks {
  const gl = viewer.renderer.getContext();
  const probes: PixelProbe[] = [];
  const frames: ((f: { width: number; height: number; pixels: number[] }) => void)[] = [];
  const px = new Uint8Array(4);
  viewer.onAfterRender(() => {
    if (probes.length === 0 && frames.length === 0) return;
    const w = gl.drawingBufferWidth, h = gl.drawingBufferHeight;
    while (probes.length) {
      const p = probes.shift()!;
      p.resolve(
        p.points.map(([fx, fy]) => {
          const x = Math.min(w - 1, Math.max(0, Math.floor(fx * w)));
          const y = Math.min(h - 1, Math.max(0, Math.floor((1 - fy) * h)));
          gl.readPixels(x, y, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
          return Array.from(px);
        }),
      );
    }
    if (frames.length) {
      const all = new Uint8Array(w * h * 4);
      gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, all);
      const f = { width: w, height: h, pixels: Array.from(all) };
      while (frames.length) frames.shift()!(f);
    }
  });
  const hooks: TestHooks = {
    ...extras,
    viewer,
    emulator,
    readPixels: (points) => new Promise((resolve) => probes.push({ points, resolve })),
    readFrame: () => new Promise((resolve) => frames.push(resolve)),
    state: () => ({
      presenting: viewer.presenting,
      refSpace: viewer.refSpace,
      mode: viewer.mode,
      frameCount: viewer.frameCount,
      width: gl.drawingBufferWidth,
      height: gl.drawingBufferHeight,
    }),
  };
  window.__dreamGoggles = hooks;
  return hooks;
}
