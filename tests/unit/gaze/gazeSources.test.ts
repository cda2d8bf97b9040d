import { describe, it, expect } from 'vitest';
import * as THREE from 'three';
import {
  ControllerRaySource, GazeController, HeadRaySource, MouseHoverSource, ScreenRay, TransientPointerSource,
  type GazeFrame, type GazeSource, type SourceInputs,
} from '../../../src/gaze';
import { screenLayout } from '../../../src/xr/screenLayout';

// Each gaze source on its own, against stand-ins for three.js's WebXRManager, an XR session and a canvas.

class FakeXR extends THREE.EventDispatcher<{ sessionstart: object; sessionend: object }> {
  isPresenting = false;
  session: (EventTarget & { inputSources?: unknown[] }) | null = null;
  frame: { getPose: (space: unknown, ref: unknown) => { transform: { matrix: Float32Array } } | null } | null = null;
  readonly cameraXR = Object.assign(new THREE.Group(), { cameras: [] as THREE.PerspectiveCamera[] });
  readonly controllers: THREE.Group[] = [];
  getSession() { return this.session; }
  getController(i: number) { return (this.controllers[i] ??= new THREE.Group()); }
  getCamera() { return this.cameraXR; }
  getFrame() { return this.frame; }
  getReferenceSpace() { return this.session ? {} : null; }
  start(inputSources: unknown[] = []): void {
    this.session = Object.assign(new EventTarget(), { inputSources });
    this.isPresenting = true;
    const eye = new THREE.PerspectiveCamera();
    this.cameraXR.cameras.push(eye, eye.clone());
    this.dispatchEvent({ type: 'sessionstart' });
  }
  end(): void {
    this.isPresenting = false;
    this.session = null;
    this.dispatchEvent({ type: 'sessionend' });
  }
}

const renderer = (xr: FakeXR) => ({ xr }) as unknown as THREE.WebGLRenderer;
const inputs = (): SourceInputs => ({ presenting: false, transientHeld: false, controllerRecentlyMoved: false, controllerHits: false, headTracked: false, mouseHovering: false });
function frame(presenting: boolean, timeSec = 0): GazeFrame {
  const ray = new ScreenRay(new THREE.Group(), screenLayout());
  ray.begin();
  return { presenting, timeSec, ray };
}
/** A pose looking yawDeg left of straight ahead from the eye (reference space). */
function pose(yawDeg: number) {
  const m = new THREE.Matrix4().makeRotationY(THREE.MathUtils.degToRad(yawDeg));
  return { transform: { matrix: new Float32Array(m.elements) } };
}

describe('HeadRaySource', () => {
  it('in XR: tracked once the eye cameras have a pose, and hits where the head points', () => {
    const xr = new FakeXR();
    const head = new HeadRaySource(renderer(xr), new THREE.PerspectiveCamera());
    const i = inputs();
    head.update(frame(true), i);
    expect(i.headTracked).toBe(false); // no eye cameras yet
    expect(head.hit).toBeNull();
    xr.start();
    head.update(frame(true), i);
    expect(i.headTracked).toBe(true);
    expect(head.hit![0]).toBeCloseTo(0.5, 6);
    head.update(frame(false), i);
    expect(i.headTracked).toBe(false);
    expect(head.hit).toBeNull();
  });
});

describe('MouseHoverSource', () => {
  class FakeCanvas extends EventTarget { getBoundingClientRect() { return { left: 0, top: 0, width: 800, height: 400 }; } }
  const pointer = (type: string, x: number, y: number, buttons = 0) => Object.assign(new Event(type), { clientX: x, clientY: y, buttons, button: 0, pointerType: 'mouse' });

  it('hovering steers the flat preview, in the eye viewport under the pointer; a drag, XR or leaving does not', () => {
    const canvas = new FakeCanvas();
    let mode: 'mono' | 'side-by-side' = 'mono';
    const mouse = new MouseHoverSource(canvas as unknown as HTMLElement, new THREE.PerspectiveCamera(70, 2, 0.05, 100), () => mode);
    const i = inputs();
    canvas.dispatchEvent(pointer('pointermove', 400, 200));
    mouse.update(frame(false), i);
    expect(i.mouseHovering).toBe(true);
    expect(mouse.hit![0]).toBeCloseTo(0.5, 6);
    mode = 'side-by-side'; // the right half is the right eye: its centre is straight ahead too
    canvas.dispatchEvent(pointer('pointermove', 600, 200));
    mouse.update(frame(false), i);
    expect(mouse.hit![0]).toBeCloseTo(0.5, 6);
    mouse.update(frame(true), i);
    expect(mouse.hit).toBeNull(); // in XR the mouse does not steer
    canvas.dispatchEvent(pointer('pointerdown', 600, 200, 1));
    mouse.update(frame(false), i);
    expect([i.mouseHovering, mouse.hit]).toEqual([false, null]);
    canvas.dispatchEvent(pointer('pointerup', 600, 200));
    canvas.dispatchEvent(pointer('pointerleave', 0, 0));
    mouse.update(frame(false), i);
    expect(i.mouseHovering).toBe(false);
    mouse.dispose();
    canvas.dispatchEvent(pointer('pointermove', 400, 200));
    mouse.update(frame(false), i);
    expect(i.mouseHovering).toBe(false); // unheard after dispose
  });
});

describe('TransientPointerSource', () => {
  it('the ray at selectstart steers while held, follows the hand, and ends with selectend', () => {
    const xr = new FakeXR();
    const src = new TransientPointerSource(renderer(xr), new THREE.PerspectiveCamera());
    xr.start();
    const hand = { targetRayMode: 'transient-pointer', targetRaySpace: {} } as unknown as XRInputSource;
    const event = (type: string, p: ReturnType<typeof pose> | null) => Object.assign(new Event(type), { inputSource: hand, frame: { getPose: () => p } });
    const i = inputs();
    src.update(frame(true), i);
    expect(i.transientHeld).toBe(false);
    xr.session!.dispatchEvent(event('selectstart', pose(10))); // looking 10° left when the pinch starts
    src.update(frame(true), i);
    expect(i.transientHeld).toBe(true);
    const start = src.hit![0];
    expect(start).toBeLessThan(0.45);
    xr.frame = { getPose: () => pose(-10) }; // the hand drags right
    src.update(frame(true), i);
    expect(src.hit![0]).toBeGreaterThan(0.55);
    xr.session!.dispatchEvent(event('selectend', null));
    src.update(frame(true), i);
    expect([i.transientHeld, src.hit]).toEqual([false, null]);
    // A tracked-pointer's select is not a transient pinch.
    xr.session!.dispatchEvent(Object.assign(new Event('selectstart'), { inputSource: { targetRayMode: 'tracked-pointer' }, frame: { getPose: () => pose(0) } }));
    src.update(frame(true), i);
    expect(i.transientHeld).toBe(false);
    src.dispose();
  });

  it('the session ending releases the pinch', () => {
    const xr = new FakeXR();
    const src = new TransientPointerSource(renderer(xr), new THREE.PerspectiveCamera());
    xr.start();
    xr.session!.dispatchEvent(Object.assign(new Event('selectstart'), { inputSource: { targetRayMode: 'transient-pointer', targetRaySpace: {} }, frame: { getPose: () => pose(0) } }));
    const i = inputs();
    src.update(frame(true), i);
    expect(i.transientHeld).toBe(true);
    xr.end();
    src.update(frame(false), i);
    expect(i.transientHeld).toBe(false);
  });
});

describe('ControllerRaySource', () => {
  it('a pointing device\'s select toggles the lock (through the callback); a left hand\'s pinch and a transient select do not', () => {
    const xr = new FakeXR();
    let toggles = 0;
    new ControllerRaySource(renderer(xr), { slots: 2, motionDeg: 2, motionWindowSec: 1, onSelect: () => toggles++ });
    const c = xr.getController(0);
    c.dispatchEvent({ type: 'select', data: { targetRayMode: 'tracked-pointer' } } as never);
    c.dispatchEvent({ type: 'select', data: { targetRayMode: 'tracked-pointer', hand: {}, handedness: 'right' } } as never);
    expect(toggles).toBe(2);
    c.dispatchEvent({ type: 'select', data: { targetRayMode: 'tracked-pointer', hand: {}, handedness: 'left' } } as never);
    c.dispatchEvent({ type: 'select', data: { targetRayMode: 'transient-pointer' } } as never);
    expect(toggles).toBe(2);
  });

  it('made mid-session, it adopts the session\'s input sources in slot order', () => {
    const xr = new FakeXR();
    xr.start([{ targetRayMode: 'tracked-pointer' }]);
    const src = new ControllerRaySource(renderer(xr), { slots: 2, motionDeg: 2, motionWindowSec: 1, onSelect: () => undefined });
    const i = inputs();
    const c = xr.getController(0);
    src.update(frame(true, 0), i); // anchors
    c.rotation.y = THREE.MathUtils.degToRad(10);
    src.update(frame(true, 0.1), i);
    expect([i.controllerRecentlyMoved, i.controllerHits]).toEqual([true, true]);
    expect(src.hit![0]).toBeLessThan(0.5);
  });
});

describe('GazeController with its own sources', () => {
  // A source that always hits where it is told and claims what selectSource needs for its kind.
  const fixed = (kind: GazeSource['kind'], uv: [number, number]): GazeSource => ({
    kind, hit: uv, dispose: () => undefined,
    update: (_f, i) => { if (kind === 'mouse') i.mouseHovering = true; if (kind === 'head') i.headTracked = true; },
  });
  const opts = (sources: (toggle: () => void) => GazeSource[]) => ({
    renderer: renderer(new FakeXR()), camera: new THREE.PerspectiveCamera(), screenObject: new THREE.Group(), layout: screenLayout(),
    domElement: new EventTarget() as unknown as HTMLElement, sources,
  });

  it('applies selectSource\'s decision: the chosen source\'s hit is the raw focus', () => {
    const gaze = new GazeController(opts(() => [fixed('head', [0.9, 0.5]), fixed('mouse', [0.2, 0.3])]));
    const s = gaze.update(0.016); // not presenting: the mouse
    expect(s.source).toBe('mouse');
    expect(s.raw).toEqual([0.2, 0.3]);
    expect(gaze.current).toBe(s);
  });

  it('refuses two sources of one kind', () => {
    expect(() => new GazeController(opts(() => [fixed('mouse', [0, 0]), fixed('mouse', [1, 1])]))).toThrow("GazeController: two 'mouse' sources");
  });
});
