// Focus smoothing: the raw gaze hit jitters with every head tremor, so the zoom centre follows it through a
// critically damped spring per axis (fast, never overshoots from rest), after a dead zone at the centre
// (looking roughly straight ahead means "straight ahead", not a slow drift) and a clamp that keeps the
// focus a margin away from the image edges (the zoom needs real pixels around its centre).

/** [u left→right, v top→bottom] in [0, 1]. */
export type FocusUV = [number, number];

export interface FocusSmootherConfig {
  /** Spring time constant in seconds (1/ω): after 1 τ from rest 26 % of a step is covered, after 4 τ 91 %. */
  timeConstantSec: number;
  /** Radius of the centre dead zone, in image units (distance from (0.5, 0.5)); 0 disables it. */
  deadZone: number;
  /** The focus stays within [margin, 1 − margin] on both axes. */
  margin: number;
}

export const DEFAULT_TIME_CONSTANT_SEC = 0.25;
export const DEFAULT_DEAD_ZONE = 0.04;
export const DEFAULT_FOCUS_MARGIN = 0.05;

export const DEFAULT_FOCUS_SMOOTHER_CONFIG: Readonly<FocusSmootherConfig> = Object.freeze({
  timeConstantSec: DEFAULT_TIME_CONSTANT_SEC,
  deadZone: DEFAULT_DEAD_ZONE,
  margin: DEFAULT_FOCUS_MARGIN,
});

/** Copies the config, fills defaults and throws with the exact problem. */
export function validateFocusSmootherConfig(config: Partial<FocusSmootherConfig> = {}): FocusSmootherConfig {
  const c = { ...DEFAULT_FOCUS_SMOOTHER_CONFIG, ...config };
  if (!(c.timeConstantSec > 0 && c.timeConstantSec <= 10)) {
    throw new Error(`FocusSmoother timeConstantSec must be in (0, 10] s, got ${c.timeConstantSec}`);
  }
  if (!(c.margin >= 0 && c.margin < 0.5)) throw new Error(`FocusSmoother margin must be in [0, 0.5), got ${c.margin}`);
  if (!(c.deadZone >= 0 && c.deadZone < 0.5 - c.margin)) {
    throw new Error(`FocusSmoother deadZone must be in [0, 0.5 - margin) = [0, ${0.5 - c.margin}), got ${c.deadZone}`);
  }
  return c;
}

/**
 * Dead zone and clamp, as a pure map of image coordinates. Offsets from the centre shorter than `deadZone`
 * map to the centre; longer ones are shrunk along their direction so that the dead-zone rim maps to the
 * centre and the image edge stays on the edge (continuous, and every point stays reachable). Then both
 * axes are clamped to [margin, 1 − margin]. Writes into `out`.
 */
export function shapeTarget(u: number, v: number, deadZone: number, margin: number, out: FocusUV): FocusUV {
  let du = u - 0.5, dv = v - 0.5;
  const len = Math.hypot(du, dv);
  if (deadZone > 0) {
    if (len <= deadZone) {
      du = 0; dv = 0;
    } else {
      // Distance from the centre to the image edge along this direction.
      const edge = (0.5 * len) / Math.max(Math.abs(du), Math.abs(dv));
      const scaled = (Math.min(len, edge) - deadZone) / (edge - deadZone) * edge + Math.max(0, len - edge);
      du *= scaled / len; dv *= scaled / len;
    }
  }
  out[0] = Math.min(1 - margin, Math.max(margin, 0.5 + du));
  out[1] = Math.min(1 - margin, Math.max(margin, 0.5 + dv));
  return out;
}

/**
 * Critically damped spring towards `target`, exact for any dt (closed form, so one step of 0.1 s equals ten
 * of 0.01 s while the target holds). x is the position, vel its velocity; writes back into state[i], vel[i].
 */
export function springStep(state: number[], vel: number[], i: number, target: number, omega: number, dt: number): void {
  const e0 = state[i] - target;
  const v0 = vel[i];
  const decay = Math.exp(-omega * dt);
  const k = v0 + omega * e0;
  state[i] = target + (e0 + k * dt) * decay;
  vel[i] = (v0 - omega * k * dt) * decay;
}

export class FocusSmoother {
  readonly config: Readonly<FocusSmootherConfig>;
  /** The smoothed focus; the same array every call (copy it to keep it). */
  readonly focus: FocusUV = [0.5, 0.5];
  /** The shaped target the spring is heading for (dead zone and clamp applied). */
  readonly target: FocusUV = [0.5, 0.5];
  private readonly velocity: [number, number] = [0, 0];
  private readonly omega: number;

  constructor(config: Partial<FocusSmootherConfig> = {}) {
    this.config = Object.freeze(validateFocusSmootherConfig(config));
    this.omega = 1 / this.config.timeConstantSec;
  }

  /** Jumps to `focus` (shaped), at rest. */
  reset(focus: readonly [number, number] = [0.5, 0.5]): void {
    shapeTarget(focus[0], focus[1], this.config.deadZone, this.config.margin, this.target);
    this.focus[0] = this.target[0];
    this.focus[1] = this.target[1];
    this.velocity[0] = 0;
    this.velocity[1] = 0;
  }

  /** Stops where it is: the target becomes the current focus, at rest (used by focus lock). */
  hold(): void {
    this.target[0] = this.focus[0];
    this.target[1] = this.focus[1];
    this.velocity[0] = 0;
    this.velocity[1] = 0;
  }

  /**
   * Advances by dtSec towards `target` (raw [u, v]); null keeps heading for the last target. Returns the
   * smoothed focus (the same array every call). No allocation.
   */
  update(target: readonly [number, number] | null, dtSec: number): FocusUV {
    if (!(dtSec >= 0) || !Number.isFinite(dtSec)) throw new Error(`FocusSmoother.update: dtSec must be a finite number ≥ 0, got ${dtSec}`);
    if (target) shapeTarget(target[0], target[1], this.config.deadZone, this.config.margin, this.target);
    const { margin } = this.config;
    for (let i = 0; i < 2; i++) {
      springStep(this.focus, this.velocity, i, this.target[i], this.omega, dtSec);
      // The target is inside the bounds and a spring from rest never overshoots, but a moving target can
      // leave momentum: never let that carry the focus past the margin.
      if (this.focus[i] < margin) { this.focus[i] = margin; this.velocity[i] = 0; }
      if (this.focus[i] > 1 - margin) { this.focus[i] = 1 - margin; this.velocity[i] = 0; }
    }
    return this.focus;
  }
}
