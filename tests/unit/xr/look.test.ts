import { describe, it, expect } from 'vitest';
import * as THREE from 'three';
import { applyDrag, lookQuaternion, MAX_PITCH, LOOK_RADIANS_PER_PIXEL } from '../../../src/xr/look';

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
