// Messages between DreamClient (page) and the dream worker. Everything here is structured-clonable; bitmaps
// are transferred, never copied.
import type { BackendName } from '../tf/backend-names';
import type { Recipe } from './recipes';
import type { Focus } from './zoom';

/** RGBA pixels, row-major, top row first (ImageData's layout). */
export interface RgbaPixels { data: Uint8ClampedArray | Uint8Array; width: number; height: number }

export interface InitOptions {
  /** Folder URL holding `<model>.json/.bin` (the build serves them at `models/human/`). */
  modelBaseUrl: string;
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
}

export type DreamCommand =
  | { type: 'init'; options: InitOptions }
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'setRecipe'; recipe: string | Recipe }
  | { type: 'setFocus'; focus: Focus }
  | { type: 'setSeedImage'; image: ImageBitmap | RgbaPixels }
  | { type: 'dispose' };

/**
 * Per-keyframe depth, filled in by the depth stage (a later issue: src/depth's DepthEstimator runs in the
 * worker after dreaming). Absent until then.
 */
export interface KeyframeDepth { data: Float32Array; width: number; height: number }

export interface KeyframeMessage {
  type: 'keyframe';
  bitmap: ImageBitmap; // transferred
  index: number; // 1, 2, … since the last seed
  zoom: number; // cumulative magnification since the seed
  focus: Focus; // the focus this keyframe was zoomed about
  width: number;
  height: number;
  recipe: string;
  ms: number; // wall time to make this keyframe in the worker
  depth?: KeyframeDepth;
}

export type DreamEvent =
  | { type: 'ready'; backend: BackendName; timingsMs: Partial<Record<BackendName, number>>; recipes: string[] }
  | KeyframeMessage
  | { type: 'state'; running: boolean }
  | { type: 'error'; message: string; command?: DreamCommand['type'] };
