// The page's test API: what the e2e tests and the page-driving scripts (bench, soak, README media) may do
// and read, as plain values and narrow commands instead of the page's internal objects. Installed as
// window.__dreamGoggles only under the test switch `?testHooks=1` (src/app/config.ts), once the page is
// wired; never otherwise. Types only here: a spec imports this file without pulling in the page.
import type { DreamEvent } from '../dream';
import type { PanelState } from '../ui';

/** Framebuffer fractions, origin top-left. */
export type FramePoint = [number, number];

export interface ViewState {
  presenting: boolean;
  /** The XR reference space in use (null outside XR). */
  refSpace: string | null;
  /** The flat preview's mode: mono, side-by-side, anaglyph. */
  mode: string;
  /** Frames rendered since the page started. */
  frameCount: number;
  /** The drawing buffer now (the XR framebuffer while presenting). */
  width: number;
  height: number;
  /** Between 'webglcontextlost' and 'webglcontextrestored'. */
  contextLost: boolean;
  /** The stereo method shown (null on the calibration page). */
  stereoMethod: 'warp' | 'mesh' | null;
  /** The depth-displaced screen (mesh method) is what is drawn. */
  displacedShown: boolean;
  /** The XR session's input sources, and how many are tracked hands (0 outside XR). */
  inputSources: number;
  hands: number;
}

/** A keyframe pushed straight onto the stereo screen (as a dream keyframe arrives: RGBA, depth near 0 → far 1). */
export interface TestKeyframe {
  image: { data: Uint8Array | Uint8ClampedArray; width: number; height: number };
  depth: { data: Float32Array; width: number; height: number } | null;
  /** Magnification from the previous keyframe (≥ 1). */
  stepZoom: number;
  focus: readonly [number, number];
  /** Not a zoom of the previous keyframe (starts the zoom over). */
  reset?: boolean;
}

export interface PlaybackSnapshot {
  hasKeyframe: boolean;
  /** The keyframe on screen carries depth. */
  showingDepth: boolean;
  /** Window into the current keyframe: centre and width in its uv (1 = all of it). */
  current: { cx: number; cy: number; w: number };
  logZoom: number;
  logSpeed: number;
  /** Keyframes waiting to be shown. */
  queued: number;
  /** 0 → only the previous keyframe visible, 1 → only the current. */
  fade: number;
  currentSlot: number;
  previousSlot: number;
  paused: boolean;
  config: { speedScale: number; fadeSeconds: number; maxLogSpeed: number; maxLogAccel: number; maxLogOvershoot: number };
}

/** Holds the zoom where a test wants it (each field optional). */
export interface PlaybackOverride {
  paused?: boolean;
  logSpeed?: number;
  fade?: number;
  fadeSeconds?: number;
}

export interface ComfortSnapshot {
  /** The governor's disparity scale k (screen uv per depth unit) and zero-parallax depth. */
  scale: number;
  z0: number;
  strength: number;
  maxDisparityDeg: number;
  /** The override in force (tests), or null. */
  override: { z0: number; scale: number } | null;
}

/** What the shaders draw with now (the left eye's warp material; the mesh method's own when it is shown). */
export interface UniformSnapshot {
  scale: number;
  fade: number;
  z0: number;
  /** The mesh method's radians of disparity per depth unit (null while the warp is shown). */
  angleScale: number | null;
}

export interface FocusSnapshot {
  /** The zoom centre, screen uv. */
  u: number;
  v: number;
  /** Set by a test (setFocus) instead of following the gaze. */
  manual: boolean;
}

export interface GazeSnapshot {
  locked: boolean;
  source: string;
  /** The steering ray's hit this frame, or null. */
  raw: [number, number] | null;
  focus: [number, number];
}

export interface ControlsSnapshot {
  /** The panel's state: recipe, seed, zoom, rng, mode, method, depth, budget, paused, frameGuard, steps, … */
  state: PanelState;
  /** The recipe the worker last confirmed, or null. */
  workerRecipe: { name: string; steps: number; stepSize: number; octaves: number } | null;
  /** Loading progress per model, bytes. */
  loads: Record<string, { loaded: number; total: number }>;
  /** The share link's query for the current state. */
  shareSearch: string;
}

export interface LabelSnapshot {
  text: string;
  /** How many times it was shown (each show, even of the same text). */
  shown: number;
  visible: boolean;
  /** Canvas redraws (only when the text changes). */
  draws: number;
  /** World position of its centre. */
  position: [number, number, number];
}

export interface DreamSnapshot {
  /** The worker is asked to dream now. */
  running: boolean;
  pausedBy: string[];
  /** Restarts since the last keyframe. */
  restartAttempts: number;
  /** The backend the worker is asked for (null: its automatic choice). */
  requestedBackend: string | null;
}

export interface FrameGuardSnapshot {
  active: boolean;
  duty: number;
  probeMs: number;
  /** The last window's rest-time fps ÷ overall fps. */
  fpsRatio: number;
}

export interface MemorySnapshot { numTensors: number; numBytes: number; dataIds: number; backend: string }

/** IWER's emulated Quest 3 (the headset the tests wear). */
export interface HeadsetApi {
  /** Metres between the eyes (0: both eye cameras coincide). */
  ipd(): number;
  setIpd(m: number): void;
  /** Head orientation quaternion [x, y, z, w]. */
  orientation(): [number, number, number, number];
  /** Sets the head orientation at once (between two frames). */
  setOrientation(x: number, y: number, z: number, w: number): void;
  /** Turns the head through IWER's remote control (degrees; yaw > 0 turns left). */
  look(yawDeg: number, pitchDeg?: number): Promise<void>;
  /** A controller button's value: 'trigger', 'a-button', 'x-button', 'b-button', 'thumbstick', … */
  button(hand: 'left' | 'right', button: string, value: number): void;
  thumbstick(hand: 'left' | 'right', x: number, y: number): void;
  /** Tracked hands instead of controllers. */
  useHands(): void;
  pinch(hand: 'left' | 'right', value: number): void;
}

export interface TestApi {
  // The view.
  state(): ViewState;
  /** RGBA at each point of the next rendered frame (the XR framebuffer while presenting). */
  readPixels(points: FramePoint[]): Promise<number[][]>;
  /** The whole next frame, RGBA rows bottom-up as GL gives them, plus its size. */
  readFrame(): Promise<{ width: number; height: number; pixels: number[] }>;
  /** The renderer's WebGL context (read pixels inside onAfterRender; lose / restore it). */
  gl(): WebGL2RenderingContext;
  /** Every frame before rendering, after the page's own frame work. Returns an unsubscribe. */
  onFrame(cb: (timeMs: number) => void): () => void;
  /** Every frame right after rendering, while its pixels are in the framebuffer. Returns an unsubscribe. */
  onAfterRender(cb: (timeMs: number) => void): () => void;
  /** Called with true when the WebGL context is lost, false when it is back. Returns an unsubscribe. */
  onContextChange(cb: (lost: boolean) => void): () => void;
  /** The XR eye cameras of the latest frame: projection and view matrices (column-major, three.js order). */
  eyes(): { projection: number[]; view: number[] }[];
  /** Ends the XR session as the system would. */
  endSession(): Promise<void>;
  /** The emulated headset; throws on a page without the emulator. */
  headset: HeadsetApi;

  // The stereo screen (throws on the calibration page).
  pushKeyframe(k: TestKeyframe): void;
  playback(): PlaybackSnapshot;
  setPlayback(o: PlaybackOverride): void;
  comfort(): ComfortSnapshot;
  /** Bypasses the comfort governor with a fixed z0 and scale (null: the governor again). */
  overrideComfort(o: { z0: number; scale: number } | null): void;
  uniforms(): UniformSnapshot;

  // Focus and gaze.
  focus(): FocusSnapshot;
  /** The zoom centre follows this point (screen uv) instead of the gaze, until releaseFocus. */
  setFocus(u: number, v: number): void;
  releaseFocus(): void;
  /** The gaze controller's latest frame. */
  gaze(): GazeSnapshot;

  // The page's controls (throws on the calibration page).
  controls(): ControlsSnapshot;
  /** Sets the panel control shown as `name` as a person would (in VR the panel is folded away). */
  setPanel(name: string, value: unknown): void;
  label(): LabelSnapshot;
  showLabel(text: string): void;
  /** The label's hold and fade times (s); returns the previous ones. */
  setLabelTiming(t: { holdSec?: number; fadeSec?: number }): { holdSec: number; fadeSec: number };
  /** The snapshot / recording size per eye, and whether it records. */
  capture(): { eyeWidth: number; eyeHeight: number; recording: boolean };
  snapshot(): Promise<{ sbs: Blob; depth: Blob }>;
  startRecording(bitsPerSecond?: number): void;
  stopRecording(): Promise<Blob>;

  // The dream worker (throws without a dream engine).
  onDreamEvent<T extends DreamEvent['type']>(type: T, handler: (e: Extract<DreamEvent, { type: T }>) => void): () => void;
  dream(): DreamSnapshot;
  /** Asks the worker to dream / to stop, leaving the zoom running (a stalled dream). */
  startDream(): void;
  stopDream(): void;
  /** Holds / releases the dream for a reason, as the page's pauses do. */
  pauseDream(reason: string): void;
  resumeDream(reason: string): void;
  /** The worker crashes, or loses its WebGL context (its 'fault' command, accepted only under the test switch). */
  injectFault(fault: 'crash' | 'loseContext'): void;
  /** The worker's tf.memory(); `settled`: between keyframes. */
  memory(opts?: { settled?: boolean }): Promise<MemorySnapshot>;
  /** The frame guard's figures, or null without a dream. */
  frameGuard(): FrameGuardSnapshot | null;
}

declare global {
  interface Window { __dreamGoggles?: TestApi }
}
