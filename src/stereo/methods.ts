// Stereo methods by name, and the one the screen shows now (the URL picks it at start, the panel switches it
// live). Each method is made on first use and kept, so switching back and forth allocates nothing new.
import type { StereoScreen } from './stereoScreen';
import { MeshStereoMethod } from './meshMethod';
import type { StereoMethod, StereoMethodName, StereoView } from './stereoMethod';
import { WarpStereoMethod } from './warpMethod';

export function createStereoMethod(name: StereoMethodName, stereo: StereoScreen): StereoMethod {
  switch (name) {
    case 'warp': return new WarpStereoMethod(stereo);
    case 'mesh': return new MeshStereoMethod(stereo);
  }
}

export class StereoMethodSwitch {
  private readonly made = new Map<StereoMethodName, StereoMethod>();
  private active: StereoMethod;

  constructor(
    private readonly stereo: StereoScreen,
    private readonly view: StereoView,
    initial: StereoMethodName,
    private readonly create: (name: StereoMethodName, stereo: StereoScreen) => StereoMethod = createStereoMethod,
  ) {
    this.active = this.use(initial);
  }

  get current(): StereoMethod {
    return this.active;
  }

  /** Shows `name` on the view. */
  use(name: StereoMethodName): StereoMethod {
    let m = this.made.get(name);
    if (!m) { m = this.create(name, this.stereo); this.made.set(name, m); }
    this.active = m;
    m.attach(this.view);
    return m;
  }

  /** Per frame, after StereoScreen.update: see StereoMethod.frame. */
  frame(eyeSeparationM: number): void {
    this.active.frame(eyeSeparationM);
  }

  dispose(): void {
    for (const m of this.made.values()) m.dispose();
    this.made.clear();
  }
}
