// Connects a dream source (the worker client) to the stereo screen: keyframes in, focus out.
import { KeyframeFeed, type DreamKeyframeLike } from './feed';
import type { StereoScreen } from './stereoScreen';

export interface DreamSource {
  on(type: 'keyframe', handler: (k: DreamKeyframeLike) => void): () => void;
  setFocus(u: number, v: number): void;
}

export interface LiveDreamOptions {
  /** Seconds between focus messages to the worker at most (it only reads them between keyframes). */
  focusIntervalSec: number;
  /** Smallest focus move (uv) worth a message. */
  focusEpsilon: number;
  /** Called when a keyframe arrives (status line, stats). */
  onKeyframe?: (k: DreamKeyframeLike) => void;
  onError?: (err: Error) => void;
}

export const DEFAULT_LIVE_DREAM_OPTIONS: Readonly<LiveDreamOptions> = Object.freeze({ focusIntervalSec: 0.1, focusEpsilon: 0.004 });

export class LiveDream {
  readonly options: LiveDreamOptions;
  private readonly feed = new KeyframeFeed();
  private readonly unsubscribe: () => void;
  private readonly newest: [number, number] = [0.5, 0.5];
  private readonly sent: [number, number] = [0.5, 0.5];
  private sinceSent = 0;

  constructor(private readonly source: DreamSource, private readonly stereo: StereoScreen, private readonly now: () => number, options: Partial<LiveDreamOptions> = {}) {
    this.options = { ...DEFAULT_LIVE_DREAM_OPTIONS, ...options };
    this.unsubscribe = source.on('keyframe', (k) => {
      try {
        this.stereo.push(this.feed.next(k), this.now());
        this.options.onKeyframe?.(k);
      } catch (err) {
        k.bitmap.close?.();
        this.options.onError?.(err as Error);
      }
    });
  }

  /** Per frame, after the stereo screen's update: forward the focus to the worker, throttled. */
  frame(dtSec: number, focusU: number, focusV: number): void {
    this.sinceSent += dtSec;
    if (this.sinceSent < this.options.focusIntervalSec || !this.stereo.hasKeyframe) return;
    this.stereo.playback.toNewest(focusU, focusV, this.newest);
    if (Math.abs(this.newest[0] - this.sent[0]) < this.options.focusEpsilon && Math.abs(this.newest[1] - this.sent[1]) < this.options.focusEpsilon) return;
    this.sent[0] = this.newest[0];
    this.sent[1] = this.newest[1];
    this.sinceSent = 0;
    this.source.setFocus(this.sent[0], this.sent[1]);
  }

  dispose(): void {
    this.unsubscribe();
  }
}
