// The dream screen: one curved panel drawn twice, once per eye. The left mesh lives on three.js
// layer 1 (seen only by the left XR camera), the right mesh on layer 2. Both share one geometry.
// A stereo method may instead show one finely tessellated copy, displaced by depth in its vertex
// shader, on every layer (both eyes): built on first use (src/stereo/meshMethod.ts).
import * as THREE from 'three';
import screenVert from '../../shaders/screen.vert?raw';
import screenFrag from '../../shaders/screen.frag?raw';
import { screenGrid, screenLayout, screenVertices, type ScreenLayout, type ScreenLayoutOptions } from './screenLayout';

export const LEFT_EYE_LAYER = 1;
export const RIGHT_EYE_LAYER = 2;

export class DreamScreen {
  readonly group = new THREE.Group();
  readonly layout: ScreenLayout;
  private readonly geometry = new THREE.BufferGeometry();
  private readonly materials: { left: THREE.ShaderMaterial; right: THREE.ShaderMaterial };
  private readonly meshes: { left: THREE.Mesh; right: THREE.Mesh };
  private displaced: THREE.Mesh | null = null;

  constructor(left: THREE.Texture, right: THREE.Texture, layoutOptions: Partial<ScreenLayoutOptions> = {}) {
    this.layout = screenLayout(layoutOptions);
    const { positions, uvs, indices } = screenVertices(this.layout);
    this.geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
    this.geometry.setAttribute('uv', new THREE.BufferAttribute(uvs, 2));
    this.geometry.setIndex(new THREE.BufferAttribute(indices, 1));
    this.geometry.computeBoundingSphere();
    this.materials = { left: this.makeMaterial(left), right: this.makeMaterial(right) };
    const leftMesh = new THREE.Mesh(this.geometry, this.materials.left);
    leftMesh.layers.set(LEFT_EYE_LAYER);
    leftMesh.name = 'dream-screen-left';
    const rightMesh = new THREE.Mesh(this.geometry, this.materials.right);
    rightMesh.layers.set(RIGHT_EYE_LAYER);
    rightMesh.name = 'dream-screen-right';
    this.meshes = { left: leftMesh, right: rightMesh };
    this.group.add(leftMesh, rightMesh);
    this.group.name = 'dream-screen';
  }

  private makeMaterial(map: THREE.Texture): THREE.ShaderMaterial {
    return new THREE.ShaderMaterial({
      uniforms: { map: { value: map } },
      vertexShader: screenVert,
      fragmentShader: screenFrag,
      side: THREE.FrontSide,
      depthWrite: true,
    });
  }

  /**
   * Shows other per-eye materials (e.g. the stereo warp of dream keyframes); null restores the
   * plain texture materials. The caller keeps ownership of the materials it passes.
   */
  setEyeMaterials(left: THREE.Material | null, right: THREE.Material | null): void {
    this.meshes.left.material = left ?? this.materials.left;
    this.meshes.right.material = right ?? this.materials.right;
  }

  /**
   * Shows the depth-displaced screen (one mesh, both eyes) with `material` (the mesh stereo method's),
   * hiding the per-eye meshes; null goes back to them. The caller keeps ownership of the material.
   */
  setDisplacedMaterial(material: THREE.Material | null): void {
    if (material && !this.displaced) {
      const g = screenGrid(this.layout);
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(g.positions, 3));
      geometry.setAttribute('normal', new THREE.BufferAttribute(g.normals, 3));
      geometry.setAttribute('uv', new THREE.BufferAttribute(g.uvs, 2));
      geometry.setIndex(new THREE.BufferAttribute(g.indices, 1));
      geometry.computeBoundingSphere();
      const m = new THREE.Mesh(geometry, material);
      m.layers.enableAll(); // both XR eyes and the flat preview's camera
      m.frustumCulled = false; // the vertex shader moves it off its bounding sphere
      m.raycast = () => undefined; // gaze keeps hitting the undisplaced screen (same uv)
      m.name = 'dream-screen-displaced';
      this.displaced = m;
      this.group.add(m);
    }
    if (this.displaced) {
      if (material) this.displaced.material = material;
      this.displaced.visible = !!material;
    }
    this.meshes.left.visible = !material;
    this.meshes.right.visible = !material;
  }

  /** True while the depth-displaced screen is shown. */
  get displacedShown(): boolean {
    return !!this.displaced?.visible;
  }

  dispose(): void {
    this.displaced?.geometry.dispose();
    this.geometry.dispose();
    this.materials.left.dispose();
    this.materials.right.dispose();
  }
}

/** Wraps RGBA8 rows (top row first) as an exact, unfiltered, non-colour-managed texture. */
export function pixelTexture(pixels: Uint8Array, width: number, height: number, filter: THREE.MagnificationTextureFilter = THREE.NearestFilter): THREE.DataTexture {
  const t = new THREE.DataTexture(pixels, width, height, THREE.RGBAFormat, THREE.UnsignedByteType);
  t.flipY = false;
  t.magFilter = filter;
  t.minFilter = filter === THREE.NearestFilter ? THREE.NearestFilter : THREE.LinearFilter;
  t.generateMipmaps = false;
  t.colorSpace = THREE.NoColorSpace;
  t.needsUpdate = true;
  return t;
}
