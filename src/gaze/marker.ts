// A small ring drawn on the dream screen at the focus: the visible answer to "where will the dream grow?".
// A child of the screen group (same local frame as the layout), on layer 0 so both eyes and every flat
// mode see it. Cyan while steering, amber while locked. set() allocates nothing.
import * as THREE from 'three';
import { screenPoint } from './hit';
import type { ScreenLayout } from '../xr';

const STEERING_COLOR = 0x29e0ff;
const LOCKED_COLOR = 0xffb020;
/** Lifted this far off the surface towards the eye (metres) so the mesh chords never hide it. */
const LIFT_M = 0.02;
const FORWARD = new THREE.Vector3(0, 0, 1);

export class FocusMarker {
  readonly mesh: THREE.Mesh<THREE.RingGeometry, THREE.MeshBasicMaterial>;
  private readonly layout: Pick<ScreenLayout, 'distance' | 'width' | 'height' | 'radius'>;
  private readonly normal = new THREE.Vector3();

  /** radius: outer radius in metres (inner is 55 % of it); 0.07 m at 2.5 m is about 3° across. */
  constructor(layout: Pick<ScreenLayout, 'distance' | 'width' | 'height' | 'radius'>, radius = 0.07) {
    this.layout = layout;
    const material = new THREE.MeshBasicMaterial({ color: STEERING_COLOR, depthTest: false, depthWrite: false, transparent: true, opacity: 0.9 });
    this.mesh = new THREE.Mesh(new THREE.RingGeometry(radius * 0.55, radius, 40), material);
    this.mesh.name = 'gaze-focus-marker';
    this.mesh.renderOrder = 10;
    this.set([0.5, 0.5], false);
  }

  /** Places the ring at image point focus = [u, v] (u left→right, v top→bottom), facing the eye. */
  set(focus: readonly [number, number], locked: boolean): void {
    const p = this.mesh.position;
    screenPoint(this.layout, focus[0], focus[1], p, this.normal);
    p.addScaledVector(this.normal, LIFT_M);
    // A ring faces +z; turn it to the surface normal (in the parent's frame; Object3D.lookAt would take world coordinates).
    this.mesh.quaternion.setFromUnitVectors(FORWARD, this.normal);
    this.mesh.material.color.setHex(locked ? LOCKED_COLOR : STEERING_COLOR);
  }

  dispose(): void {
    this.mesh.removeFromParent();
    this.mesh.geometry.dispose();
    this.mesh.material.dispose();
  }
}
