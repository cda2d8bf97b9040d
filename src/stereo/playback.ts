// Continuous zoom between dream keyframes, at display rate.
//
// Each keyframe k+1 is keyframe k magnified by s about focus f (both in k's uv), then dreamed. The
// renderer shows a *window* of the current keyframe: keyframe uv = c + w · screen uv. Every frame
// it shrinks the window about the gaze focus (screen uv), so the zoom never stops. When the next
// keyframe may be shown without a jump (the window has shrunk to ≤ 1/s, i.e. the new keyframe
// covers it), the window is re-expressed in the new keyframe's uv — c' = f + s (c − f), w' = s w —
// which is the same picture, and the new keyframe cross-fades in. Speed adapts to how fast
// keyframes arrive, changing smoothly. When keyframes stop coming (a stalled worker, or a backend
// that takes many seconds per keyframe) it brakes smoothly to a stop a little past the newest
// picture instead of magnifying it into a blur, and goes on when the next one arrives. Nothing here
// allocates per frame.

export interface ViewWindow { cx: number; cy: number; w: number }

export interface PendingKeyframe {
  /** Caller's handle for the keyframe's textures. */
  slot: number;
  /** Magnification from the previous keyframe to this one. */
  stepZoom: number;
  /** Focus the worker zoomed about, in the previous keyframe's uv (u right, v down). */
  focus: readonly [number, number];
}

export interface PlaybackConfig {
  /** Cross-fade duration when a keyframe arrives, seconds. */
  fadeSeconds: number;
  /** Zoom speed (natural log of magnification per second) before any keyframe rate is known. */
  initialLogSpeed: number;
  /** Upper bound on speed; the smoothness guarantee: per frame, Δln(zoom) ≤ maxLogSpeed · dt. */
  maxLogSpeed: number;
  /** How fast speed may change, ln-zoom per second per second (no visible lurches). */
  maxLogAccel: number;
  /** Multiplies every speed (reduced motion < 1). */
  speedScale: number;
  /**
   * How far (ln-zoom) the view may run past the point where the next keyframe would take over
   * before it has arrived; the zoom brakes at maxLogAccel to stop there.
   */
  maxLogOvershoot: number;
}

export const DEFAULT_PLAYBACK_CONFIG: Readonly<PlaybackConfig> = Object.freeze({
  fadeSeconds: 0.35,
  initialLogSpeed: 0.05,
  maxLogSpeed: 0.6,
  maxLogAccel: 0.25,
  speedScale: 1,
  maxLogOvershoot: Math.log(1.15),
});

export function validatePlaybackConfig(c: Partial<PlaybackConfig> = {}): PlaybackConfig {
  const o = { ...DEFAULT_PLAYBACK_CONFIG, ...c };
  if (!(o.fadeSeconds >= 0 && o.fadeSeconds <= 5)) throw new Error(`fadeSeconds must be in [0, 5], got ${o.fadeSeconds}`);
  if (!(o.maxLogSpeed > 0)) throw new Error(`maxLogSpeed must be > 0, got ${o.maxLogSpeed}`);
  if (!(o.initialLogSpeed >= 0 && o.initialLogSpeed <= o.maxLogSpeed)) throw new Error(`initialLogSpeed must be in [0, maxLogSpeed], got ${o.initialLogSpeed}`);
  if (!(o.maxLogAccel > 0)) throw new Error(`maxLogAccel must be > 0, got ${o.maxLogAccel}`);
  if (!(o.speedScale >= 0 && o.speedScale <= 4)) throw new Error(`speedScale must be in [0, 4], got ${o.speedScale}`);
  if (!(o.maxLogOvershoot >= 0 && o.maxLogOvershoot <= 2)) throw new Error(`maxLogOvershoot must be in [0, 2], got ${o.maxLogOvershoot}`);
  return o;
}

const MAX_QUEUE = 3;

export class ZoomPlayback {
  readonly config: PlaybackConfig;
  /** Window into the current keyframe, and into the one fading out. */
  readonly current: ViewWindow = { cx: 0, cy: 0, w: 1 };
  readonly previous: ViewWindow = { cx: 0, cy: 0, w: 1 };
  currentSlot = -1;
  previousSlot = -1;
  /** 0 → only previous visible, 1 → only current. */
  fade = 1;
  /** ln of the total magnification shown since the first keyframe (monotonic). */
  logZoom = 0;
  /** Current speed, ln-zoom per second. */
  logSpeed: number;
  private readonly queue: PendingKeyframe[] = [];
  private lastArrival = -1;
  private intervalEma = 0;
  private lastStepLog = 0;
  private paused = false;
  /**
   * Whether keyframes are on their way (a dream runs): then the zoom stops a little past the newest one until the
   * next arrives. False where none will come (no dream network: the seed alone zooms on).
   */
  expectKeyframes = true;

  constructor(config: Partial<PlaybackConfig> = {}) {
    this.config = validatePlaybackConfig(config);
    this.logSpeed = this.config.initialLogSpeed * this.config.speedScale;
  }

  get hasKeyframe(): boolean {
    return this.currentSlot >= 0;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Is a texture slot still needed (shown, fading or queued)? */
  inUse(slot: number): boolean {
    if (slot === this.currentSlot || slot === this.previousSlot) return true;
    for (let i = 0; i < this.queue.length; i++) if (this.queue[i].slot === slot) return true;
    return false;
  }

  setPaused(p: boolean): void {
    this.paused = p;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Starts over on a keyframe that is not a zoom of the one shown (a new seed, a reset). */
  reset(slot: number): void {
    this.queue.length = 0;
    this.currentSlot = slot;
    this.previousSlot = -1;
    this.fade = 1;
    setWindow(this.current, 0, 0, 1);
    this.lastArrival = -1;
  }

  /**
   * A keyframe arrived at `nowSec`. Returns the slot of a keyframe that was dropped to bound the
   * queue (the caller may reuse its textures), or -1.
   */
  push(k: PendingKeyframe, nowSec: number): number {
    if (!(k.stepZoom >= 1)) throw new Error(`stepZoom must be ≥ 1, got ${k.stepZoom}`);
    if (this.lastArrival >= 0) {
      const dt = nowSec - this.lastArrival;
      this.intervalEma = this.intervalEma === 0 ? dt : 0.7 * this.intervalEma + 0.3 * dt;
    }
    this.lastArrival = nowSec;
    this.lastStepLog = Math.log(k.stepZoom);
    if (this.currentSlot < 0) {
      this.reset(k.slot);
      return -1;
    }
    this.queue.push(k);
    if (this.queue.length > MAX_QUEUE) {
      // Too far behind: merge the two newest (their zooms compose) and drop the older picture. The
      // head of the queue keeps its small step, so the display can still switch to it soon.
      const n = this.queue.length;
      const a = this.queue[n - 2];
      const b = this.queue[n - 1];
      // uv_b = fb + sb (fa + sa (uv − fa) − fb): one zoom by sa·sb about its fixed point.
      const fx = fixedPoint(a.focus[0], a.stepZoom, b.focus[0], b.stepZoom);
      const fy = fixedPoint(a.focus[1], a.stepZoom, b.focus[1], b.stepZoom);
      this.queue.splice(n - 2, 2, { slot: b.slot, stepZoom: a.stepZoom * b.stepZoom, focus: [fx, fy] });
      return a.slot;
    }
    return -1;
  }

  /**
   * Advance by dtSec, zooming about `focus` (screen uv, u right, v down). Returns the slot that
   * stopped being visible this frame (its textures may be reused), or -1.
   */
  advance(dtSec: number, focusU: number, focusV: number): number {
    let released = -1;
    if (this.currentSlot < 0) return released;
    const cfg = this.config;
    // Target speed: keep pace with the worker — one keyframe's zoom per measured interval — and
    // steer the backlog (zoom received but not yet shown) toward one keyframe's worth: faster when
    // keyframes queue up, slower when we have zoomed past what has arrived.
    let backlog = Math.log(this.current.w); // ≤ 0: already zoomed into the current keyframe
    for (let i = 0; i < this.queue.length; i++) backlog += Math.log(this.queue[i].stepZoom);
    let target = cfg.initialLogSpeed;
    if (this.intervalEma > 0 && this.lastStepLog > 0) {
      const base = this.lastStepLog / this.intervalEma;
      target = Math.max(0.15 * base, base + (backlog - this.lastStepLog) / (2 * this.intervalEma));
    }
    target = Math.min(cfg.maxLogSpeed, target) * cfg.speedScale;
    // Never zoom far past what has arrived (−backlog is how far the view is into the newest keyframe):
    // with `room` ln-zoom left before the stop, the speed from which braking at maxLogAccel stops
    // exactly there is √(2·a·room). Without this the floor above (or the initial speed, before any
    // interval is known) would magnify the newest picture without end while no keyframe comes — on
    // SwiftShader WebGL, 5–90 s — until only a blur is left.
    const room = this.lastStepLog + cfg.maxLogOvershoot + backlog;
    if (this.expectKeyframes) target = Math.min(target, Math.sqrt(2 * cfg.maxLogAccel * Math.max(0, room)));
    if (this.paused) target = 0;
    const dv = target - this.logSpeed;
    const maxDv = cfg.maxLogAccel * dtSec;
    this.logSpeed += Math.max(-maxDv, Math.min(maxDv, dv));
    this.logSpeed = Math.max(0, Math.min(this.logSpeed, cfg.maxLogSpeed));

    const shrink = Math.exp(-this.logSpeed * dtSec);
    zoomWindow(this.current, shrink, focusU, focusV);
    if (this.previousSlot >= 0) zoomWindow(this.previous, shrink, focusU, focusV);
    this.logZoom += this.logSpeed * dtSec;

    // Switch to the next keyframe once it covers the whole window.
    const next = this.queue[0];
    if (next && this.current.w * next.stepZoom <= 1 + 1e-9) {
      this.queue.shift();
      if (this.previousSlot >= 0) released = this.previousSlot;
      this.previousSlot = this.currentSlot;
      copyWindow(this.previous, this.current);
      const s = next.stepZoom;
      setWindow(this.current, next.focus[0] + s * (this.current.cx - next.focus[0]), next.focus[1] + s * (this.current.cy - next.focus[1]), s * this.current.w);
      this.currentSlot = next.slot;
      this.fade = cfg.fadeSeconds > 0 ? 0 : 1;
    }
    if (this.fade < 1) {
      this.fade = Math.min(1, this.fade + dtSec / Math.max(1e-6, cfg.fadeSeconds));
      if (this.fade >= 1 && this.previousSlot >= 0) {
        released = released >= 0 ? released : this.previousSlot;
        this.previousSlot = -1;
      }
    }
    // Keep the window inside the keyframe; move the fading one by the same screen-space amount.
    const dx = clampShift(this.current.cx, this.current.w), dy = clampShift(this.current.cy, this.current.w);
    if (dx !== 0 || dy !== 0) {
      this.current.cx += dx;
      this.current.cy += dy;
      if (this.previousSlot >= 0) {
        const r = this.previous.w / this.current.w;
        this.previous.cx += dx * r;
        this.previous.cy += dy * r;
      }
    }
    return released;
  }

  /**
   * Maps a screen uv to the uv of the newest keyframe received (shown or queued): where the worker,
   * which zooms its newest keyframe, should put the focus of the next one. Clamped to [0,1]².
   */
  toNewest(u: number, v: number, out: [number, number]): [number, number] {
    this.toKeyframe(u, v, out);
    for (let i = 0; i < this.queue.length; i++) {
      const k = this.queue[i];
      out[0] = k.focus[0] + k.stepZoom * (out[0] - k.focus[0]);
      out[1] = k.focus[1] + k.stepZoom * (out[1] - k.focus[1]);
    }
    out[0] = Math.min(1, Math.max(0, out[0]));
    out[1] = Math.min(1, Math.max(0, out[1]));
    return out;
  }

  /** Maps a screen uv to the current keyframe's uv. */
  toKeyframe(u: number, v: number, out: [number, number]): [number, number] {
    out[0] = this.current.cx + this.current.w * u;
    out[1] = this.current.cy + this.current.w * v;
    return out;
  }
}

/** Zoom the window by `shrink` (< 1) about screen point (fu, fv): the keyframe point under it stays. */
export function zoomWindow(win: ViewWindow, shrink: number, fu: number, fv: number): void {
  const w2 = win.w * shrink;
  win.cx += (win.w - w2) * fu;
  win.cy += (win.w - w2) * fv;
  win.w = w2;
}

function clampShift(c: number, w: number): number {
  if (c < 0) return -c;
  if (c + w > 1) return 1 - w - c;
  return 0;
}

function setWindow(win: ViewWindow, cx: number, cy: number, w: number): void {
  win.cx = cx; win.cy = cy; win.w = w;
}

function copyWindow(dst: ViewWindow, src: ViewWindow): void {
  dst.cx = src.cx; dst.cy = src.cy; dst.w = src.w;
}

/** Fixed point of x ↦ fb + sb (fa + sa (x − fa) − fb), the composition of two zooms. */
function fixedPoint(fa: number, sa: number, fb: number, sb: number): number {
  // x = fb + sb·fa + sa·sb·x − sa·sb·fa − sb·fb  →  x (1 − sa sb) = fb (1 − sb) + sb fa (1 − sa)
  const s = sa * sb;
  if (Math.abs(1 - s) < 1e-12) return fb;
  return (fb * (1 - sb) + sb * fa * (1 - sa)) / (1 - s);
}
