// A small text label in the scene, for feedback inside a headset where no DOM is seen: "paused",
// "zoom ×1.5", "recipe: faces". A plane with a CanvasTexture, a child of the dream screen's group
// (the screen's local frame: eye at the origin looking −z), placed just in front of the lower part of
// the screen so its vergence is close to the screen's (about 0.2° nearer). Layer 0: both eyes and the
// flat modes see it. The text is drawn into the canvas only when it changes; update() only fades.
import * as THREE from 'three';

export interface VRLabelOptions {
  /** Seconds fully shown before the fade starts. */
  holdSec: number;
  /** Seconds from the start until it is gone (the fade runs from holdSec to here). */
  fadeSec: number;
  /** Width of the plane in metres (height is a quarter of it). */
  widthM: number;
  /** Canvas size in pixels (4:1). */
  canvasWidth: number;
}

export const DEFAULT_VR_LABEL_OPTIONS: Readonly<VRLabelOptions> = Object.freeze({ holdSec: 0.6, fadeSec: 1.5, widthM: 0.7, canvasWidth: 512 });

/** Opacity of a label `age` seconds after it was shown: 1 while held, then a linear fade to 0. */
export function labelOpacity(age: number, o: Pick<VRLabelOptions, 'holdSec' | 'fadeSec'>): number {
  if (!(age >= 0)) return 0;
  if (age <= o.holdSec) return 1;
  return Math.max(0, 1 - (age - o.holdSec) / Math.max(1e-6, o.fadeSec - o.holdSec));
}

export interface LabelPlacement {
  /** Where, in the parent's frame, the label's centre goes. */
  position: { x: number; y: number; z: number };
}

export class VRLabel {
  readonly options: VRLabelOptions;
  readonly mesh: THREE.Mesh<THREE.PlaneGeometry, THREE.MeshBasicMaterial>;
  readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  private readonly ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  private readonly texture: THREE.CanvasTexture;
  /** The text shown (or last shown). */
  text = '';
  /** How many times show() was called (tests: "the label appeared"). */
  shown = 0;
  /** How many times the canvas was redrawn (only when the text changes). */
  draws = 0;
  private age = Infinity;

  constructor(options: Partial<VRLabelOptions> = {}, canvas?: HTMLCanvasElement | OffscreenCanvas) {
    this.options = { ...DEFAULT_VR_LABEL_OPTIONS, ...options };
    const cw = this.options.canvasWidth;
    this.canvas = canvas ?? (typeof document !== 'undefined' ? document.createElement('canvas') : new OffscreenCanvas(cw, cw / 4));
    this.canvas.width = cw;
    this.canvas.height = cw / 4;
    const ctx = this.canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
    if (!ctx) throw new Error('VRLabel: no 2D canvas context');
    this.ctx = ctx;
    this.texture = new THREE.CanvasTexture(this.canvas as HTMLCanvasElement);
    this.texture.colorSpace = THREE.SRGBColorSpace;
    this.texture.generateMipmaps = false;
    this.texture.minFilter = THREE.LinearFilter;
    const material = new THREE.MeshBasicMaterial({ map: this.texture, transparent: true, opacity: 0, depthTest: false, depthWrite: false, toneMapped: false });
    this.mesh = new THREE.Mesh(new THREE.PlaneGeometry(this.options.widthM, this.options.widthM / 4), material);
    this.mesh.name = 'vr-label';
    this.mesh.renderOrder = 20; // over the screen and the focus ring
    this.mesh.layers.enableAll();
    this.mesh.visible = false;
  }

  /** Shows `text` now (full opacity, then the fade). Redraws the canvas only if the text differs. */
  show(text: string): void {
    if (text !== this.text) this.draw(text);
    this.age = 0;
    this.shown++;
    this.mesh.visible = true;
    this.mesh.material.opacity = 1;
  }

  /** Per frame: the fade. No allocation. */
  update(dtSec: number): void {
    if (!this.mesh.visible) return;
    this.age += dtSec;
    const a = labelOpacity(this.age, this.options);
    this.mesh.material.opacity = a;
    if (a <= 0) this.mesh.visible = false;
  }

  get visible(): boolean {
    return this.mesh.visible;
  }

  private draw(text: string): void {
    this.text = text;
    this.draws++;
    const g = this.ctx;
    const w = this.canvas.width, h = this.canvas.height;
    g.clearRect(0, 0, w, h);
    g.fillStyle = 'rgba(8, 10, 18, 0.72)';
    roundRect(g, 4, 4, w - 8, h - 8, h * 0.3);
    g.fill();
    g.fillStyle = '#f4f1e8';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    let size = Math.round(h * 0.5);
    g.font = `600 ${size}px system-ui, sans-serif`;
    while (size > 12 && g.measureText(text).width > w - h * 0.5) { size -= 2; g.font = `600 ${size}px system-ui, sans-serif`; }
    g.fillText(text, w / 2, h / 2 + 2);
    this.texture.needsUpdate = true;
  }

  dispose(): void {
    this.mesh.removeFromParent();
    this.mesh.geometry.dispose();
    this.mesh.material.dispose();
    this.texture.dispose();
  }
}

function roundRect(g: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  g.beginPath();
  g.moveTo(x + r, y);
  g.arcTo(x + w, y, x + w, y + h, r);
  g.arcTo(x + w, y + h, x, y + h, r);
  g.arcTo(x, y + h, x, y, r);
  g.arcTo(x, y, x + w, y, r);
  g.closePath();
}
