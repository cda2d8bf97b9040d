// Gaze harness: IWER's emulated Quest 3, the viewer with the calibration pattern, a GazeController and a
// FocusMarker. window.__gaze lets tests/e2e/gaze.spec.ts steer (head, controller, transient-pointer shim,
// mouse) and read what the controller computed, frame by frame.
import * as THREE from 'three';
import { XRSpace } from 'iwer';
import { Viewer, pixelTexture, installEmulator, bindViewerLook, type Emulator } from '../src/xr';
import { calibrationPattern, CALIBRATION_SIZE } from '../src/stereo';
import { GazeController, FocusMarker, type GazeSourceKind } from '../src/gaze';

const HISTORY = 512;
const SOURCES: GazeSourceKind[] = ['none', 'head', 'controller', 'transient-pointer', 'mouse'];

export interface GazeFrame { frame: number; raw: [number, number] | null; focus: [number, number]; locked: boolean; source: GazeSourceKind }

/**
 * IWER has no transient-pointer (Vision Pro) emulation. This shim plays one honestly enough for the code
 * under test: a plain input source object with targetRayMode 'transient-pointer' whose targetRaySpace is a
 * real IWER XRSpace parented to the session's reference space (so the real XRFrame.getPose computes its
 * pose), and selectstart / selectend events dispatched on the real session from inside a real XR animation
 * frame (event.frame is active, as the spec requires). Moving the "hand" swaps in a new space with the new
 * pose. Not emulated: adding the source to session.inputSources / inputsourceschange (three.js's controller
 * slots therefore never see it), grip space, hand joints.
 */
class TransientPointerShim {
  private source: { targetRayMode: 'transient-pointer'; handedness: 'none'; targetRaySpace: XRSpace; profiles: string[] } | null = null;
  constructor(private readonly renderer: THREE.WebGLRenderer) {}

  /** Ray from the eye point (reference space) along yaw/pitch degrees (yaw > 0 turns left, as three.js). */
  private space(yawDeg: number, pitchDeg: number): XRSpace {
    const ref = this.renderer.xr.getReferenceSpace();
    if (!ref) throw new Error('transient-pointer shim: no XR session');
    const q = new THREE.Quaternion().setFromEuler(new THREE.Euler(THREE.MathUtils.degToRad(pitchDeg), THREE.MathUtils.degToRad(yawDeg), 0, 'YXZ'));
    const m = new THREE.Matrix4().compose(new THREE.Vector3(0, 1.6, 0), q, new THREE.Vector3(1, 1, 1));
    return new XRSpace(ref as unknown as XRSpace, new Float32Array(m.elements));
  }

  private inFrame(fn: (frame: XRFrame, session: XRSession) => void): Promise<void> {
    const session = this.renderer.xr.getSession();
    if (!session) return Promise.reject(new Error('transient-pointer shim: no XR session'));
    return new Promise((resolve) => session.requestAnimationFrame((_t, frame) => { fn(frame, session); resolve(); }));
  }

  private dispatch(type: 'selectstart' | 'select' | 'selectend', frame: XRFrame, session: XRSession): void {
    const ev = new Event(type);
    Object.defineProperties(ev, { inputSource: { value: this.source }, frame: { value: frame } });
    session.dispatchEvent(ev);
  }

  start(yawDeg: number, pitchDeg = 0): Promise<void> {
    return this.inFrame((frame, session) => {
      this.source = { targetRayMode: 'transient-pointer', handedness: 'none', targetRaySpace: this.space(yawDeg, pitchDeg), profiles: ['generic-hand'] };
      this.dispatch('selectstart', frame, session);
    });
  }

  /** The pinching hand moves: on Vision Pro the target ray then follows the hand. */
  move(yawDeg: number, pitchDeg = 0): void {
    if (this.source) this.source.targetRaySpace = this.space(yawDeg, pitchDeg);
  }

  end(): Promise<void> {
    return this.inFrame((frame, session) => {
      if (!this.source) return;
      this.dispatch('select', frame, session);
      this.dispatch('selectend', frame, session);
      this.source = null;
    });
  }
}

export interface GazeHooks {
  device: Emulator['device'];
  viewer: Viewer;
  gaze: GazeController;
  transient: TransientPointerShim;
  frameCount(): number;
  presenting(): boolean;
  /** This frame's record (null before the first frame). */
  state(): GazeFrame | null;
  frame(n: number): GazeFrame | null;
  focusEvents(): [number, number][];
  enterVR(): Promise<void>;
}

declare global {
  interface Window { __gaze?: GazeHooks }
}

async function main(): Promise<void> {
  const emulator: Emulator = await installEmulator('quest3'); // before the renderer exists
  const left = pixelTexture(calibrationPattern('left', 8), CALIBRATION_SIZE, CALIBRATION_SIZE);
  const right = pixelTexture(calibrationPattern('right', 8), CALIBRATION_SIZE, CALIBRATION_SIZE);
  const viewer = new Viewer({ container: document.getElementById('app')!, left, right, mode: 'mono', antialias: false });

  // Same drag-look as the app, so the tests can check that hover steering and drag-look do not fight.
  bindViewerLook(viewer, emulator.device);

  // Created before entering VR so it hears the controllers' 'connected' events.
  const gaze = new GazeController({
    renderer: viewer.renderer,
    camera: viewer.camera,
    screenObject: viewer.screen.group,
    layout: viewer.screen.layout,
    domElement: viewer.renderer.domElement,
    viewMode: () => viewer.mode,
  });
  const marker = new FocusMarker(viewer.screen.layout);
  viewer.screen.group.add(marker.mesh);

  const focusEvents: [number, number][] = [];
  gaze.onFocusChange((f) => { if (focusEvents.length < 10_000) focusEvents.push([f[0], f[1]]); });

  // Per-frame record in preallocated rings (no allocation in the frame loop).
  const frames = new Int32Array(HISTORY).fill(-1);
  const vals = new Float64Array(HISTORY * 4);
  const flags = new Uint8Array(HISTORY * 3);
  let lastT = -1;
  viewer.onFrame((t) => {
    const dt = lastT < 0 ? 0 : (t - lastT) / 1000;
    lastT = t;
    const s = gaze.update(dt);
    marker.set(s.focus, s.locked);
    const i = viewer.frameCount % HISTORY;
    frames[i] = viewer.frameCount;
    vals[i * 4] = s.raw ? s.raw[0] : NaN; vals[i * 4 + 1] = s.raw ? s.raw[1] : NaN;
    vals[i * 4 + 2] = s.focus[0]; vals[i * 4 + 3] = s.focus[1];
    flags[i * 3] = s.raw ? 1 : 0; flags[i * 3 + 1] = s.locked ? 1 : 0; flags[i * 3 + 2] = SOURCES.indexOf(s.source);
  });
  const record = (i: number): GazeFrame => ({
    frame: frames[i],
    raw: flags[i * 3] ? [vals[i * 4], vals[i * 4 + 1]] : null,
    focus: [vals[i * 4 + 2], vals[i * 4 + 3]],
    locked: flags[i * 3 + 1] === 1,
    source: SOURCES[flags[i * 3 + 2]],
  });

  const shim = new TransientPointerShim(viewer.renderer);
  document.getElementById('enter')!.addEventListener('click', () => { void viewer.enterVR(); });

  const hooks: GazeHooks = {
    device: emulator.device,
    viewer,
    gaze,
    transient: shim,
    frameCount: () => viewer.frameCount,
    presenting: () => viewer.presenting,
    state: () => {
      const i = viewer.frameCount % HISTORY;
      return frames[i] === viewer.frameCount ? record(i) : null;
    },
    /** The record of one frame, if still in the ring. */
    frame: (n: number): GazeFrame | null => (frames[n % HISTORY] === n ? record(n % HISTORY) : null),
    focusEvents: () => focusEvents.slice(),
    enterVR: () => viewer.enterVR(),
  };
  window.__gaze = hooks;
}

main().catch((err) => {
  console.error(err);
  document.body.insertAdjacentHTML('beforeend', `<p role="alert">gaze harness failed: ${String((err as Error).message)}</p>`);
});
