// Gaze steering: turns whatever the person is pointing with into the dream's zoom focus, once per frame.
// The sources (head ray, controller / hand ray, Vision Pro's transient pointer, mouse hover; one file each)
// measure their rays; selectSource (sources.ts) decides which one steers; the controller applies that
// decision, holds a locked focus, smooths the focus (smoothing.ts) and tells listeners, throttled. Owns its
// sources: dispose() removes every listener they added. update() allocates nothing on our side.
import type * as THREE from 'three';
import type { ViewMode } from '../stereo';
import type { ScreenUV } from './hit';
import { FocusSmoother, type FocusSmootherConfig, type FocusUV } from './smoothing';
import { selectSource, type GazeSourceKind, type SourceInputs } from './sources';
import { ScreenRay, type GazeFrame, type GazeSource, type ScreenShape, type SteeringKind } from './gazeSource';
import { HeadRaySource } from './headRay';
import { ControllerRaySource } from './controllerRay';
import { TransientPointerSource } from './transientPointer';
import { MouseHoverSource } from './mouseHover';

export interface GazeConfig {
  smoothing: Partial<FocusSmootherConfig>;
  /** A controller ray steers while it has turned more than this many degrees … */
  controllerMotionDeg: number;
  /** … within this many seconds; otherwise head gaze steers. */
  controllerMotionWindowSec: number;
  /** onFocusChange fires at most once per this interval (seconds) … */
  emitIntervalSec: number;
  /** … and only when the focus moved more than this (image units) since the last emit. */
  emitMinDistance: number;
  /** How many three.js controller slots to watch (renderer.xr.getController(i), i < this). */
  controllerSlots: number;
}

export const DEFAULT_CONTROLLER_MOTION_DEG = 2;
export const DEFAULT_CONTROLLER_MOTION_WINDOW_SEC = 1;
export const DEFAULT_EMIT_INTERVAL_SEC = 0.1;
export const DEFAULT_EMIT_MIN_DISTANCE = 0.005;

export const DEFAULT_GAZE_CONFIG: Readonly<GazeConfig> = Object.freeze({
  smoothing: {},
  controllerMotionDeg: DEFAULT_CONTROLLER_MOTION_DEG,
  controllerMotionWindowSec: DEFAULT_CONTROLLER_MOTION_WINDOW_SEC,
  emitIntervalSec: DEFAULT_EMIT_INTERVAL_SEC,
  emitMinDistance: DEFAULT_EMIT_MIN_DISTANCE,
  controllerSlots: 2,
});

export function validateGazeConfig(config: Partial<GazeConfig> = {}): GazeConfig {
  const c = { ...DEFAULT_GAZE_CONFIG, ...config, smoothing: { ...config.smoothing } };
  if (!(c.emitIntervalSec >= 0)) throw new Error(`GazeController emitIntervalSec must be ≥ 0, got ${c.emitIntervalSec}`);
  if (!(c.emitMinDistance >= 0)) throw new Error(`GazeController emitMinDistance must be ≥ 0, got ${c.emitMinDistance}`);
  if (!(Number.isInteger(c.controllerSlots) && c.controllerSlots >= 0 && c.controllerSlots <= 8)) {
    throw new Error(`GazeController controllerSlots must be an integer in [0, 8], got ${c.controllerSlots}`);
  }
  // The smoother and the motion detector validate their own parts (and throw with their own names).
  return c;
}

export interface GazeControllerOptions {
  renderer: THREE.WebGLRenderer;
  /** The desktop camera (in XR, three.js poses it from the headset). */
  camera: THREE.PerspectiveCamera;
  /** The screen group: world rays are transformed into its local frame, where `layout` applies. */
  screenObject: THREE.Object3D;
  layout: ScreenShape;
  /** Receives the mouse events (the canvas). */
  domElement: HTMLElement;
  /** The flat preview's current mode, so hover maps to the right eye viewport (default: always mono). */
  viewMode?: () => ViewMode;
  config?: Partial<GazeConfig>;
  /**
   * The sources, one per kind; default: createGazeSources (head, controller / hand, transient pointer,
   * mouse). `toggleLock` is the controller's own: what a pointing device's select does.
   */
  sources?: (toggleLock: () => void) => GazeSource[];
}

export interface GazeState {
  /** Smoothed focus [u, v] (u left→right, v top→bottom): what the zoom centre follows. */
  focus: FocusUV;
  /** This frame's hit of the steering ray, or null when nothing steers or the ray misses the screen. */
  raw: ScreenUV | null;
  locked: boolean;
  source: GazeSourceKind;
}

export type FocusListener = (focus: readonly [number, number]) => void;

/** The four sources the product uses, in the order they are measured. */
export function createGazeSources(opts: GazeControllerOptions, config: Readonly<GazeConfig>, toggleLock: () => void): GazeSource[] {
  return [
    new HeadRaySource(opts.renderer, opts.camera),
    new ControllerRaySource(opts.renderer, {
      slots: config.controllerSlots, motionDeg: config.controllerMotionDeg, motionWindowSec: config.controllerMotionWindowSec, onSelect: toggleLock,
    }),
    new TransientPointerSource(opts.renderer, opts.camera),
    new MouseHoverSource(opts.domElement, opts.camera, opts.viewMode),
  ];
}

export class GazeController {
  readonly config: Readonly<GazeConfig>;
  private readonly opts: GazeControllerOptions;
  private readonly smoother: FocusSmoother;
  private readonly state: GazeState;
  private readonly listeners: FocusListener[] = [];
  private readonly sources: GazeSource[];
  private readonly byKind = new Map<SteeringKind, GazeSource>();
  private readonly ray: ScreenRay;
  private readonly frame: GazeFrame;
  private locked = false;
  private sinceEmitSec = Infinity;
  private readonly lastEmitted: [number, number] = [NaN, NaN];
  private disposed = false;
  private readonly rawOut: ScreenUV = [0.5, 0.5];
  private readonly inputs: SourceInputs = {
    presenting: false, transientHeld: false, controllerRecentlyMoved: false, controllerHits: false, headTracked: false, mouseHovering: false,
  };

  constructor(opts: GazeControllerOptions) {
    this.opts = opts;
    this.config = Object.freeze(validateGazeConfig(opts.config));
    this.smoother = new FocusSmoother(this.config.smoothing);
    this.state = { focus: this.smoother.focus, raw: null, locked: false, source: 'none' };
    this.ray = new ScreenRay(opts.screenObject, opts.layout);
    this.frame = { presenting: false, timeSec: 0, ray: this.ray };
    const toggle = () => this.toggleLock();
    this.sources = opts.sources ? opts.sources(toggle) : createGazeSources(opts, this.config, toggle);
    for (const s of this.sources) {
      if (this.byKind.has(s.kind)) throw new Error(`GazeController: two '${s.kind}' sources`);
      this.byKind.set(s.kind, s);
    }
  }

  /** Called with the smoothed focus at most every emitIntervalSec, when it moved more than emitMinDistance. The array is reused: copy it to keep it. Returns an unsubscribe. */
  onFocusChange(cb: FocusListener): () => void {
    this.listeners.push(cb);
    return () => {
      const i = this.listeners.indexOf(cb);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** The latest update's state (the object update returns). */
  get current(): Readonly<GazeState> {
    return this.state;
  }

  get isLocked(): boolean {
    return this.locked;
  }

  /** Freezes the focus where it is now (or releases it). */
  setLocked(locked: boolean): void {
    if (locked && !this.locked) this.smoother.hold();
    this.locked = locked;
    this.state.locked = locked;
  }

  toggleLock(): void {
    this.setLocked(!this.locked);
  }

  /** Jumps the focus (e.g. to the centre when a new dream starts). */
  reset(focus: readonly [number, number] = [0.5, 0.5]): void {
    this.smoother.reset(focus);
    this.sinceEmitSec = Infinity;
  }

  /**
   * Once per frame, before rendering (Viewer.onFrame). dtSec: seconds since the last call. Returns the
   * same state object every call. No allocation.
   */
  update(dtSec: number): Readonly<GazeState> {
    const dt = Number.isFinite(dtSec) && dtSec > 0 ? dtSec : 0;
    const f = this.frame;
    f.timeSec += dt;
    f.presenting = this.opts.renderer.xr.isPresenting;
    this.ray.begin();
    const inputs = this.inputs;
    inputs.presenting = f.presenting;
    for (let i = 0; i < this.sources.length; i++) this.sources[i].update(f, inputs);
    const source = selectSource(inputs);
    const raw = source === 'none' ? null : this.byKind.get(source)?.hit ?? null;
    if (raw) { this.rawOut[0] = raw[0]; this.rawOut[1] = raw[1]; }

    // Locked: the focus stays put, except that a pinch-drag is an explicit "here" and moves the lock point.
    const steer = !this.locked || source === 'transient-pointer';
    this.smoother.update(steer && raw ? this.rawOut : null, dt);

    const st = this.state;
    st.raw = raw ? this.rawOut : null;
    st.source = source;
    st.locked = this.locked;
    this.maybeEmit(dt);
    return st;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.sources) s.dispose();
    this.listeners.length = 0;
  }

  private maybeEmit(dt: number): void {
    this.sinceEmitSec += dt;
    if (this.listeners.length === 0 || this.sinceEmitSec < this.config.emitIntervalSec) return;
    const f = this.smoother.focus;
    const moved = Number.isNaN(this.lastEmitted[0]) || Math.hypot(f[0] - this.lastEmitted[0], f[1] - this.lastEmitted[1]) > this.config.emitMinDistance;
    if (!moved) return;
    this.lastEmitted[0] = f[0];
    this.lastEmitted[1] = f[1];
    this.sinceEmitSec = 0;
    for (let i = 0; i < this.listeners.length; i++) this.listeners[i](this.lastEmitted);
  }
}

/** Factory in the house style (interface + factory + validated config): throws on a bad config. */
export function createGazeController(opts: GazeControllerOptions): GazeController {
  return new GazeController(opts);
}
