// Backend names, the `?backend=` parser and WebGL renderer facts: no TF.js import, so page code and the worker share them.
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Parse `?backend=` (or any string) into a backend name; null for none/auto; throws on unknown names. */
export function parseBackendOverride(value: string | null | undefined): BackendName | null {
  if (value == null || value === '' || value === 'auto') return null;
  if (!(BACKEND_NAMES as readonly string[]).includes(value)) throw new Error(`backend: unknown backend '${value}' (use one of ${BACKEND_NAMES.join(', ')}, auto)`);
  return value as BackendName;
}

/** Is this WebGL renderer string a software rasteriser (no GPU behind it)? */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render driver/i.test(renderer);
}

/** The WebGL renderer's name (unmasked where the browser allows), or null. */
export function webglRendererName(gl: WebGLRenderingContext | WebGL2RenderingContext): string | null {
  try {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}
