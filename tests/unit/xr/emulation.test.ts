import { describe, it, expect } from 'vitest';
import { emulationChoice, nativeImmersiveVRSupported, shadowClearState } from '../../../src/xr/emulation';

describe('emulationChoice', () => {
  it('emulates only when no native immersive-vr exists', () => {
    expect(emulationChoice({ asked: null, nativeImmersiveVR: false })).toBe('quest3');
    expect(emulationChoice({ asked: null, nativeImmersiveVR: true })).toBeNull();
  });
  it('does not emulate by itself on an insecure page (http:// on a LAN address): the page says HTTPS instead', () => {
    expect(emulationChoice({ asked: null, nativeImmersiveVR: false, secureContext: false })).toBeNull();
    expect(emulationChoice({ asked: 'quest3', nativeImmersiveVR: false, secureContext: false })).toBe('quest3');
  });
  it('honours ?emulate=quest3 and ?emulate=off (parsed by src/app/config.ts; an unknown name arrives as off)', () => {
    expect(emulationChoice({ asked: 'quest3', nativeImmersiveVR: true })).toBe('quest3');
    expect(emulationChoice({ asked: 'off', nativeImmersiveVR: false })).toBeNull();
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

describe('shadowClearState', () => {
  // A stand-in context: records what reaches the real GL calls and answers queries from its own state.
  function fakeGl() {
    const calls: string[] = [];
    const real = { color: [0, 0, 0, 0], depth: 1, stencil: 0 };
    const gl = {
      COLOR_CLEAR_VALUE: 0x0c22, DEPTH_CLEAR_VALUE: 0x0b73, STENCIL_CLEAR_VALUE: 0x0b91, VIEWPORT: 0x0ba2,
      clearColor(r: number, g: number, b: number, a: number) { calls.push('clearColor'); real.color = [r, g, b, a]; },
      clearDepth(d: number) { calls.push('clearDepth'); real.depth = d; },
      clearStencil(s: number) { calls.push('clearStencil'); real.stencil = s; },
      getParameter(p: number) { calls.push(`getParameter ${p}`); return p === 0x0ba2 ? 'viewport' : null; },
    };
    return { gl: gl as unknown as WebGL2RenderingContext, calls, real };
  }

  it('answers the three clear-value queries from what was set, without asking the context', () => {
    const { gl, calls, real } = fakeGl();
    shadowClearState(gl);
    expect(Array.from(gl.getParameter(gl.COLOR_CLEAR_VALUE) as Float32Array)).toEqual([0, 0, 0, 0]); // WebGL's defaults
    expect(gl.getParameter(gl.DEPTH_CLEAR_VALUE)).toBe(1);
    expect(gl.getParameter(gl.STENCIL_CLEAR_VALUE)).toBe(0);
    gl.clearColor(0.25, 0.5, 0.75, 1);
    gl.clearDepth(0.5);
    gl.clearStencil(3);
    expect(Array.from(gl.getParameter(gl.COLOR_CLEAR_VALUE) as Float32Array)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(gl.getParameter(gl.DEPTH_CLEAR_VALUE)).toBe(0.5);
    expect(gl.getParameter(gl.STENCIL_CLEAR_VALUE)).toBe(3);
    // The sets still reach the context; the queries never do.
    expect(real).toEqual({ color: [0.25, 0.5, 0.75, 1], depth: 0.5, stencil: 3 });
    expect(calls).toEqual(['clearColor', 'clearDepth', 'clearStencil']);
  });

  it('clamps like GL, passes every other query through, and installs once', () => {
    const { gl, calls } = fakeGl();
    shadowClearState(gl);
    const wrapped = gl.getParameter;
    shadowClearState(gl); // a second viewer on the same context must not wrap the wrapper
    expect(gl.getParameter).toBe(wrapped);
    gl.clearColor(-1, 2, 0.5, 0.5);
    gl.clearDepth(7);
    expect(Array.from(gl.getParameter(gl.COLOR_CLEAR_VALUE) as Float32Array)).toEqual([0, 1, 0.5, 0.5]);
    expect(gl.getParameter(gl.DEPTH_CLEAR_VALUE)).toBe(1);
    expect(gl.getParameter(gl.VIEWPORT)).toBe('viewport');
    expect(calls).toContain(`getParameter ${gl.VIEWPORT}`);
  });

  it('starts again from the defaults when the context is restored', () => {
    const { gl } = fakeGl();
    const canvas = new EventTarget();
    (gl as unknown as { canvas: EventTarget }).canvas = canvas;
    shadowClearState(gl);
    gl.clearColor(0.5, 0.5, 0.5, 1);
    gl.clearDepth(0.25);
    gl.clearStencil(2);
    canvas.dispatchEvent(new Event('webglcontextrestored'));
    expect(Array.from(gl.getParameter(gl.COLOR_CLEAR_VALUE) as Float32Array)).toEqual([0, 0, 0, 0]);
    expect(gl.getParameter(gl.DEPTH_CLEAR_VALUE)).toBe(1);
    expect(gl.getParameter(gl.STENCIL_CLEAR_VALUE)).toBe(0);
  });

  it('restores what IWER restores: clear, then set back the values it read', () => {
    const { gl, real } = fakeGl();
    shadowClearState(gl);
    gl.clearColor(0.1, 0.2, 0.3, 1);
    // IWER's onDeviceFrame, line for line: read, clear with its own values, restore from what it read.
    const c = gl.getParameter(gl.COLOR_CLEAR_VALUE) as Float32Array;
    gl.clearColor(0, 0, 0, 0);
    gl.clearColor(c[0], c[1], c[2], c[3]);
    expect(real.color.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.1, 0.2, 0.3, 1]);
  });
});
