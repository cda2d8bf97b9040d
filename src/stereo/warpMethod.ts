// The "warp" stereo method (default): each eye's copy of the screen shows the keyframe warped by its depth
// (shaders/stereo-warp.frag), so the picture keeps its size and outline. The eye materials are the
// StereoScreen's own; the flat preview shows both eyes from one camera, as the textures already differ.
import type { StereoScreen } from './stereoScreen';
import type { StereoMethod, StereoView } from './stereoMethod';

export class WarpStereoMethod implements StereoMethod {
  readonly name = 'warp' as const;

  constructor(private readonly stereo: Pick<StereoScreen, 'left' | 'right'>) {}

  attach(view: StereoView): void {
    view.screen.setEyeMaterials(this.stereo.left, this.stereo.right);
    view.screen.setDisplacedMaterial(null);
    view.flatEyeSeparation = 0;
  }

  frame(): void {
    // Everything it draws with is in the StereoScreen's shared uniforms.
  }

  dispose(): void {
    // Owns nothing: the eye materials are the StereoScreen's.
  }
}
