// Which input steers the focus this frame, as pure logic (the controller feeds it what it measured).
// Priority: an explicit pinch (Vision Pro transient-pointer) > a controller or hand ray the person is
// actively pointing with > head gaze in XR > mouse hover on the desktop preview.

export type GazeSourceKind = 'head' | 'controller' | 'transient-pointer' | 'mouse' | 'none';

export interface SourceInputs {
  /** An XR session is presenting. */
  presenting: boolean;
  /** A transient-pointer pinch is held (its ray steers even when it misses: the focus then waits). */
  transientHeld: boolean;
  /** A controller / hand ray moved more than the threshold within the window … */
  controllerRecentlyMoved: boolean;
  /** … and hits the screen (a controller waved about off the screen does not take over from the head). */
  controllerHits: boolean;
  /** The XR viewer pose is known this frame. */
  headTracked: boolean;
  /** The mouse hovers over the canvas with no button down (a drag looks around instead of steering). */
  mouseHovering: boolean;
}

export function selectSource(s: SourceInputs): GazeSourceKind {
  if (s.presenting) {
    if (s.transientHeld) return 'transient-pointer';
    if (s.controllerRecentlyMoved && s.controllerHits) return 'controller';
    if (s.headTracked) return 'head';
    return 'none';
  }
  return s.mouseHovering ? 'mouse' : 'none';
}

/**
 * "Has this ray moved recently?" without a history buffer: the direction is compared with an anchor; when it
 * has turned more than `thresholdDeg` from it, the anchor moves there and the time is noted. The ray counts
 * as moving for `windowSec` after that. A hand resting (tremor of a fraction of a degree) never re-anchors.
 */
export class MotionDetector {
  private ax = 0; private ay = 0; private az = 0;
  private hasAnchor = false;
  private lastMove = -Infinity;
  private readonly cosThreshold: number;

  constructor(readonly thresholdDeg: number, readonly windowSec: number) {
    if (!(thresholdDeg > 0 && thresholdDeg < 90)) throw new Error(`MotionDetector thresholdDeg must be in (0, 90), got ${thresholdDeg}`);
    if (!(windowSec > 0)) throw new Error(`MotionDetector windowSec must be > 0, got ${windowSec}`);
    this.cosThreshold = Math.cos((thresholdDeg * Math.PI) / 180);
  }

  /** Feed the current direction (any length) at time nowSec; returns whether the ray counts as moving. */
  update(x: number, y: number, z: number, nowSec: number): boolean {
    const len = Math.hypot(x, y, z);
    if (len === 0) return this.moving(nowSec);
    x /= len; y /= len; z /= len;
    if (!this.hasAnchor) {
      // The first sample only anchors: appearing is not moving.
      this.ax = x; this.ay = y; this.az = z;
      this.hasAnchor = true;
    } else if (x * this.ax + y * this.ay + z * this.az < this.cosThreshold) {
      this.ax = x; this.ay = y; this.az = z;
      this.lastMove = nowSec;
    }
    return this.moving(nowSec);
  }

  /** When the ray last turned past the threshold (−Infinity: never since the last reset). */
  get lastMoveSec(): number {
    return this.lastMove;
  }

  moving(nowSec: number): boolean {
    return nowSec - this.lastMove <= this.windowSec;
  }

  /** Forget the anchor (the source was lost); the next sample anchors again. */
  reset(): void {
    this.hasAnchor = false;
    this.lastMove = -Infinity;
  }
}
