// Controller and hand rays (Quest): a tracked-pointer's target ray steers while the person is actively
// pointing with it (it turned more than a threshold within a window, MotionDetector) and it hits the screen;
// at rest the head takes over again. Of several moving ones the latest mover steers. A select (trigger, or
// the right hand's pinch) is passed on: it toggles the focus lock.
import type * as THREE from 'three';
import type { ScreenUV } from './hit';
import type { GazeFrame, GazeSource } from './gazeSource';
import { MotionDetector, type SourceInputs } from './sources';

interface Slot {
  group: THREE.XRTargetRaySpace;
  source: XRInputSource | null;
  detector: MotionDetector;
  hit: ScreenUV;
  onConnected: (e: { data?: XRInputSource }) => void;
  onDisconnected: () => void;
  onSelect: (e: { data?: XRInputSource }) => void;
}

export interface ControllerRayOptions {
  /** How many three.js controller slots to watch (renderer.xr.getController(i), i < this). */
  slots: number;
  /** A ray steers while it has turned more than this many degrees … */
  motionDeg: number;
  /** … within this many seconds. */
  motionWindowSec: number;
  /** A pointing device's select: the focus lock toggles. */
  onSelect: () => void;
}

export class ControllerRaySource implements GazeSource {
  readonly kind = 'controller' as const;
  hit: ScreenUV | null = null;
  private readonly slots: Slot[] = [];
  private readonly onSessionStart = () => this.adoptInputSources();
  private readonly onSessionEnd = () => this.resetSlots();

  /** Made before any session, so three.js's 'connected' events reach the slots. */
  constructor(private readonly renderer: THREE.WebGLRenderer, o: ControllerRayOptions) {
    for (let i = 0; i < o.slots; i++) this.slots.push(this.makeSlot(i, o));
    renderer.xr.addEventListener('sessionstart', this.onSessionStart);
    renderer.xr.addEventListener('sessionend', this.onSessionEnd);
    if (renderer.xr.getSession()) this.adoptInputSources();
  }

  update(frame: GazeFrame, inputs: SourceInputs): void {
    let best: Slot | null = null;
    if (frame.presenting) {
      const { origin, dir } = frame.ray;
      let latest = -Infinity;
      for (let i = 0; i < this.slots.length; i++) {
        const s = this.slots[i];
        if (!s.source || s.source.targetRayMode !== 'tracked-pointer' || !s.group.visible) continue;
        s.group.updateWorldMatrix(true, false);
        origin.setFromMatrixPosition(s.group.matrixWorld);
        dir.set(0, 0, -1).transformDirection(s.group.matrixWorld);
        const moving = s.detector.update(dir.x, dir.y, dir.z, frame.timeSec); // the world direction, before hit() moves it
        const hits = frame.ray.hit(s.hit);
        if (moving && hits && s.detector.lastMoveSec > latest) { latest = s.detector.lastMoveSec; best = s; }
      }
    }
    inputs.controllerRecentlyMoved = best !== null;
    inputs.controllerHits = best !== null;
    this.hit = best ? best.hit : null;
  }

  private makeSlot(index: number, o: ControllerRayOptions): Slot {
    const group = this.renderer.xr.getController(index);
    const slot: Slot = {
      group,
      source: null,
      detector: new MotionDetector(o.motionDeg, o.motionWindowSec),
      hit: [0.5, 0.5],
      onConnected: (e) => { slot.source = e.data ?? null; slot.detector.reset(); },
      onDisconnected: () => { slot.source = null; slot.detector.reset(); },
      // Only pointing devices toggle the lock: on Vision Pro a transient-pointer "select" is the pinch itself.
      // A tracked LEFT hand's pinch pauses the dream instead (src/ui/controls.ts); the right hand's locks.
      onSelect: (e) => { if (e.data?.targetRayMode === 'tracked-pointer' && !(e.data.hand && e.data.handedness === 'left')) o.onSelect(); },
    };
    group.addEventListener('connected', slot.onConnected);
    group.addEventListener('disconnected', slot.onDisconnected);
    group.addEventListener('select', slot.onSelect);
    return slot;
  }

  /**
   * Made mid-session, the slots missed three.js's 'connected' events. three.js fills its slots in
   * session.inputSources order, so adopt those as a best guess; later 'connected' events correct it.
   */
  private adoptInputSources(): void {
    const present = this.renderer.xr.getSession()?.inputSources as XRInputSourceArray | undefined;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (!s.source && present && i < present.length) s.source = present[i];
    }
  }

  private resetSlots(): void {
    for (const s of this.slots) s.detector.reset();
  }

  dispose(): void {
    this.renderer.xr.removeEventListener('sessionstart', this.onSessionStart);
    this.renderer.xr.removeEventListener('sessionend', this.onSessionEnd);
    for (const s of this.slots) {
      s.group.removeEventListener('connected', s.onConnected);
      s.group.removeEventListener('disconnected', s.onDisconnected);
      s.group.removeEventListener('select', s.onSelect);
    }
    this.slots.length = 0;
  }
}
