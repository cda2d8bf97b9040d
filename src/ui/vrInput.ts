// In-VR controller mapping (xr-standard gamepads, e.g. Quest Touch): turns each frame's buttons and
// thumbstick into discrete actions, once per press / flick (edge detection; the thumbstick has
// hysteresis so a stick held at the threshold does not chatter). No allocation per frame: actions are
// handed to a callback.
//
// xr-standard layout: buttons[0] trigger, [1] squeeze, [3] thumbstick press, [4] A/X, [5] B/Y;
// axes[2] thumbstick x (right +), axes[3] thumbstick y (down +).

export type VRAction = 'pause' | 'snapshot' | 'record' | 'faster' | 'slower' | 'next-recipe' | 'previous-recipe';

export const VR_BUTTON = { trigger: 0, squeeze: 1, thumbstick: 3, ax: 4, by: 5 } as const;
export const VR_AXIS = { x: 2, y: 3 } as const;

/** A stick counts as pushed beyond ENGAGE and released below RELEASE. */
export const STICK_ENGAGE = 0.7;
export const STICK_RELEASE = 0.35;

interface ButtonLike { pressed: boolean }

// Per hand: A/X, B/Y, stick press, up, down, left, right.
const SLOTS = 7;

export class VRInputMapper {
  private readonly held = new Uint8Array(2 * SLOTS);

  /** One frame of one controller. `hand` 0 = left, 1 = right. */
  poll(hand: 0 | 1, buttons: readonly (ButtonLike | null | undefined)[], axes: readonly number[], emit: (a: VRAction) => void): void {
    const o = hand * SLOTS;
    this.edge(o, !!buttons[VR_BUTTON.ax]?.pressed, 'pause', emit);
    this.edge(o + 1, !!buttons[VR_BUTTON.by]?.pressed, 'snapshot', emit);
    this.edge(o + 2, !!buttons[VR_BUTTON.thumbstick]?.pressed, 'record', emit);
    const x = axes[VR_AXIS.x] ?? 0, y = axes[VR_AXIS.y] ?? 0;
    // The dominant axis only, so a diagonal flick is one action, not two.
    const vertical = Math.abs(y) >= Math.abs(x);
    this.stick(o + 3, vertical ? -y : 0, 'faster', emit);
    this.stick(o + 4, vertical ? y : 0, 'slower', emit);
    this.stick(o + 5, vertical ? 0 : -x, 'previous-recipe', emit);
    this.stick(o + 6, vertical ? 0 : x, 'next-recipe', emit);
  }

  /** Forget what was held (session end): a button held across sessions does not fire on the next. */
  reset(): void {
    this.held.fill(0);
  }

  private edge(i: number, down: boolean, action: VRAction, emit: (a: VRAction) => void): void {
    if (down && !this.held[i]) emit(action);
    this.held[i] = down ? 1 : 0;
  }

  private stick(i: number, v: number, action: VRAction, emit: (a: VRAction) => void): void {
    if (!this.held[i] && v > STICK_ENGAGE) { this.held[i] = 1; emit(action); } else if (this.held[i] && v < STICK_RELEASE) this.held[i] = 0;
  }
}

/** The next zoom speed one step faster (+1) or slower (−1): steps of 0.25 within [lo, hi]. */
export function stepZoom(current: number, dir: 1 | -1, [lo, hi]: readonly [number, number]): number {
  const q = Math.round(current / 0.25) * 0.25;
  const next = Math.abs(q - current) > 1e-6 ? (dir > 0 ? Math.ceil(current / 0.25) : Math.floor(current / 0.25)) * 0.25 : q + dir * 0.25;
  return Math.min(hi, Math.max(lo, Math.round(next * 100) / 100));
}

/** The recipe `dir` steps from `current` in `names`, wrapping around. */
export function stepRecipe(names: readonly string[], current: string, dir: 1 | -1): string {
  const i = names.indexOf(current);
  return names[((i < 0 ? 0 : i + dir) % names.length + names.length) % names.length];
}
