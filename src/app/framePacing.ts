// When the dream may slow the frames. In VR with the frame guard on (the panel's "frame rate first", or no
// ?frameGuard=off) the worker rests between its steps and FrameGuard (src/dream/pace.ts) sets how much it
// may work from the frames it sees; anywhere else (the flat preview, the guard off) the dream runs flat
// out. This is the switch between the two, fed once per rendered frame; it allocates nothing.
import type { FrameGuard } from '../dream';

/** The parts of FrameGuard the switch uses. */
export type GuardLike = Pick<FrameGuard, 'active' | 'duty' | 'probeMs' | 'reset' | 'rest' | 'frame'>;

/** The dream client's pace control: a duty in (0, 1] with the probe length, or null for no pacing. */
export interface PacedDream {
  setPace(duty: number | null, probeMs?: number): void;
}

export class FramePacing {
  /** The frame guard is wanted (it acts only while presenting). */
  enabled: boolean;
  private guarding = false;

  /** `timeOrigin`: performance.timeOrigin of the page (the worker stamps its rests in epoch ms). */
  constructor(readonly guard: GuardLike, private readonly dream: PacedDream, enabled: boolean, private readonly timeOrigin: number) {
    this.enabled = enabled;
  }

  /** Is the guard pacing the dream now? */
  get active(): boolean {
    return this.guarding;
  }

  /** The worker rests from `atEpochMs` (performance.timeOrigin + now, in the worker) for `ms`. */
  rest(atEpochMs: number, ms: number): void {
    const from = atEpochMs - this.timeOrigin;
    this.guard.rest(from, from + ms);
  }

  /** After each rendered frame (page clock, ms). Entering or leaving guarded mode starts the guard afresh. */
  frame(timeMs: number, presenting: boolean): void {
    const want = presenting && this.enabled;
    if (want !== this.guarding) {
      this.guarding = want;
      this.guard.reset();
      this.guard.active = want;
      this.dream.setPace(want ? 1 : null);
    }
    if (!this.guarding) return;
    if (this.guard.frame(timeMs)) this.dream.setPace(this.guard.duty, this.guard.probeMs);
  }

  /** The duty when the guard holds the dream below full speed (the status line says so), else null. */
  pacedDuty(presenting: boolean): number | null {
    return presenting && this.enabled && this.guard.duty < 1 ? this.guard.duty : null;
  }
}
