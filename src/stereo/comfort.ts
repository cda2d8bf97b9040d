// Comfort governor: how much stereo depth the eyes are given, and where the zero-parallax plane is.
//
// Units. Depth maps are normalised per keyframe to [0, 1], near (0) to far (1). The warp shifts each
// eye by half the disparity D(p) = k · (z0 − depth(p)) in screen uv (fraction of the screen width),
// positive = crossed (in front of the screen). The budget is angular: the screen spans
// `screenFovDeg` horizontally, so an angular disparity of a degrees is a / screenFovDeg of its width.
// With |z0 − depth| ≤ max(z0, 1 − z0) the disparity never exceeds k · max(z0, 1 − z0); k is chosen
// so that this is the budget. The budget (default 1°) limits how far the eyes must converge or
// diverge relative to the screen; at the default 2.5 m screen the eyes' own vergence is 1.44°, so
// 1° of uncrossed disparity still keeps them from diverging past parallel.
//
// Everything the eyes see changes gently: z0 follows the depth under the gaze, k follows its
// target, both rate-limited; during fast changes of zoom speed depth eases to flat; reduced motion
// halves the depth budget along with the zoom speed.

export interface ComfortConfig {
  /** Largest angular disparity relative to the screen plane, degrees. */
  maxDisparityDeg: number;
  /** Horizontal angle the screen spans, degrees (for deg → screen uv). */
  screenFovDeg: number;
  /** 0..1 user depth strength (1 = use the whole budget). */
  strength: number;
  /** Max change of the zero-parallax depth per second (depth units). */
  maxConvergenceRate: number;
  /** Max change of the disparity scale per second, as a fraction of the full-budget scale. */
  maxScaleRate: number;
  /** |d(ln zoom speed)/dt| above which depth eases toward flat (per second). */
  zoomChangeFlatten: number;
  reducedMotion: boolean;
}

export const DEFAULT_COMFORT_CONFIG: Readonly<ComfortConfig> = Object.freeze({
  maxDisparityDeg: 1,
  screenFovDeg: 65,
  strength: 1,
  maxConvergenceRate: 0.4,
  maxScaleRate: 0.8,
  zoomChangeFlatten: 0.3,
  reducedMotion: false,
});

export function validateComfortConfig(c: Partial<ComfortConfig> = {}): ComfortConfig {
  const o = { ...DEFAULT_COMFORT_CONFIG, ...c };
  if (!(o.maxDisparityDeg >= 0 && o.maxDisparityDeg <= 3)) throw new Error(`maxDisparityDeg must be in [0, 3], got ${o.maxDisparityDeg}`);
  if (!(o.screenFovDeg > 0 && o.screenFovDeg < 180)) throw new Error(`screenFovDeg must be in (0, 180), got ${o.screenFovDeg}`);
  if (!(o.strength >= 0 && o.strength <= 1)) throw new Error(`strength must be in [0, 1], got ${o.strength}`);
  if (!(o.maxConvergenceRate > 0)) throw new Error(`maxConvergenceRate must be > 0, got ${o.maxConvergenceRate}`);
  if (!(o.maxScaleRate > 0)) throw new Error(`maxScaleRate must be > 0, got ${o.maxScaleRate}`);
  if (!(o.zoomChangeFlatten > 0)) throw new Error(`zoomChangeFlatten must be > 0, got ${o.zoomChangeFlatten}`);
  return o;
}

/** Angular disparity budget as a fraction of the screen width. */
export function budgetUv(c: Pick<ComfortConfig, 'maxDisparityDeg' | 'screenFovDeg' | 'reducedMotion'>): number {
  return (c.maxDisparityDeg * (c.reducedMotion ? 0.5 : 1)) / c.screenFovDeg;
}

/** Scale k such that k · max(z0, 1 − z0) equals the (strength-weighted) budget. */
export function disparityScaleFor(z0: number, c: ComfortConfig): number {
  return (budgetUv(c) * c.strength) / Math.max(z0, 1 - z0, 0.5);
}

/** Disparity in screen uv of a point at normalised depth `depth`, positive = in front of the screen. */
export function disparityUv(depth: number, z0: number, k: number): number {
  return k * (z0 - depth);
}

function approach(x: number, target: number, maxStep: number): number {
  return x + Math.max(-maxStep, Math.min(maxStep, target - x));
}

/** Rate-limited state the stereo warp reads each frame. */
export class ComfortGovernor {
  config: ComfortConfig;
  /** Zero-parallax depth (screen plane), normalised depth units. */
  z0 = 0.5;
  /** Current disparity scale k (screen uv per depth unit). */
  scale = 0;
  /** 1 = full depth, 0 = flat (eased during fast zoom-speed changes). */
  flatten = 1;
  private lastLogSpeed = Number.NaN;

  constructor(config: Partial<ComfortConfig> = {}) {
    this.config = validateComfortConfig(config);
  }

  setConfig(c: Partial<ComfortConfig>): void {
    this.config = validateComfortConfig({ ...this.config, ...c });
  }

  /**
   * One frame. `gazeDepth` = depth under the gaze focus (or null: keep the plane), `logSpeed` =
   * current zoom speed (ln-zoom per second).
   */
  update(dtSec: number, gazeDepth: number | null, logSpeed: number): void {
    const c = this.config;
    if (gazeDepth !== null && Number.isFinite(gazeDepth)) {
      this.z0 = approach(this.z0, Math.min(1, Math.max(0, gazeDepth)), c.maxConvergenceRate * dtSec);
    }
    // Fast changes of zoom speed make depth cues conflict with the motion: ease to flat.
    const accel = Number.isNaN(this.lastLogSpeed) || dtSec <= 0 ? 0 : Math.abs(logSpeed - this.lastLogSpeed) / dtSec;
    this.lastLogSpeed = logSpeed;
    const flatTarget = accel > c.zoomChangeFlatten ? 0 : 1;
    this.flatten = approach(this.flatten, flatTarget, dtSec / 0.5);
    const full = budgetUv(c) / 0.5; // the scale that spends the whole budget at z0 = 0.5
    const target = disparityScaleFor(this.z0, c) * this.flatten;
    this.scale = approach(this.scale, target, c.maxScaleRate * full * dtSec);
    // Hard guarantee, whatever the rates: never exceed the budget.
    const cap = budgetUv(c) / Math.max(this.z0, 1 - this.z0, 1e-6);
    if (this.scale > cap) this.scale = cap;
  }

  /** The largest disparity (screen uv) any depth in [0, 1] can get now. */
  maxDisparityUv(): number {
    return this.scale * Math.max(this.z0, 1 - this.z0);
  }
}
