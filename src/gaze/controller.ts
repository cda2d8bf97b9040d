// Gaze steering: turns whatever the person is pointing with into the dream's zoom focus, once per frame.
// Sources (see sources.ts for the priority): the XR head ray (Quest has no eye gaze for the web, so "gaze" is
// head-forward), a controller / hand target ray while it is being moved, Vision Pro's transient-pointer
// (the eye-gaze ray at the moment a pinch starts, then dragged by the hand until the pinch ends), and the
// mouse hovering over the desktop preview. Owns every listener it adds; dispose() removes them all.
// The per-frame path (update) allocates nothing on our side; XRFrame.getPose (transient-pointer only)
// returns a fresh XRPose by the WebXR API's design, as three.js's own controller update does.
import * as THREE from 'three';
import { eyeViewports, type ViewMode } from '../stereo';
import type { ScreenLayout } from '../xr';
import { rayHitScreen, type ScreenUV } from './hit';
import { FocusSmoother, type FocusSmootherConfig, type FocusUV } from './smoothing';
import { MotionDetector, selectSource, type GazeSourceKind, type SourceInputs } from './sources';

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
  layout: Pick<ScreenLayout, 'distance' | 'width' | 'height' | 'radius'>;
  /** Receives the mouse events (the canvas). */
  domElement: HTMLElement;
  /** The flat preview's current mode, so hover maps to the right eye viewport (default: always mono). */
  viewMode?: () => ViewMode;
  config?: Partial<GazeConfig>;
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

interface ControllerSlot {
  group: THREE.XRTargetRaySpace;
  source: XRInputSource | null;
  detector: MotionDetector;
  hit: ScreenUV;
  hits: boolean;
  moving: boolean;
  onConnected: (e: { data?: XRInputSource }) => void;
  onDisconnected: () => void;
  onSelect: (e: { data?: XRInputSource }) => void;
}

type SessionListener = (e: Event) => void;

export class GazeController {
  readonly config: Readonly<GazeConfig>;
  private readonly opts: GazeControllerOptions;
  private readonly smoother: FocusSmoother;
  private readonly state: GazeState;
  private readonly listeners: FocusListener[] = [];
  private readonly slots: ControllerSlot[] = [];
  private readonly domListeners: [string, EventListener][] = [];
  private locked = false;
  private timeSec = 0;
  private sinceEmitSec = Infinity;
  private readonly lastEmitted: [number, number] = [NaN, NaN];
  private disposed = false;

  // Scratch, hoisted so update() allocates nothing.
  private readonly origin = new THREE.Vector3();
  private readonly dir = new THREE.Vector3();
  private readonly tmp = new THREE.Vector3();
  private readonly toLocal = new THREE.Matrix4();
  private readonly m = new THREE.Matrix4();
  private readonly headHit: ScreenUV = [0.5, 0.5];
  private readonly mouseHit: ScreenUV = [0.5, 0.5];
  private readonly transientHit: ScreenUV = [0.5, 0.5];
  private readonly rawOut: ScreenUV = [0.5, 0.5];
  private readonly inputs: SourceInputs = {
    presenting: false, transientHeld: false, controllerRecentlyMoved: false, controllerHits: false, headTracked: false, mouseHovering: false,
  };

  // Mouse: normalised device coordinates inside the eye viewport under the pointer, and that viewport's aspect.
  private mouseInside = false;
  private mouseDragging = false;
  private mouseNdcX = 0;
  private mouseNdcY = 0;
  private mouseAspect = 1;

  // Transient pointer (Vision Pro): the held source and its latest world ray (origin + direction).
  private session: XRSession | null = null;
  private transient: XRInputSource | null = null;
  private readonly transientOrigin = new THREE.Vector3();
  private readonly transientDir = new THREE.Vector3(0, 0, -1);
  private readonly sessionListeners: [string, SessionListener][];
  private readonly onSessionStart = () => this.attachSession();
  private readonly onSessionEnd = () => this.detachSession();

  constructor(opts: GazeControllerOptions) {
    this.opts = opts;
    this.config = Object.freeze(validateGazeConfig(opts.config));
    this.smoother = new FocusSmoother(this.config.smoothing);
    this.state = { focus: this.smoother.focus, raw: null, locked: false, source: 'none' };

    for (let i = 0; i < this.config.controllerSlots; i++) this.slots.push(this.makeSlot(i));

    this.sessionListeners = [
      ['selectstart', (e) => this.onTransientStart(e as XRInputSourceEvent)],
      ['selectend', (e) => this.onTransientEnd((e as XRInputSourceEvent).inputSource)],
      ['inputsourceschange', (e) => {
        for (const s of (e as XRInputSourcesChangeEvent).removed) this.onTransientEnd(s);
      }],
    ];
    opts.renderer.xr.addEventListener('sessionstart', this.onSessionStart);
    opts.renderer.xr.addEventListener('sessionend', this.onSessionEnd);
    if (opts.renderer.xr.getSession()) this.attachSession();
    this.bindMouse(opts.domElement);
  }

  /** Called with the smoothed focus at most every emitIntervalSec, when it moved more than emitMinDistance. The array is reused: copy it to keep it. Returns an unsubscribe. */
  onFocusChange(cb: FocusListener): () => void {
    this.listeners.push(cb);
    return () => {
      const i = this.listeners.indexOf(cb);
      if (i >= 0) this.listeners.splice(i, 1);
    };
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
    this.timeSec += dt;
    const { renderer, screenObject } = this.opts;
    screenObject.updateWorldMatrix(true, false);
    this.toLocal.copy(screenObject.matrixWorld).invert();
    const presenting = renderer.xr.isPresenting;

    let headTracked = false, headHits = false;
    let controller: ControllerSlot | null = null;
    let transientHits = false, mouseHits = false;

    if (presenting) {
      headTracked = this.headRay();
      if (headTracked) headHits = this.hit(this.headHit);
      let latest = -Infinity;
      for (let i = 0; i < this.slots.length; i++) {
        const s = this.slots[i];
        s.moving = false; s.hits = false;
        if (!s.source || s.source.targetRayMode !== 'tracked-pointer' || !s.group.visible) continue;
        s.group.updateWorldMatrix(true, false);
        this.origin.setFromMatrixPosition(s.group.matrixWorld);
        this.dir.set(0, 0, -1).transformDirection(s.group.matrixWorld);
        s.moving = s.detector.update(this.dir.x, this.dir.y, this.dir.z, this.timeSec);
        s.hits = this.hit(s.hit);
        if (s.moving && s.hits && s.detector.lastMoveSec > latest) { latest = s.detector.lastMoveSec; controller = s; }
      }
      if (this.transient) {
        this.transientPose(renderer.xr.getFrame());
        this.origin.copy(this.transientOrigin);
        this.dir.copy(this.transientDir);
        transientHits = this.hit(this.transientHit);
      }
    } else if (this.mouseInside && !this.mouseDragging) {
      this.mouseRay();
      mouseHits = this.hit(this.mouseHit);
    }

    const inputs = this.inputs;
    inputs.presenting = presenting;
    inputs.transientHeld = this.transient !== null;
    inputs.controllerRecentlyMoved = controller !== null;
    inputs.controllerHits = controller !== null;
    inputs.headTracked = headTracked;
    inputs.mouseHovering = this.mouseInside && !this.mouseDragging;
    const source = selectSource(inputs);
    let raw: ScreenUV | null = null;
    if (source === 'head' && headHits) raw = this.headHit;
    else if (source === 'controller' && controller) raw = controller.hit;
    else if (source === 'transient-pointer' && transientHits) raw = this.transientHit;
    else if (source === 'mouse' && mouseHits) raw = this.mouseHit;
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
    const { renderer, domElement } = this.opts;
    renderer.xr.removeEventListener('sessionstart', this.onSessionStart);
    renderer.xr.removeEventListener('sessionend', this.onSessionEnd);
    this.detachSession();
    for (const s of this.slots) {
      s.group.removeEventListener('connected', s.onConnected);
      s.group.removeEventListener('disconnected', s.onDisconnected);
      s.group.removeEventListener('select', s.onSelect);
    }
    this.slots.length = 0;
    for (const [type, fn] of this.domListeners) domElement.removeEventListener(type, fn);
    this.domListeners.length = 0;
    this.listeners.length = 0;
  }

  // ---- rays -------------------------------------------------------------------------------------------

  /** Intersects the world ray in origin/dir with the screen, writing [u, v] into out. */
  private hit(out: ScreenUV): boolean {
    this.origin.applyMatrix4(this.toLocal);
    this.dir.transformDirection(this.toLocal);
    return rayHitScreen(this.origin, this.dir, this.opts.layout, out) !== null;
  }

  /**
   * Head ray from this frame's viewer pose. three.js writes the eye cameras' poses (reference space) in its
   * XR frame callback before ours runs, but the XR camera's matrixWorld only at render time, so read the
   * eye cameras' local pose: origin midway between the eyes, direction the headset's forward.
   */
  private headRay(): boolean {
    const xrCam = this.opts.renderer.xr.getCamera();
    const eyes: readonly THREE.Camera[] = xrCam.cameras; // [] until the first XR frame with a pose
    if (eyes.length === 0) return false;
    this.origin.set(0, 0, 0);
    for (let i = 0; i < eyes.length; i++) this.origin.add(eyes[i].position);
    this.origin.multiplyScalar(1 / eyes.length);
    this.dir.set(0, 0, -1).applyQuaternion(eyes[0].quaternion);
    this.refToWorld();
    return true;
  }

  /** XR poses are in the reference space; the world differs only if the camera sits in a moved parent (a dolly). */
  private refToWorld(): void {
    const parent = this.opts.camera.parent;
    if (!parent) return;
    parent.updateWorldMatrix(true, false);
    this.origin.applyMatrix4(parent.matrixWorld);
    this.dir.transformDirection(parent.matrixWorld);
  }

  private mouseRay(): void {
    const cam = this.opts.camera;
    cam.updateMatrixWorld();
    const t = Math.tan(THREE.MathUtils.degToRad(cam.fov) / 2) / cam.zoom;
    this.origin.setFromMatrixPosition(cam.matrixWorld);
    this.dir.set(this.mouseNdcX * t * this.mouseAspect, this.mouseNdcY * t, -1).transformDirection(cam.matrixWorld);
  }

  /** Updates the transient pointer's world ray from this frame's pose of its target ray space (keeps the last one if none). */
  private transientPose(frame: XRFrame | null): void {
    const src = this.transient;
    const ref = this.opts.renderer.xr.getReferenceSpace();
    if (!src || !frame || !ref) return;
    const pose = frame.getPose(src.targetRaySpace, ref);
    if (!pose) return;
    this.setTransientRay(pose.transform.matrix);
  }

  private setTransientRay(matrix: Float32Array): void {
    this.m.fromArray(matrix);
    this.origin.setFromMatrixPosition(this.m);
    this.dir.set(0, 0, -1).transformDirection(this.m);
    this.refToWorld();
    this.transientOrigin.copy(this.origin);
    this.transientDir.copy(this.dir);
  }

  // ---- events -----------------------------------------------------------------------------------------

  private makeSlot(index: number): ControllerSlot {
    const group = this.opts.renderer.xr.getController(index);
    const slot: ControllerSlot = {
      group,
      source: null,
      detector: new MotionDetector(this.config.controllerMotionDeg, this.config.controllerMotionWindowSec),
      hit: [0.5, 0.5],
      hits: false,
      moving: false,
      onConnected: (e) => { slot.source = e.data ?? null; slot.detector.reset(); },
      onDisconnected: () => { slot.source = null; slot.detector.reset(); },
      // Only pointing devices toggle the lock: on Vision Pro a transient-pointer "select" is the pinch itself.
      // A tracked LEFT hand's pinch pauses the dream instead (src/ui/controls.ts); the right hand's locks.
      onSelect: (e) => { if (e.data?.targetRayMode === 'tracked-pointer' && !(e.data.hand && e.data.handedness === 'left')) this.toggleLock(); },
    };
    group.addEventListener('connected', slot.onConnected);
    group.addEventListener('disconnected', slot.onDisconnected);
    group.addEventListener('select', slot.onSelect);
    return slot;
  }

  private attachSession(): void {
    const session = this.opts.renderer.xr.getSession();
    if (!session || session === this.session) return;
    this.detachSession();
    this.session = session;
    for (const [type, fn] of this.sessionListeners) session.addEventListener(type, fn);
    // Constructed mid-session, the slots missed three.js's 'connected' events. three.js fills its slots in
    // session.inputSources order, so adopt those as a best guess; later 'connected' events correct it.
    const present = session.inputSources as XRInputSourceArray | undefined;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (!s.source && present && i < present.length) s.source = present[i];
    }
  }

  private detachSession(): void {
    if (this.session) for (const [type, fn] of this.sessionListeners) this.session.removeEventListener(type, fn);
    this.session = null;
    this.transient = null;
    for (const s of this.slots) { s.detector.reset(); s.moving = false; s.hits = false; }
  }

  /** Vision Pro: the pinch's target ray at selectstart is where the eyes were looking at that moment. */
  private onTransientStart(e: XRInputSourceEvent): void {
    const src = e.inputSource;
    if (src.targetRayMode !== 'transient-pointer') return;
    const ref = this.opts.renderer.xr.getReferenceSpace();
    const pose = ref ? e.frame.getPose(src.targetRaySpace, ref) : null;
    if (!pose) return; // no ray, nothing to steer with
    this.setTransientRay(pose.transform.matrix);
    this.transient = src;
  }

  private onTransientEnd(src: XRInputSource): void {
    if (src === this.transient) this.transient = null;
  }

  private bindMouse(el: HTMLElement): void {
    const on = (type: string, fn: (e: PointerEvent) => void) => {
      el.addEventListener(type, fn as EventListener);
      this.domListeners.push([type, fn as EventListener]);
    };
    const locate = (e: PointerEvent) => {
      const rect = el.getBoundingClientRect();
      const x = e.clientX - rect.left, y = e.clientY - rect.top;
      const mode = this.opts.viewMode?.() ?? 'mono';
      // Find the eye viewport under the pointer (side-by-side has two), then NDC inside it.
      const views = eyeViewports(mode, rect.width, rect.height);
      const v = views.find((vp) => x >= vp.x && x < vp.x + vp.w) ?? views[0];
      const top = rect.height - (v.y + v.h); // viewports are GL bottom-up, pointer y is top-down
      this.mouseNdcX = ((x - v.x) / v.w) * 2 - 1;
      this.mouseNdcY = 1 - ((y - top) / v.h) * 2;
      this.mouseAspect = v.w / v.h;
    };
    // Hover steers; a held button means drag-look (src/xr/look.ts), which must not steer at the same time.
    on('pointermove', (e) => {
      if (e.pointerType === 'touch') return; // touch has no hover: a touch drag looks around
      this.mouseInside = true;
      this.mouseDragging = e.buttons !== 0;
      locate(e);
    });
    on('pointerdown', (e) => { if (e.pointerType !== 'touch') { this.mouseDragging = true; locate(e); } });
    on('pointerup', (e) => { this.mouseDragging = false; locate(e); });
    on('pointercancel', () => { this.mouseDragging = false; });
    on('pointerleave', () => { this.mouseInside = false; this.mouseDragging = false; });
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
