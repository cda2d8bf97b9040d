// The "mesh" stereo method: one finely tessellated copy of the screen, displaced towards the eyes by depth
// in its vertex shader (shaders/mesh.vert), seen by both eyes; the headset's own projections make the
// stereo and head motion gives parallax. Its colour is the warp shader with no warp (scale 0): the same
// zoom window and cross-fade. The flat preview needs two viewpoints to show its depth.
import * as THREE from 'three';
import meshVert from '../../shaders/mesh.vert?raw';
import warpFrag from '../../shaders/stereo-warp.frag?raw';
import { DEFAULT_IPD_M, MIN_IPD_M, meshAngleScale } from './meshDepth';
import type { StereoScreen } from './stereoScreen';
import type { StereoMethod, StereoView } from './stereoMethod';

export class MeshStereoMethod implements StereoMethod {
  readonly name = 'mesh' as const;
  readonly material: THREE.ShaderMaterial;

  constructor(private readonly stereo: Pick<StereoScreen, 'left' | 'right' | 'uniforms' | 'defines' | 'hasKeyframe' | 'comfort'>) {
    this.material = new THREE.ShaderMaterial({
      // angleScale: radians of disparity per unit of depth; ipd: the eye separation b (m) it is sized for.
      uniforms: { ...stereo.uniforms, eye: { value: 1 }, scale: { value: 0 }, angleScale: { value: 0 }, ipd: { value: DEFAULT_IPD_M } },
      vertexShader: meshVert,
      fragmentShader: warpFrag,
      defines: stereo.defines,
      side: THREE.DoubleSide,
    });
  }

  attach(view: StereoView): void {
    view.screen.setEyeMaterials(this.stereo.left, this.stereo.right); // hidden meanwhile, ready for the warp
    view.screen.setDisplacedMaterial(this.material);
    view.flatEyeSeparation = DEFAULT_IPD_M;
  }

  /** The governor's disparity k (shared `scale`) as an angle per depth unit, and the eyes' separation. */
  frame(eyeSeparationM: number): void {
    if (!this.stereo.hasKeyframe) return; // the shared uniforms are not set before the first keyframe either
    const u = this.material.uniforms;
    u.angleScale.value = meshAngleScale(this.stereo.uniforms.scale.value as number, this.stereo.comfort.config.screenFovDeg);
    // A headset (or emulator) reporting a smaller separation would ask for larger displacements: meshDepth.ts.
    u.ipd.value = Math.max(MIN_IPD_M, eyeSeparationM);
  }

  dispose(): void {
    this.material.dispose();
  }
}
