// A stereo method: how the dream screen turns one keyframe (image + depth) into what the two eyes see.
// Every method draws from the same StereoScreen (keyframe textures, zoom window, comfort governor); it owns
// only its materials, the uniforms no other method needs, and where those materials go on the screen.
// createStereoMethod (methods.ts) makes one by name; adding a method is one file plus a line there.
import type * as THREE from 'three';

export const STEREO_METHODS = ['warp', 'mesh'] as const;
export type StereoMethodName = (typeof STEREO_METHODS)[number];
export const DEFAULT_STEREO_METHOD: StereoMethodName = 'warp';

/** Parses a user-supplied method name (URL, panel); unknown names give null, not a guess. */
export function parseStereoMethod(value: string | null | undefined): StereoMethodName | null {
  const v = value?.trim().toLowerCase();
  return v === 'warp' || v === 'mesh' ? v : null;
}

/** The dream screen as a method sees it (src/xr/screen.ts DreamScreen). The caller keeps the materials. */
export interface StereoSurface {
  /** The per-eye meshes' materials (left on the left eye's layer, right on the right's). */
  setEyeMaterials(left: THREE.Material | null, right: THREE.Material | null): void;
  /** One depth-displaced mesh both eyes see, hiding the per-eye meshes; null shows them again. */
  setDisplacedMaterial(material: THREE.Material | null): void;
}

/** Where a method attaches: the dream screen, and the viewer's flat preview (src/xr/viewer.ts). */
export interface StereoView {
  readonly screen: StereoSurface;
  /** Metres between the two viewpoints of the flat preview's side-by-side and anaglyph modes. */
  flatEyeSeparation: number;
}

export interface StereoMethod {
  readonly name: StereoMethodName;
  /** Shows this method on `view`, replacing whichever method was there. */
  attach(view: StereoView): void;
  /**
   * Per frame, after StereoScreen.update and before drawing: sets the uniforms this method owns.
   * `eyeSeparationM`: metres between the eyes that will see the frame. Allocates nothing.
   */
  frame(eyeSeparationM: number): void;
  /** Frees what the method made (not the StereoScreen's materials). */
  dispose(): void;
}
