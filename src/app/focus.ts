// The zoom centre (screen uv): it follows the smoothed gaze, unless something sets it by hand (a test, a
// scripted tour), until released.
export class ZoomFocus {
  u = 0.5;
  v = 0.5;
  manual = false;

  /** Per frame: the gaze's focus, unless the focus is set by hand. */
  follow(gaze: readonly [number, number]): void {
    if (this.manual) return;
    this.u = gaze[0];
    this.v = gaze[1];
  }

  set(u: number, v: number): void {
    this.manual = true;
    this.u = u;
    this.v = v;
  }

  release(): void {
    this.manual = false;
  }
}
