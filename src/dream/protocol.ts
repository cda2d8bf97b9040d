// Messages between DreamClient (page) and the dream worker. Everything here is structured-clonable; bitmaps
// are transferred, never copied.
import type { BackendName } from '../platform';
import type { Recipe } from './recipes';

/** Focus point (u,v) in [0,1]²: u left→right, v top→bottom, in image-edge coordinates. */
export type Focus = readonly [number, number];

/** RGBA pixels, row-major, top row first (ImageData's layout). */
export interface RgbaPixels { data: Uint8ClampedArray | Uint8Array; width: number; height: number }

export interface InitOptions {
  /** Folder URL holding `<model>.json/.bin` (the build serves them at `models/human/`). */
  modelBaseUrl: string;
  /** URL of models/manifest.json; absent = `../manifest.json` beside that folder (the build's layout). */
  manifestUrl?: string;
  /** Folder URL holding tfjs-backend-wasm's .wasm files (the build serves them at `tfjs/`). */
  wasmPath: string;
  /** Force a backend (from `?backend=`); null = measure a warm-up and pick the fastest. */
  backend: BackendName | null;
  /** Keyframe size in pixels [width, height]. */
  size: [number, number];
  recipe: string | Recipe;
  focus: Focus;
  /** Numeric seed for the procedural seed image and the jitter RNG. */
  seed: number;
  /** URL of the depth net's model.json (src/depth); null or absent = no depth (flat stereo). */
  depthModelUrl?: string | null;
  /**
   * Graceful degradation: when keyframes take longer than this (ms), the worker dreams smaller, then with
   * fewer steps, and sends a 'degraded' event. Absent = 3000; ≤ 0 = never lower.
   */
  keyframeLimitMs?: number | null;
  /** The wasm accelerator (src/tf): false switches it off (`?accel=off`); absent = on. */
  accelerator?: boolean;
  /** Test scaffolding: the worker accepts 'fault' commands only when this is true (the page's test switch). */
  testHooks?: boolean;
}

/** Whether the worker's backend runs the accelerated kernels, and why not (src/tf acceleratorStatus, src/tf/accel/install.ts). */
export interface AcceleratorReport { on: boolean; reason: string | null }

export type DreamCommand =
  | { type: 'init'; options: InitOptions }
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'setRecipe'; recipe: string | Recipe }
  | { type: 'setFocus'; focus: Focus }
  | { type: 'setSeedImage'; image: ImageBitmap | RgbaPixels }
  /** Frame guard (src/dream/pace.ts): the share of time the worker may work, (0, 1], resting between
   * ascent steps and probing every few seconds for `probeMs`; null = no pacing (the flat preview). */
  | { type: 'setPace'; duty: number | null; probeMs?: number }
  /** Asks for a 'memory' event: at once, or with `settled` once the keyframe being made is out (no transient
   * tensors counted: the soak script, leak checks). */
  | { type: 'memory'; settled?: boolean }
  /** Fault injection for the e2e tests, refused unless init had `testHooks: true`: 'crash' throws an uncaught
   * error in the worker; 'loseContext' loses the tfjs WebGL backend's context (WEBGL_lose_context). */
  | { type: 'fault'; fault: 'crash' | 'loseContext' }
  | { type: 'dispose' };

/**
 * Per-keyframe depth from src/depth's DepthEstimator (run in the worker after dreaming, stabilised across
 * the zoom): [0,1], near 0 → far 1, row-major, top row first, at the keyframe's size. Its buffer is
 * transferred. Absent while the depth net loads, or when it could not be loaded.
 */
export interface KeyframeDepth { data: Float32Array; width: number; height: number }

export interface KeyframeMessage {
  type: 'keyframe';
  bitmap: ImageBitmap; // transferred
  /** The same picture as RGBA pixels (width·height·4, top row first; transferred). DreamClient keeps the
   * newest to seed a restarted worker without a canvas readback; handlers must not modify it. */
  pixels: Uint8ClampedArray;
  index: number; // 1, 2, … since the last seed
  /** Magnification from the previous keyframe to this one (1 when `reset`). */
  stepZoom: number;
  /** This keyframe is not a zoom of the previous one: the first after init, a new seed or a restarted worker. */
  reset: boolean;
  focus: Focus; // the focus this keyframe was zoomed about
  width: number;
  height: number;
  recipe: string;
  ms: number; // wall time to make this keyframe in the worker
  restMs?: number; // of which the frame guard's rests (src/dream/pace.ts)
  depth?: KeyframeDepth;
}

export type DreamEvent =
  | {
    type: 'ready'; backend: BackendName; timingsMs: Partial<Record<BackendName, number>>; skipped?: Partial<Record<BackendName, string>>; recipes: string[];
    /** Where start-up went, ms per phase (manifest, backend, model, warm-up or backend choice) and total. */
    phasesMs?: Record<string, number>;
    /** The backend is this browser's remembered auto choice (IndexedDB), only warmed up, not re-timed. */
    backendRemembered?: boolean;
    /** From the worker's creation to its handling of 'init': fetching and evaluating its script. */
    scriptMs?: number;
    /** The accelerated kernels: on, or off and why (a notice on the page when it is not by choice). */
    accelerator?: AcceleratorReport;
  }
  | KeyframeMessage
  | { type: 'state'; running: boolean }
  /** Bytes of a model's real files loaded so far (model.json + shards); total from its weightsManifest. */
  | { type: 'progress'; what: string; loaded: number; total: number }
  /** The recipe the dream now runs (after init and after each setRecipe), as the worker validated it. */
  | { type: 'recipe'; recipe: Recipe }
  /** Keyframes were too slow (over InitOptions.keyframeLimitMs): the dream now runs at this size / steps. */
  | { type: 'degraded'; message: string; size: number; steps: number }
  /** Something degraded but the dream goes on (e.g. no depth model: flat stereo). */
  | { type: 'notice'; message: string }
  | { type: 'error'; message: string; command?: DreamCommand['type'] }
  /** The worker cannot go on (e.g. its WebGL context was lost: `contextLost`); DreamClient restarts it. */
  | { type: 'fatal'; message: string; contextLost?: boolean }
  /**
   * From DreamClient itself, not the worker: the worker died and a new one starts in `delayMs`; `fallback`:
   * the new one runs on this backend instead (wasm after a lost WebGL context).
   */
  | { type: 'restarting'; attempt: number; delayMs: number; reason: string; fallback?: BackendName }
  /** From DreamClient itself: the new worker of restart `attempt` exists (it has been sent init, seed and start). */
  | { type: 'restarted'; attempt: number; backend: BackendName | null }
  /** `dataIds`: the backend's own count of data buffers, which also sees kernels run outside TF.js's tracking
   *  (the replayed gradient, src/dream/replay.ts). */
  | { type: 'memory'; numTensors: number; numBytes: number; dataIds: number; backend: string }
  /** The worker rests (frame guard) from this moment (epoch ms: performance.timeOrigin + now) for `ms`. */
  | { type: 'rest'; atEpochMs: number; ms: number }
  /**
   * Fault injection (e2e): the worker applies the injected fault now. `atEpochMs` is
   * performance.timeOrigin + performance.now() in the worker, comparable with the page's: a busy worker
   * handles the command late, so recovery is timed from here, not from the page's request.
   */
  | { type: 'faultApplied'; fault: 'crash' | 'loseContext'; atEpochMs: number };
