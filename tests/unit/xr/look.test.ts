import { describe, it, expect } from 'vitest';
import * as THREE from 'three';
import { applyDrag, bindViewerLook, lookQuaternion, MAX_PITCH, LOOK_RADIANS_PER_PIXEL } from '../../../src/xr/look';

describe('applyDrag', () => {
  it('drag right turns right, drag up looks up, pitch is clamped', () => {
    const a = applyDrag({ yaw: 0, pitch: 0 }, 100, -50);
    expect(a.yaw).toBeCloseTo(-100 * LOOK_RADIANS_PER_PIXEL);
    expect(a.pitch).toBeCloseTo(50 * LOOK_RADIANS_PER_PIXEL);
    expect(applyDrag({ yaw: 0, pitch: 0 }, 0, -1e6).pitch).toBe(MAX_PITCH);
  });
});

describe('lookQuaternion', () => {
  it('matches three.js Euler YXZ', () => {
    for (const [yaw, pitch] of [[0.3, -0.2], [-1.2, 0.7], [2.5, 0]]) {
      const q = new THREE.Quaternion().setFromEuler(new THREE.Euler(pitch, yaw, 0, 'YXZ'));
      const [x, y, z, w] = lookQuaternion({ yaw, pitch });
      expect(x).toBeCloseTo(q.x, 12);
      expect(y).toBeCloseTo(q.y, 12);
      expect(z).toBeCloseTo(q.z, 12);
      expect(w).toBeCloseTo(q.w, 12);
    }
  });
  it('negative yaw looks to the right (+x)', () => {
    const [x, y, z, w] = lookQuaternion({ yaw: -Math.PI / 2, pitch: 0 });
    const fwd = new THREE.Vector3(0, 0, -1).applyQuaternion(new THREE.Quaternion(x, y, z, w));
    expect(fwd.x).toBeCloseTo(1);
  });
});

describe('bindViewerLook', () => {
  const drag = (el: EventTarget, dx: number) => {
    const ev = (type: string, x: number) => Object.assign(new Event(type), { clientX: x, clientY: 0, button: 0, pointerId: 1 });
    el.dispatchEvent(ev('pointerdown', 0));
    el.dispatchEvent(ev('pointermove', dx));
    el.dispatchEvent(ev('pointerup', dx));
  };

  it('turns the desktop camera outside XR and the emulated head inside it', () => {
    const el = new EventTarget() as unknown as HTMLElement;
    const camera = new THREE.PerspectiveCamera();
    const head = { quaternion: new THREE.Quaternion() };
    const viewer = { presenting: false, camera, renderer: { domElement: el } };
    const unbind = bindViewerLook(viewer, head);
    drag(el, 100);
    expect(camera.rotation.y).toBeCloseTo(-100 * LOOK_RADIANS_PER_PIXEL);
    expect(head.quaternion.y).toBe(0);
    viewer.presenting = true;
    drag(el, 100); // the look accumulates: 200 px in all
    const [, y] = lookQuaternion({ yaw: -200 * LOOK_RADIANS_PER_PIXEL, pitch: 0 });
    expect(head.quaternion.y).toBeCloseTo(y);
    unbind();
    drag(el, 100);
    expect(head.quaternion.y).toBeCloseTo(y);
  });

  it('without an emulated head, a drag in XR turns nothing but the camera (a real headset\'s pose is its own)', () => {
    const el = new EventTarget() as unknown as HTMLElement;
    const camera = new THREE.PerspectiveCamera();
    bindViewerLook({ presenting: true, camera, renderer: { domElement: el } }, null);
    drag(el, 50);
    expect(camera.rotation.y).toBeCloseTo(-50 * LOOK_RADIANS_PER_PIXEL);
  });
});
