// Backend set-up: register what the dream engine needs, then pick the fastest backend by a short warm-up.
// On a headset WebGL (or WebGPU where registered) wins; on CPU-only machines wasm does (SwiftShader WebGL is
// 4–30× slower and stalls the page). wasm runs single-threaded: the threaded build breaks after bundling.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installOverrides } from './overrides';
import { installWasmAccelerator, removeWasmAccelerator } from './accel';

import { isSoftwareRenderer, webglRendererName, type BackendName } from '../platform';
export { BACKEND_NAMES, isSoftwareRenderer, parseBackendOverride, type BackendName } from '../platform';
/** Tried in this order by `chooseBackend` when no override is given (cpu only as the last resort). */
export const DEFAULT_CANDIDATES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm'];

export interface BackendConfig {
  /** Folder (URL or, in Node, a path ending in '/') holding the tfjs-backend-wasm .wasm files. */
  wasmPath?: string;
  /** The wasm accelerator (src/tf/accel) on wasm: false leaves it out (`?accel=off`); absent or true installs it. */
  accelerator?: boolean;
}

let wasmPathSet = false;

/**
 * Make `name` the active backend, with the kernels the dream engine needs (src/tf/overrides) and, on wasm, the
 * accelerator unless `config.accelerator` is false (acceleratorStatus() then says so). Returns false if it cannot start.
 */
export async function useBackend(name: BackendName, config: BackendConfig = {}): Promise<boolean> {
  // WebGPU (~320 kB of the worker's script) is loaded only where it can run, WebGL (~370 kB) only when it is
  // tried: less to load before the first keyframe when wasm is forced or remembered. (In Node the full
  // @tensorflow/tfjs has registered WebGL already.)
  if (name === 'webgpu' && tf.findBackendFactory(name) == null && typeof navigator !== 'undefined' && 'gpu' in navigator) {
    try { await import('@tensorflow/tfjs-backend-webgpu'); } catch { return false; }
  }
  if (name === 'webgl' && tf.findBackendFactory(name) == null) {
    try { await import('@tensorflow/tfjs-backend-webgl'); } catch { return false; }
  }
  if (tf.findBackendFactory(name) == null) return false;
  if (name === 'wasm' && config.wasmPath && !wasmPathSet) {
    // The threaded build needs cross-origin isolation and breaks after Vite bundling; SIMD single-thread is fine.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths(config.wasmPath);
    wasmPathSet = true;
  }
  let ok = false;
  try { ok = await tf.setBackend(name); } catch { ok = false; }
  if (!ok) return false;
  await tf.ready();
  // The composed kernels a backend lacks (wasm 4.22: the depthwise input gradient), cheaper gradients, fused convs.
  installOverrides(name);
  if (name === 'wasm') {
    if (config.accelerator === false) removeWasmAccelerator();
    else installWasmAccelerator();
  }
  return true;
}

export interface BackendChoice {
  backend: BackendName;
  timingsMs: Partial<Record<BackendName, number>>;
  /** Candidates not timed, and why (e.g. WebGL on a software rasteriser). */
  skipped?: Partial<Record<BackendName, string>>;
}

/**
 * The WebGL renderer's name when it is a software rasteriser, else null (a GPU, or no way to tell). On such a
 * machine WebGL is many times slower than wasm and its warm-up alone (shader compiles on the CPU) takes minutes
 * while the page draws: the automatic choice does not time it.
 */
export function softwareWebGL(): string | null {
  try {
    const canvas: OffscreenCanvas | HTMLCanvasElement | null = typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(1, 1) : typeof document !== 'undefined' ? document.createElement('canvas') : null;
    const gl = canvas?.getContext('webgl2') as WebGL2RenderingContext | null | undefined;
    if (!gl) return null;
    const name = webglRendererName(gl) ?? '';
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return isSoftwareRenderer(name) ? name : null;
  } catch {
    return null;
  }
}

/**
 * Start each candidate, time `warmup` (a representative tensor job, run once to compile, then timed), keep the
 * fastest. With `override` only that backend is started. `warmup` must not leak: it runs inside tf.tidy.
 */
export async function chooseBackend(warmup: () => tf.Tensor, opts: BackendConfig & { override?: BackendName | null; candidates?: readonly BackendName[]; runs?: number } = {}): Promise<BackendChoice> {
  const candidates = opts.override ? [opts.override] : (opts.candidates ?? DEFAULT_CANDIDATES);
  const timingsMs: Partial<Record<BackendName, number>> = {};
  const skipped: Partial<Record<BackendName, string>> = {};
  const runOnce = async () => { const t = tf.tidy(warmup); await t.data(); t.dispose(); };
  // One candidate (an override, a remembered choice): nothing to compare, so only the warm-up run (it
  // compiles shaders and proves every kernel exists); its time is what timingsMs reports.
  const runs = candidates.length === 1 ? 0 : (opts.runs ?? 2);
  for (const name of candidates) {
    if (name === 'webgl' && candidates.length > 1) {
      const sw = softwareWebGL();
      if (sw) { skipped[name] = `software renderer (${sw})`; continue; }
    }
    if (!(await useBackend(name, opts))) continue;
    try {
      let t0 = performance.now();
      await runOnce(); // compile shaders / warm caches
      if (runs > 0) {
        t0 = performance.now();
        for (let i = 0; i < runs; i++) await runOnce();
      }
      timingsMs[name] = (performance.now() - t0) / Math.max(runs, 1);
    } catch { /* a backend that cannot run the job is not a candidate */ }
  }
  const ranked = (Object.entries(timingsMs) as [BackendName, number][]).sort((a, b) => a[1] - b[1]);
  const backend = ranked[0]?.[0] ?? (opts.override ? null : ((await useBackend('cpu')) ? 'cpu' : null));
  if (backend == null) throw new Error(`backend: none of ${candidates.join(', ')} could run the dream step`);
  await useBackend(backend, opts);
  return { backend, timingsMs, ...(Object.keys(skipped).length ? { skipped } : {}) };
}
