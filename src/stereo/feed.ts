// Adapts the dream worker's keyframes to the stereo screen: the worker says how much each keyframe magnifies the
// last one (`stepZoom`) and when one starts afresh (`reset`: a new seed, a restarted worker). Pure bookkeeping,
// no GPU work.
import type { StereoKeyframe } from './stereoScreen';

export interface DreamKeyframeLike {
  bitmap: ImageBitmap;
  index: number;
  /** Magnification from the previous keyframe to this one, ≥ 1 (1 on a reset). */
  stepZoom: number;
  /** Not a zoom of the previous keyframe. */
  reset: boolean;
  focus: readonly [number, number];
  depth?: { data: Float32Array; width: number; height: number };
}

export class KeyframeFeed {
  private started = false;

  /** Converts one worker keyframe; throws on a zoom that goes backwards (a protocol bug). */
  next(k: DreamKeyframeLike): StereoKeyframe {
    // the first keyframe this feed sees has nothing before it to be a zoom of, whatever it says
    const reset = k.reset || !this.started;
    if (!reset && !(k.stepZoom >= 1 - 1e-9)) throw new Error(`keyframe ${k.index}: zoom went backwards (step ×${k.stepZoom})`);
    this.started = true;
    return { image: k.bitmap, depth: k.depth ?? null, stepZoom: reset ? 1 : Math.max(1, k.stepZoom), focus: k.focus, reset };
  }
}
