// Graceful degradation: when keyframes take longer than a limit, dream smaller, then with fewer
// steps, and say so. A pure decision class (no TF.js, no timers): the worker feeds it each keyframe's wall
// time and applies what it returns. It only ever lowers: a device that was too slow once stays at the level
// that kept up (raising again would oscillate on a loaded machine).

export interface DreamLevel {
  /** Keyframe edge in px (the longer side; the other keeps the aspect). */
  size: number;
  /** Ascent steps per octave. */
  steps: number;
}

export interface DegradeConfig {
  /** A keyframe slower than this (ms) counts as over; ≤ 0 turns degradation off. */
  limitMs: number;
  /** Consecutive keyframes over the limit before lowering (one slow keyframe is noise). */
  patience: number;
  /** Never dream smaller than this (px). */
  minSize: number;
  /** Sizes are multiples of this (px). */
  sizeQuantum: number;
  /** Never fewer steps per octave than this. */
  minSteps: number;
}

export const DEFAULT_DEGRADE: DegradeConfig = { limitMs: 3000, patience: 2, minSize: 64, sizeQuantum: 16, minSteps: 2 };

export interface DegradeDecision { level: DreamLevel; message: string }

export class DreamGovernor {
  readonly config: DegradeConfig;
  private over = 0;
  private lvl: DreamLevel;

  constructor(start: DreamLevel, config: Partial<DegradeConfig> = {}) {
    // undefined fields keep their defaults (spread alone would copy the undefined)
    this.config = { ...DEFAULT_DEGRADE, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) };
    const c = this.config;
    if (!(c.patience >= 1 && c.minSize >= 1 && c.sizeQuantum >= 1 && c.minSteps >= 1)) throw new Error(`degrade: bad config ${JSON.stringify(c)}`);
    if (!(start.size >= 1 && start.steps >= 1)) throw new Error(`degrade: bad start level ${JSON.stringify(start)}`);
    this.lvl = { ...start };
  }

  get level(): DreamLevel { return { ...this.lvl }; }

  /** Whether there is anything left to lower. */
  get atFloor(): boolean { return this.lvl.size <= this.config.minSize && this.lvl.steps <= this.config.minSteps; }

  /**
   * One keyframe took `ms`. Returns the new level once `patience` keyframes in a row were over the limit,
   * else null. Work is taken as ∝ size² · steps: the size drops to what should fit the limit (at least one
   * quantum, at most to minSize); at minSize the steps drop the same way.
   */
  observe(ms: number): DegradeDecision | null {
    const c = this.config;
    if (c.limitMs <= 0 || !Number.isFinite(ms)) return null;
    if (ms <= c.limitMs) { this.over = 0; return null; }
    if (++this.over < c.patience || this.atFloor) return null;
    this.over = 0;
    const need = c.limitMs / ms; // < 1: the share of today's work that fits
    const { size, steps } = this.lvl;
    const t = (x: number) => (x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`);
    const took = `keyframes took ${t(ms)}, limit ${t(c.limitMs)}`;
    if (size > c.minSize) {
      const fit = Math.floor((size * Math.sqrt(need)) / c.sizeQuantum) * c.sizeQuantum;
      const next = Math.max(c.minSize, Math.min(size - c.sizeQuantum, fit));
      this.lvl = { size: next, steps };
      return { level: this.level, message: `dream lowered to ${next} px to keep up (${took})` };
    }
    const next = Math.max(c.minSteps, Math.min(steps - 1, Math.floor(steps * need)));
    this.lvl = { size, steps: next };
    return { level: this.level, message: `dream lowered to ${next} steps per octave at ${size} px to keep up (${took})` };
  }
}
