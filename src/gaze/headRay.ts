// Head gaze: the headset's forward ray. Quest has no eye gaze for the web, so in XR "where you look" is
// where the head points; it steers whenever nothing more explicit does.
import type * as THREE from 'three';
import type { ScreenUV } from './hit';
import { refToWorld, type GazeFrame, type GazeSource } from './gazeSource';
import type { SourceInputs } from './sources';

export class HeadRaySource implements GazeSource {
  readonly kind = 'head' as const;
  hit: ScreenUV | null = null;
  private readonly out: ScreenUV = [0.5, 0.5];

  constructor(private readonly renderer: THREE.WebGLRenderer, private readonly camera: THREE.Camera) {}

  update(frame: GazeFrame, inputs: SourceInputs): void {
    const tracked = frame.presenting && this.ray(frame);
    inputs.headTracked = tracked;
    this.hit = tracked && frame.ray.hit(this.out) ? this.out : null;
  }

  /**
   * Head ray from this frame's viewer pose. three.js writes the eye cameras' poses (reference space) in its
   * XR frame callback before ours runs, but the XR camera's matrixWorld only at render time, so read the
   * eye cameras' local pose: origin midway between the eyes, direction the headset's forward.
   */
  private ray(frame: GazeFrame): boolean {
    const eyes: readonly THREE.Camera[] = this.renderer.xr.getCamera().cameras; // [] until the first XR frame with a pose
    if (eyes.length === 0) return false;
    const { origin, dir } = frame.ray;
    origin.set(0, 0, 0);
    for (let i = 0; i < eyes.length; i++) origin.add(eyes[i].position);
    origin.multiplyScalar(1 / eyes.length);
    dir.set(0, 0, -1).applyQuaternion(eyes[0].quaternion);
    refToWorld(this.camera, origin, dir);
    return true;
  }

  dispose(): void {
    // No listeners.
  }
}
