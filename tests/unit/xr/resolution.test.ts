import { describe, expect, it } from 'vitest';
import { emulatedFramebufferSize, webglRendererName, xrScaleChoice, SOFTWARE_XR_SCALE } from '../../../src/xr/resolution';

const SWIFTSHADER = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const GPU = 'ANGLE (Qualcomm, Adreno (TM) 740, OpenGL ES 3.2)';

describe('xrScaleChoice', () => {
  it('draws at the device size on a GPU and at half size on a software rasteriser', () => {
    expect(xrScaleChoice(null, GPU)).toEqual({ scale: 1, reason: 'default' });
    expect(xrScaleChoice(null, SWIFTSHADER)).toEqual({ scale: SOFTWARE_XR_SCALE, reason: 'software' });
    expect(SOFTWARE_XR_SCALE).toBe(0.5);
    expect(xrScaleChoice(null, null)).toEqual({ scale: 1, reason: 'default' }); // unknown: assume a GPU
  });

  it('?xrScale= (validated by the page config, tests/unit/app/config.test.ts) overrides it either way', () => {
    expect(xrScaleChoice(1, SWIFTSHADER)).toEqual({ scale: 1, reason: 'asked' });
    expect(xrScaleChoice(0.75, GPU)).toEqual({ scale: 0.75, reason: 'asked' });
    expect(xrScaleChoice(0.25, GPU).scale).toBe(0.25);
  });
});

describe('emulatedFramebufferSize', () => {
  it('scales the window size, rounds, and never goes below 2 px', () => {
    const out: [number, number] = [0, 0];
    expect(emulatedFramebufferSize(1280, 720, 0.5, out)).toEqual([640, 360]);
    expect(emulatedFramebufferSize(1281, 719, 0.5, out)).toEqual([641, 360]);
    expect(emulatedFramebufferSize(3, 1, 0.25, out)).toEqual([2, 2]);
    expect(emulatedFramebufferSize(1280, 720, 0.5, out)).toBe(out); // writes into out: no allocation per frame
  });
});

describe('webglRendererName', () => {
  const gl = (ext: boolean, fail = false) => ({
    RENDERER: 0x1f01,
    getExtension: (n: string) => (ext && n === 'WEBGL_debug_renderer_info' ? { UNMASKED_RENDERER_WEBGL: 0x9246 } : null),
    getParameter: (p: number) => { if (fail) throw new Error('lost'); return p === 0x9246 ? SWIFTSHADER : 'WebKit WebGL'; },
  }) as unknown as WebGL2RenderingContext;
  it('prefers the unmasked name, falls back to RENDERER, and is null when the query fails', () => {
    expect(webglRendererName(gl(true))).toBe(SWIFTSHADER);
    expect(webglRendererName(gl(false))).toBe('WebKit WebGL');
    expect(webglRendererName(gl(true, true))).toBeNull();
  });
});
