// What every gaze source is: something the person points with (head, controller or hand ray, Vision Pro's
// transient pointer, the mouse) that, once per frame, measures its ray, intersects it with the dream screen
// and says what selectSource (sources.ts) needs to decide who steers. The GazeController owns the sources
// and applies the decision. Nothing here allocates per frame.
import * as THREE from 'three';
import type { ScreenLayout } from '../xr';
import { rayHitScreen, type ScreenUV } from './hit';
import type { GazeSourceKind, SourceInputs } from './sources';

export type SteeringKind = Exclude<GazeSourceKind, 'none'>;
export type ScreenShape = Pick<ScreenLayout, 'distance' | 'width' | 'height' | 'radius'>;

/**
 * The dream screen as a ray target: world rays go into the screen group's local frame, where the layout
 * applies. `origin` and `dir` are the scratch ray every source writes before `hit` (one frame, one source
 * at a time).
 */
export class ScreenRay {
  readonly origin = new THREE.Vector3();
  readonly dir = new THREE.Vector3();
  private readonly toLocal = new THREE.Matrix4();

  constructor(private readonly screenObject: THREE.Object3D, private readonly layout: ScreenShape) {}

  /** Once per frame, before the sources measure: the screen's world → local transform. */
  begin(): void {
    this.screenObject.updateWorldMatrix(true, false);
    this.toLocal.copy(this.screenObject.matrixWorld).invert();
  }

  /** Intersects the world ray in origin/dir with the screen, writing [u, v] into out (origin/dir end up local). */
  hit(out: ScreenUV): boolean {
    this.origin.applyMatrix4(this.toLocal);
    this.dir.transformDirection(this.toLocal);
    return rayHitScreen(this.origin, this.dir, this.layout, out) !== null;
  }
}

/** This frame, as every source sees it. */
export interface GazeFrame {
  /** An XR session is presenting. */
  presenting: boolean;
  /** Seconds of frames since the controller was made (the sources' clock). */
  timeSec: number;
  ray: ScreenRay;
}

export interface GazeSource {
  readonly kind: SteeringKind;
  /** Measures this frame: updates `hit` and writes this source's fields of `inputs`. Allocates nothing. */
  update(frame: GazeFrame, inputs: SourceInputs): void;
  /** This frame's hit on the screen, or null (no ray, or it misses). The same array every frame. */
  readonly hit: ScreenUV | null;
  /** Removes every listener the source added. */
  dispose(): void;
}

/**
 * XR poses are in the reference space; the world differs only if the camera sits in a moved parent (a
 * dolly). Moves origin/dir from the one to the other.
 */
export function refToWorld(camera: THREE.Camera, origin: THREE.Vector3, dir: THREE.Vector3): void {
  const parent = camera.parent;
  if (!parent) return;
  parent.updateWorldMatrix(true, false);
  origin.applyMatrix4(parent.matrixWorld);
  dir.transformDirection(parent.matrixWorld);
}
