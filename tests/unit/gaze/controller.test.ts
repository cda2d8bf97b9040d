import { describe, it, expect } from 'vitest';
import * as THREE from 'three';
import { GazeController, validateGazeConfig } from '../../../src/gaze/controller';
import { screenLayout } from '../../../src/xr/screenLayout';

// GazeController against a stand-in for three.js's WebXRManager and a canvas (Node has EventTarget but
// no DOM): enough to check source wiring, head rays, lock and the listener lifecycle without WebGL.

class FakeXR extends THREE.EventDispatcher<{ sessionstart: object; sessionend: object }> {
  isPresenting = false;
  session: EventTarget | null = null;
  readonly cameraXR = Object.assign(new THREE.Group(), { cameras: [] as THREE.PerspectiveCamera[] });
  readonly controllers: THREE.Group[] = [];
  getSession() { return this.session; }
  getController(i: number) { return (this.controllers[i] ??= new THREE.Group()); }
  getCamera() { return this.cameraXR; }
  getFrame() { return null; }
  getReferenceSpace() { return null; }
  start(): void {
    this.session = new EventTarget();
    this.isPresenting = true;
    const eye = new THREE.PerspectiveCamera();
    this.cameraXR.cameras.push(eye, eye.clone());
    this.dispatchEvent({ type: 'sessionstart' });
  }
  lookYaw(deg: number): void {
    for (const c of this.cameraXR.cameras) c.quaternion.setFromEuler(new THREE.Euler(0, THREE.MathUtils.degToRad(deg), 0));
  }
}

class FakeCanvas extends EventTarget {
  getBoundingClientRect() { return { left: 0, top: 0, width: 800, height: 400 }; }
}

function pointer(type: string, x: number, y: number, buttons = 0): Event {
  return Object.assign(new Event(type), { clientX: x, clientY: y, buttons, button: 0, pointerType: 'mouse' });
}

function setup() {
  const xr = new FakeXR();
  const canvas = new FakeCanvas();
  const camera = new THREE.PerspectiveCamera(70, 2, 0.05, 100);
  const screen = new THREE.Group();
  const layout = screenLayout();
  const gaze = new GazeController({
    renderer: { xr } as unknown as THREE.WebGLRenderer,
    camera,
    screenObject: screen,
    layout,
    domElement: canvas as unknown as HTMLElement,
  });
  return { xr, canvas, camera, screen, gaze };
}

describe('GazeController', () => {
  it('validates its config with exact messages', () => {
    expect(() => validateGazeConfig({ controllerSlots: 9 })).toThrow('GazeController controllerSlots must be an integer in [0, 8], got 9');
    expect(() => validateGazeConfig({ emitIntervalSec: -1 })).toThrow('GazeController emitIntervalSec must be ≥ 0, got -1');
    const { xr, canvas, camera, screen } = setup();
    const opts = { renderer: { xr } as unknown as THREE.WebGLRenderer, camera, screenObject: screen, layout: screenLayout(), domElement: canvas as unknown as HTMLElement };
    expect(() => new GazeController({ ...opts, config: { smoothing: { margin: 1 } } })).toThrow('FocusSmoother margin must be in [0, 0.5), got 1');
    expect(() => new GazeController({ ...opts, config: { controllerMotionDeg: 0 } })).toThrow('MotionDetector thresholdDeg must be in (0, 90), got 0');
  });

  it('desktop: hover steers, a held button does not, leaving stops', () => {
    const { canvas, gaze } = setup();
    expect(gaze.update(0.016).source).toBe('none');
    canvas.dispatchEvent(pointer('pointermove', 300, 150)); // up-left of centre (19° left, 10° up)
    const s = gaze.update(0.016);
    expect(s.source).toBe('mouse');
    expect(s.raw![0]).toBeLessThan(0.5);
    expect(s.raw![1]).toBeLessThan(0.5);
    canvas.dispatchEvent(pointer('pointerdown', 300, 150, 1));
    expect(gaze.update(0.016).source).toBe('none');
    canvas.dispatchEvent(pointer('pointerup', 500, 250));
    const t = gaze.update(0.016);
    expect(t.source).toBe('mouse');
    expect(t.raw![0]).toBeGreaterThan(0.5);
    canvas.dispatchEvent(pointer('pointerleave', 0, 0));
    expect(gaze.update(0.016).raw).toBeNull();
  });

  it('XR: the head ray steers; moving the screen group moves the hit (rays go into its local frame)', () => {
    const { xr, gaze, screen } = setup();
    xr.start();
    xr.lookYaw(-20);
    const s = gaze.update(0.016);
    expect(s.source).toBe('head');
    const u = s.raw![0];
    expect(u).toBeGreaterThan(0.7);
    screen.rotation.y = THREE.MathUtils.degToRad(-20); // turn the screen to face where the head looks
    expect(gaze.update(0.016).raw![0]).toBeCloseTo(0.5, 6);
  });

  it('controller select toggles the lock; the locked focus holds still; transient-pointer selects do not toggle', () => {
    const { xr, gaze } = setup();
    xr.start();
    const c = xr.getController(0);
    const source = { targetRayMode: 'tracked-pointer' };
    c.dispatchEvent({ type: 'connected', data: source } as never);
    xr.lookYaw(-20);
    for (let i = 0; i < 10; i++) gaze.update(0.05);
    c.dispatchEvent({ type: 'select', data: source } as never);
    const held = gaze.update(0.05).focus[0];
    expect(gaze.isLocked).toBe(true);
    xr.lookYaw(20);
    for (let i = 0; i < 10; i++) expect(gaze.update(0.05).focus[0]).toBe(held);
    c.dispatchEvent({ type: 'select', data: { targetRayMode: 'transient-pointer' } } as never);
    expect(gaze.isLocked).toBe(true);
    c.dispatchEvent({ type: 'select', data: source } as never);
    expect(gaze.update(0.05).locked).toBe(false);
    expect(gaze.update(0.05).focus[0]).toBeLessThan(held);
  });

  it('a controller that turned recently steers, then hands back to the head', () => {
    const { xr, gaze } = setup();
    xr.start();
    const c = xr.getController(0);
    c.position.set(0.2, -0.1, 0);
    c.dispatchEvent({ type: 'connected', data: { targetRayMode: 'tracked-pointer' } } as never);
    expect(gaze.update(0.05).source).toBe('head');
    c.rotation.y = THREE.MathUtils.degToRad(15); // point left
    const s = gaze.update(0.05);
    expect(s.source).toBe('controller');
    expect(s.raw![0]).toBeLessThan(0.5);
    for (let i = 0; i < 30; i++) gaze.update(0.05); // 1.5 s at rest
    expect(gaze.update(0.05).source).toBe('head');
  });

  it('update returns one reused object; onFocusChange is throttled and thresholded', () => {
    const { xr, gaze } = setup();
    xr.start();
    const seen: number[] = [];
    gaze.onFocusChange((f) => seen.push(f[0]));
    expect(gaze.update(0.01)).toBe(gaze.update(0.01));
    xr.lookYaw(-20);
    for (let i = 0; i < 100; i++) gaze.update(0.01); // 1 s at 100 Hz
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.length).toBeLessThanOrEqual(11); // ≤ 10 Hz (+ the first)
    const before = seen.length;
    for (let i = 0; i < 300; i++) gaze.update(0.01); // settled: no more emits once it stops moving
    const settledAt = seen.length;
    for (let i = 0; i < 100; i++) gaze.update(0.01);
    expect(seen.length).toBe(settledAt);
    expect(settledAt).toBeGreaterThanOrEqual(before);
  });

  it('dispose removes every listener it added', () => {
    const { xr, canvas, gaze } = setup(); // outside XR, so a heard pointermove would make the mouse steer
    const c = xr.getController(0);
    gaze.dispose();
    expect(xr.hasEventListener('sessionstart', () => undefined)).toBe(false);
    const listeners = (xr as unknown as { _listeners?: Record<string, unknown[]> })._listeners ?? {};
    for (const k of Object.keys(listeners)) expect(listeners[k]).toHaveLength(0);
    const cl = (c as unknown as { _listeners?: Record<string, unknown[]> })._listeners ?? {};
    for (const k of Object.keys(cl)) expect(cl[k]).toHaveLength(0);
    canvas.dispatchEvent(pointer('pointermove', 10, 10));
    c.dispatchEvent({ type: 'select', data: { targetRayMode: 'tracked-pointer' } } as never);
    expect(gaze.isLocked).toBe(false);
    expect(gaze.update(0.01).source).toBe('none'); // the pointermove went unheard
  });
});
