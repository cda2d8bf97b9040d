// The status line: what is running (headset, backend), how the dream is doing (keyframes, their rate,
// depth, a lowered or paced dream) and what it is waiting for. StatusLine takes the page's events and
// gives the text; statusText is the wording, a pure function of the fields.
import type { XRButtonState } from '../xr';

export type StatusPhase =
  | 'calibration' // the calibration pattern, no dream
  | 'dream-off' // the stereo screen without a dream engine (test pages)
  | 'loading' // the dream network loads; the seed zooms meanwhile
  | 'ready' // the worker is up, the first keyframe is being dreamed
  | 'dreaming' // keyframes arrive
  | 'degraded' // the worker just lowered the dream to keep up
  | 'restarting' // the worker died and a new one is on its way
  | 'failed'; // the dream could not start: the seed zooms on alone

export interface StatusFields {
  /** Which headset and its state, e.g. "emulated Quest 3 · ready" (statusWhere). */
  where: string;
  phase: StatusPhase;
  /** The dream's backend, '…' until the worker says. */
  backend: string;
  keyframes: number;
  /** Keyframes per second over the last few arrivals (0: not known yet). */
  rate: number;
  /** The keyframe on its way to the screen carries depth. */
  depth: boolean;
  /** The latest "dream lowered …" message ('' if none): it stays on the line. */
  lowered: string;
  /** The frame guard's duty while it holds the dream below full speed in VR, else null. */
  pacedDuty: number | null;
  /** Calibration pattern: right eye's shift, texels. */
  shiftPx: number;
  restart: { attempt: number; fallback: string | null };
}

/** "emulated Quest 3 · ready", "WebXR · vr not supported", …: the first part of every status text. */
export function statusWhere(emulated: boolean, xrState: XRButtonState): string {
  return `${emulated ? 'emulated Quest 3' : 'WebXR'} · ${xrState === 'ENTER VR' ? 'ready' : xrState.toLowerCase()}`;
}

export function statusText(f: StatusFields): string {
  switch (f.phase) {
    case 'calibration': return `${f.where} · calibration pattern, right eye shifted ${f.shiftPx} px`;
    case 'dream-off': return `${f.where} · dream engine off`;
    case 'loading': return `${f.where} · loading the dream network… (the seed zooms meanwhile)`;
    case 'ready': return `${f.where} · ${f.backend} · dreaming the first keyframe…`;
    case 'failed': return `${f.where} · no dream network (see the message) · the seed keeps zooming`;
    case 'degraded': return `${f.where} · ${f.backend} · ${f.lowered}`;
    case 'restarting': {
      const on = f.restart.fallback ? ` on ${f.restart.fallback}` : '';
      return `${f.where} · ${f.backend} · dream worker restarting${on} (try ${f.restart.attempt})…`;
    }
    case 'dreaming': {
      const lowered = f.lowered ? ` · ${f.lowered}` : '';
      const paced = f.pacedDuty !== null ? ` · dream paced to ${Math.round(f.pacedDuty * 100)} % for the frame rate` : '';
      return `${f.where} · ${f.backend} · keyframe ${f.keyframes} · ${keyframeRateText(f.rate)} · ${f.depth ? 'stereo depth' : 'flat (no depth yet)'}${lowered}${paced}`;
    }
  }
}

/** The message (beside the status line) while a dead dream worker is replaced. */
export function restartMessage(reason: string, attempt: number, fallback?: string | null): string {
  const on = fallback ? ` on ${fallback}` : '';
  return `The dream worker stopped (${reason}); restarting it${on} (try ${attempt}). The last picture stays on screen.`;
}

/** Keyframe arrivals the rate is measured over. */
const RATE_WINDOW = 8;

/**
 * The status line's state. Each event method returns the new text. The text changes only on events: a
 * keyframe, a lowered dream, a restart, … (the paced duty is read at each keyframe).
 */
export class StatusLine {
  readonly fields: StatusFields;
  // Keyframes/s over the last few arrivals: messages that queued up behind a stall (context restore, a
  // paused tab) arrive together, and a per-gap average would then read hundreds per second.
  private readonly arrivals: number[] = [];

  constructor(where: string) {
    this.fields = {
      where, phase: 'loading', backend: '…', keyframes: 0, rate: 0, depth: false, lowered: '', pacedDuty: null, shiftPx: 0,
      restart: { attempt: 0, fallback: null },
    };
  }

  get text(): string {
    return statusText(this.fields);
  }

  calibration(shiftPx: number): string { return this.set({ phase: 'calibration', shiftPx }); }
  /** `dreaming`: false when the page runs without a dream engine. */
  loading(dreaming = true): string { return this.set({ phase: dreaming ? 'loading' : 'dream-off' }); }
  ready(backend: string): string { return this.set({ phase: 'ready', backend }); }
  failed(): string { return this.set({ phase: 'failed' }); }
  degraded(message: string): string { return this.set({ phase: 'degraded', lowered: message }); }
  restarting(attempt: number, fallback?: string | null): string { return this.set({ phase: 'restarting', restart: { attempt, fallback: fallback ?? null } }); }

  /** A keyframe arrived at `nowSec` (any monotonic clock, seconds). */
  keyframe(nowSec: number, depth: boolean, pacedDuty: number | null): string {
    const a = this.arrivals;
    a.push(nowSec);
    if (a.length > RATE_WINDOW) a.shift();
    const rate = a.length > 1 ? (a.length - 1) / (nowSec - a[0]) : 0;
    return this.set({ phase: 'dreaming', keyframes: this.fields.keyframes + 1, rate, depth, pacedDuty });
  }

  private set(change: Partial<StatusFields>): string {
    Object.assign(this.fields, change);
    return this.text;
  }
}

/**
 * The keyframe rate as a person reads it: "2.8 keyframes/s", or, when keyframes are many seconds apart (a slow
 * backend, or the dream paced down in VR), "a keyframe every 17 s" rather than "0.0 keyframes/s".
 */
export function keyframeRateText(perSecond: number): string {
  if (!(perSecond > 0 && Number.isFinite(perSecond))) return '– keyframes/s';
  if (perSecond >= 0.095) return `${perSecond.toFixed(1)} keyframes/s`;
  const s = 1 / perSecond;
  if (s < 99.5) return `a keyframe every ${s.toFixed(0)} s`;
  return `a keyframe every ${(s / 60).toFixed(1)} min`;
}
