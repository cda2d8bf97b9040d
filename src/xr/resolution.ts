// Resolution of the XR framebuffer. A headset's browser draws the eyes on its GPU at the size it
// recommends (scale 1). Where WebGL is a software rasteriser — the emulated headset on a machine
// without a GPU — every pixel is drawn by the CPU, the frame rate follows the pixel count, and the
// dream worker competes for the same cores: there the eyes are drawn at half size in each direction
// (a quarter of the pixels) and scaled up, as headsets' own dynamic resolution does under load.
// `?xrScale=` (0.25–1, validated by src/app/config.ts) overrides the choice either way.
import { isSoftwareRenderer } from '../platform';
export { webglRendererName } from '../platform';

export const SOFTWARE_XR_SCALE = 0.5;
export const MIN_XR_SCALE = 0.25;

export interface XrScaleChoice {
  scale: number;
  /** Why: 'asked' (?xrScale=), 'software' (a CPU rasteriser) or 'default'. */
  reason: 'asked' | 'software' | 'default';
}

/** `asked`: the page's validated ?xrScale= (MIN_XR_SCALE…1), or null to choose from the renderer. */
export function xrScaleChoice(asked: number | null, rendererName: string | null): XrScaleChoice {
  if (asked !== null) return { scale: asked, reason: 'asked' };
  const software = rendererName !== null && isSoftwareRenderer(rendererName);
  return { scale: software ? SOFTWARE_XR_SCALE : 1, reason: software ? 'software' : 'default' };
}

/** Canvas size an emulated headset's framebuffer should have for a window of w × h CSS pixels. */
export function emulatedFramebufferSize(w: number, h: number, scale: number, out: [number, number]): [number, number] {
  out[0] = Math.max(2, Math.round(w * scale));
  out[1] = Math.max(2, Math.round(h * scale));
  return out;
}
