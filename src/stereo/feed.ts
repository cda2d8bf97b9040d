// Adapts the dream worker's keyframes to the stereo screen: cumulative zoom → per-step zoom, and a
// new seed (index 1) → a reset rather than a zoom. Pure bookkeeping, no GPU work.
import type { StereoKeyframe } from './stereoScreen';

export interface DreamKeyframeLike {
  bitmap: ImageBitmap;
  index: number;
  zoom: number;
  focus: readonly [number, number];
  depth?: { data: Float32Array; width: number; height: number };
}

export class KeyframeFeed {
  private lastIndex = 0;
  private lastZoom = 1;

  /** Converts one worker keyframe; throws on a zoom that goes backwards (a protocol bug). */
  next(k: DreamKeyframeLike): StereoKeyframe {
    const reset = k.index <= 1 || k.index !== this.lastIndex + 1;
    const stepZoom = reset ? 1 : k.zoom / this.lastZoom;
    if (!reset && !(stepZoom >= 1 - 1e-9)) throw new Error(`keyframe ${k.index}: zoom went backwards (${this.lastZoom} → ${k.zoom})`);
    this.lastIndex = k.index;
    this.lastZoom = k.zoom;
    return { image: k.bitmap, depth: k.depth ?? null, stepZoom: Math.max(1, stepZoom), focus: k.focus, reset };
  }
}
