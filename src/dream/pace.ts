// Frame guard: the dream gives way when it slows the headset's frames.
//
// Where the dream and the eyes share one processor (a standalone headset's GPU running both TF.js-WebGL
// and the XR frame; a desktop's software rasteriser and the wasm worker on the same cores), every ascent
// step the worker runs is time the frame does not get. A headset shows a missed frame as judder, and in
// VR a steady frame rate matters more than how fast new detail grows: the zoom itself keeps going at the
// display rate between keyframes.
//
// So, while presenting, the worker dreams in slices and rests between them (WorkPacer, in the worker), and
// the page (FrameGuard) sets the share of time it may work, its duty, from what it sees: frames that fall
// wholly inside a rest show what the renderer does alone; all frames together show what it does with the
// dream. When the two differ by more than the target allows (fps ≥ 0.95 of the rest-time fps), the duty
// drops; when they agree (≥ 0.99 in two windows running: one-second windows read ±0.07 here), it climbs back
// to 1. At duty 1 the worker still rests briefly every few seconds (a probe), so a renderer that frees up is
// noticed. Where the dream does not slow the frames (a GPU with
// room for both), the duty stays at 1 and the dream loses only the probes.

export interface WorkPacerOptions {
  /** Work this long (ms) before a rest, when the duty is below 1. */
  sliceMs: number;
  /** At most this long between rests (ms): the page needs frames rendered without the dream. */
  probeEveryMs: number;
  /** A probe rest (ms) until the page says how long (it must hold a few whole frames). */
  probeMs: number;
  /** Longest single rest (ms). */
  maxRestMs: number;
}

export const DEFAULT_PACER: WorkPacerOptions = { sliceMs: 50, probeEveryMs: 2000, probeMs: 160, maxRestMs: 1500 };

/** Worker side: turns the page's duty into rests between units of work (ascent steps). */
export class WorkPacer {
  /** Share of time the worker may work, (0, 1]; null = no pacing at all (no probes either). */
  private duty: number | null = null;
  private since = NaN; // start of the current stretch of work
  private lastRestEnd = NaN;
  private probeMs: number;
  constructor(private readonly o: WorkPacerOptions = DEFAULT_PACER) { this.probeMs = o.probeMs; }

  get current(): number | null { return this.duty; }

  /** `probeMs`: the page's probe length (a few of its frame times), else the default. */
  set(duty: number | null, probeMs?: number): void {
    this.duty = duty === null || !Number.isFinite(duty) ? null : Math.min(1, Math.max(0.01, duty));
    this.probeMs = probeMs !== undefined && probeMs > 0 && Number.isFinite(probeMs) ? Math.min(this.o.maxRestMs, probeMs) : this.o.probeMs;
  }

  /** Work begins (again) at `now`, after waiting for something else (start, a resumed loop). */
  begin(now: number): void {
    this.since = now;
    if (Number.isNaN(this.lastRestEnd)) this.lastRestEnd = now;
  }

  /** After a unit of work that ended at `now`: ms to rest before the next one (0 = go on). */
  restAfter(now: number): number {
    if (this.duty === null) return 0;
    if (Number.isNaN(this.since)) this.begin(now);
    const worked = now - this.since;
    let rest = 0;
    if (this.duty < 1 && worked >= this.o.sliceMs) rest = (worked * (1 - this.duty)) / this.duty;
    if (now - this.lastRestEnd >= this.o.probeEveryMs) rest = Math.max(rest, this.probeMs);
    if (rest <= 0) return 0;
    rest = Math.min(this.o.maxRestMs, rest);
    this.since = this.lastRestEnd = now + rest;
    return rest;
  }
}

export interface FrameGuardOptions {
  /** Frames per second with the dream ÷ frames per second in its rests, to keep (≥). */
  target: number;
  /** The duty climbs when that ratio is above this (≤ 1: frames locked to a headset's display rate read 1). */
  climbAbove: number;
  /** How often (ms of frames) the duty is reconsidered. */
  windowMs: number;
  /** Rest-time frames older than this (ms) no longer count. */
  freeMaxAgeMs: number;
  /** The duty never goes below this: the dream slows down, it never stops. */
  minDuty: number;
}

// The target sits above the 0.9 the bench asks for (B1), not on it: a guard aiming at 0.9 settles between 0.9 and
// 0.95 and a noisy machine reads half its runs below. On 2 CPU cores shared with a software rasteriser the frame
// rate loses about half the worker's busy share (24 % busy read 0.90), so a duty of 0.05 must be allowed.
export const DEFAULT_FRAME_GUARD: FrameGuardOptions = { target: 0.95, climbAbove: 0.99, windowMs: 1000, freeMaxAgeMs: 6000, minDuty: 0.05 };

const RESTS = 16;
const FREE = 64;

/**
 * Page side: watches the rendered frames and the worker's rests, and sets the worker's duty. Allocates
 * nothing per frame (ring buffers; one median per window).
 */
export class FrameGuard {
  /** Whether the page is pacing the worker now (set by the page: presenting and switched on). */
  active = false;
  duty = 1;
  /** How long the worker's probe rests should be: the two skipped frame times plus three to measure. */
  probeMs = DEFAULT_PACER.probeMs;
  /** The last window's figures, for the status line and the bench. */
  readonly last = { fpsRatio: NaN, fps: NaN, freeFps: NaN };
  private readonly restFrom = new Float64Array(RESTS);
  private readonly restTo = new Float64Array(RESTS);
  private restN = 0;
  private readonly free = new Float64Array(FREE); // frame intervals inside rests
  private readonly freeAt = new Float64Array(FREE);
  private freeN = 0;
  private readonly scratch = new Float64Array(FREE);
  private prev = NaN;
  private winStart = NaN;
  private winFrames = 0;
  private interval = NaN; // the last window's mean frame interval
  private high = 0; // windows in a row whose ratio would let the duty climb

  constructor(private readonly o: FrameGuardOptions = DEFAULT_FRAME_GUARD) {}

  /** Forget everything (a new session): duty back to 1. */
  reset(): void {
    this.duty = 1;
    this.probeMs = DEFAULT_PACER.probeMs;
    this.restN = this.freeN = this.winFrames = 0;
    this.prev = this.winStart = this.interval = NaN;
    this.high = 0;
    this.last.fpsRatio = this.last.fps = this.last.freeFps = NaN;
  }

  /** The worker rested from `from` to `to` (page clock, ms). */
  rest(from: number, to: number): void {
    const i = this.restN++ % RESTS;
    this.restFrom[i] = from;
    this.restTo[i] = to;
  }

  /** A frame was rendered at `t` (page clock, ms). True when the duty or the probe length changed (tell the worker). */
  frame(t: number): boolean {
    const prev = this.prev;
    this.prev = t;
    if (Number.isNaN(prev) || t <= prev) { this.winStart = t; this.winFrames = 0; return false; }
    // A frame that began after a rest began and ended before it ended ran without the dream; the first
    // two frame times of a rest are skipped, since frames queued behind the dream's work finish in a burst
    // there (measured: rest-time fps ~10 % above the paused fps without the skip).
    const skip = 2 * (Number.isNaN(this.interval) ? 50 : this.interval);
    for (let k = 0, n = Math.min(this.restN, RESTS); k < n; k++) {
      if (prev >= this.restFrom[k] + skip && t <= this.restTo[k]) {
        const i = this.freeN++ % FREE;
        this.free[i] = t - prev;
        this.freeAt[i] = t;
        break;
      }
    }
    this.winFrames++;
    if (t - this.winStart < this.o.windowMs) return false;
    const interval = (this.interval = (t - this.winStart) / this.winFrames);
    this.winStart = t;
    this.winFrames = 0;
    const probe = Math.min(DEFAULT_PACER.maxRestMs, Math.max(80, 10 * Math.ceil((5.5 * interval) / 10)));
    const probeChanged = Math.abs(probe - this.probeMs) > 0.25 * this.probeMs;
    if (probeChanged) this.probeMs = probe;
    let n = 0;
    for (let k = 0, m = Math.min(this.freeN, FREE); k < m; k++) if (t - this.freeAt[k] <= this.o.freeMaxAgeMs) this.scratch[n++] = this.free[k];
    if (n < 2) return probeChanged; // nothing to compare with yet: the probes will bring rest-time frames
    const s = this.scratch.subarray(0, n).sort();
    const freeInterval = n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    const ratio = freeInterval / interval;
    this.last.fpsRatio = ratio;
    this.last.fps = 1000 / interval;
    this.last.freeFps = 1000 / freeInterval;
    const before = this.duty;
    this.high = ratio > this.o.climbAbove ? this.high + 1 : 0;
    if (ratio < this.o.target) {
      // Well short: cut harder. The dream's share of the lost frames is roughly its duty.
      this.duty = Math.max(this.o.minDuty, this.duty * (ratio < this.o.target - 0.15 ? 0.6 : 0.8));
    } else if (this.high >= 2) {
      this.duty = Math.min(1, this.duty * 1.15 + 0.02);
    }
    return this.duty !== before || probeChanged;
  }
}
