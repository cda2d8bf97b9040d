// Mouse-drag look: yaw/pitch from pointer drags, applied to the desktop camera or, inside an
// emulated session, to the emulated headset. Pure angle math is separate from DOM wiring.

export const LOOK_RADIANS_PER_PIXEL = 0.004;
export const MAX_PITCH = (80 * Math.PI) / 180;

export interface LookAngles { yaw: number; pitch: number }

/** Drag right → look right (yaw decreases, three.js yaw is counter-clockwise about +Y); drag up → look up. */
export function applyDrag(a: LookAngles, dxPx: number, dyPx: number, radPerPx = LOOK_RADIANS_PER_PIXEL): LookAngles {
  const pitch = Math.min(MAX_PITCH, Math.max(-MAX_PITCH, a.pitch - dyPx * radPerPx));
  return { yaw: a.yaw - dxPx * radPerPx, pitch };
}

/** Quaternion [x, y, z, w] for yaw about +Y then pitch about the local +X (YXZ order), no roll. */
export function lookQuaternion(a: LookAngles): [number, number, number, number] {
  const cy = Math.cos(a.yaw / 2), sy = Math.sin(a.yaw / 2);
  const cp = Math.cos(a.pitch / 2), sp = Math.sin(a.pitch / 2);
  // q = qYaw * qPitch
  return [cy * sp, sy * cp, -sy * sp, cy * cp];
}

/** Binds pointer drags on an element; returns an unbind function. */
export function bindDragLook(el: HTMLElement, onChange: (dxPx: number, dyPx: number) => void): () => void {
  let last: { x: number; y: number; id: number } | null = null;
  const down = (e: PointerEvent) => {
    if (e.button !== 0) return;
    last = { x: e.clientX, y: e.clientY, id: e.pointerId };
    el.setPointerCapture?.(e.pointerId);
  };
  const move = (e: PointerEvent) => {
    if (!last || e.pointerId !== last.id) return;
    const dx = e.clientX - last.x, dy = e.clientY - last.y;
    last.x = e.clientX; last.y = e.clientY;
    if (dx !== 0 || dy !== 0) onChange(dx, dy);
  };
  const up = (e: PointerEvent) => {
    if (last && e.pointerId === last.id) last = null;
  };
  el.addEventListener('pointerdown', down);
  el.addEventListener('pointermove', move);
  el.addEventListener('pointerup', up);
  el.addEventListener('pointercancel', up);
  return () => {
    el.removeEventListener('pointerdown', down);
    el.removeEventListener('pointermove', move);
    el.removeEventListener('pointerup', up);
    el.removeEventListener('pointercancel', up);
  };
}

/** What drag-look turns: the viewer's desktop camera, or while presenting the emulated head. */
export interface LookTarget {
  readonly presenting: boolean;
  readonly camera: { rotation: { set(x: number, y: number, z: number): unknown } };
  readonly renderer: { domElement: HTMLElement };
}

/**
 * Mouse drag looks around: the desktop camera outside XR, the emulated headset (`head`, IWER's device)
 * inside it; a real headset's pose is its own. Returns an unbind function.
 */
export function bindViewerLook(viewer: LookTarget, head: { quaternion: { set(x: number, y: number, z: number, w: number): unknown } } | null): () => void {
  let look: LookAngles = { yaw: 0, pitch: 0 };
  return bindDragLook(viewer.renderer.domElement, (dx, dy) => {
    look = applyDrag(look, dx, dy);
    if (viewer.presenting && head) {
      const [x, y, z, w] = lookQuaternion(look);
      head.quaternion.set(x, y, z, w);
    } else {
      viewer.camera.rotation.set(look.pitch, look.yaw, 0);
    }
  });
}
