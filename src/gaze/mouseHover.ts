// The mouse on the desktop preview: hovering steers (the zoom heads where the pointer is); a held button is
// drag-look (src/xr/look.ts) and must not steer at the same time; touch has no hover. In side-by-side the
// pointer maps through the eye viewport under it.
import * as THREE from 'three';
import { eyeViewports, type ViewMode } from '../stereo';
import type { ScreenUV } from './hit';
import type { GazeFrame, GazeSource } from './gazeSource';
import type { SourceInputs } from './sources';

export class MouseHoverSource implements GazeSource {
  readonly kind = 'mouse' as const;
  hit: ScreenUV | null = null;
  private readonly out: ScreenUV = [0.5, 0.5];
  private readonly listeners: [string, EventListener][] = [];
  // Normalised device coordinates inside the eye viewport under the pointer, and that viewport's aspect.
  private inside = false;
  private dragging = false;
  private ndcX = 0;
  private ndcY = 0;
  private aspect = 1;

  /** `viewMode`: the flat preview's current mode (default: always mono). */
  constructor(private readonly el: HTMLElement, private readonly camera: THREE.PerspectiveCamera, private readonly viewMode?: () => ViewMode) {
    const locate = (e: PointerEvent) => this.locate(e);
    this.on('pointermove', (e) => {
      if (e.pointerType === 'touch') return; // touch has no hover: a touch drag looks around
      this.inside = true;
      this.dragging = e.buttons !== 0;
      locate(e);
    });
    this.on('pointerdown', (e) => { if (e.pointerType !== 'touch') { this.dragging = true; locate(e); } });
    this.on('pointerup', (e) => { this.dragging = false; locate(e); });
    this.on('pointercancel', () => { this.dragging = false; });
    this.on('pointerleave', () => { this.inside = false; this.dragging = false; });
  }

  update(frame: GazeFrame, inputs: SourceInputs): void {
    const hovering = this.inside && !this.dragging;
    inputs.mouseHovering = hovering;
    this.hit = null;
    if (frame.presenting || !hovering) return;
    const cam = this.camera;
    cam.updateMatrixWorld();
    const t = Math.tan(THREE.MathUtils.degToRad(cam.fov) / 2) / cam.zoom;
    frame.ray.origin.setFromMatrixPosition(cam.matrixWorld);
    frame.ray.dir.set(this.ndcX * t * this.aspect, this.ndcY * t, -1).transformDirection(cam.matrixWorld);
    if (frame.ray.hit(this.out)) this.hit = this.out;
  }

  private on(type: string, fn: (e: PointerEvent) => void): void {
    this.el.addEventListener(type, fn as EventListener);
    this.listeners.push([type, fn as EventListener]);
  }

  /** Finds the eye viewport under the pointer (side-by-side has two), then NDC inside it. */
  private locate(e: PointerEvent): void {
    const rect = this.el.getBoundingClientRect();
    const x = e.clientX - rect.left, y = e.clientY - rect.top;
    const views = eyeViewports(this.viewMode?.() ?? 'mono', rect.width, rect.height);
    const v = views.find((vp) => x >= vp.x && x < vp.x + vp.w) ?? views[0];
    const top = rect.height - (v.y + v.h); // viewports are GL bottom-up, pointer y is top-down
    this.ndcX = ((x - v.x) / v.w) * 2 - 1;
    this.ndcY = 1 - ((y - top) / v.h) * 2;
    this.aspect = v.w / v.h;
  }

  dispose(): void {
    for (const [type, fn] of this.listeners) this.el.removeEventListener(type, fn);
    this.listeners.length = 0;
  }
}
