// Where a ray meets the dream screen, exactly: a plane for curvature 0, otherwise the cylinder arc that
// `screenVertices` samples. Works in the screen group's local frame (eye at the origin looking −z, panel
// centre at (0, 0, −distance)). Returns image coordinates: u left→right, v top→bottom, both in [0, 1]
// (the dream engine's `Focus` convention; the mesh's own uv has v bottom→top, hence the flip).
import type { ScreenLayout } from '../xr';

export interface Vec3Like { x: number; y: number; z: number }

/** Image coordinates on the screen: [u left→right, v top→bottom], each in [0, 1]. */
export type ScreenUV = [number, number];

type Layout = Pick<ScreenLayout, 'distance' | 'width' | 'height' | 'radius'>;

// Rays closer to parallel with the surface than this (|dot| of a unit direction) count as misses.
const EPS = 1e-12;

/**
 * The nearest point in front of `origin` (t > 0 along `dir`, which need not be unit length) where the ray
 * crosses the panel, as [u, v]; null when it misses the panel or points away. Writes into `out` when
 * given (no allocation), else into a new array.
 */
export function rayHitScreen(origin: Vec3Like, dir: Vec3Like, layout: Layout, out?: ScreenUV): ScreenUV | null {
  const { distance: d, width: w, height: h, radius: r } = layout;
  const halfH = h / 2;
  if (!Number.isFinite(r)) {
    if (Math.abs(dir.z) < EPS) return null;
    const t = (-d - origin.z) / dir.z;
    if (!(t > 0)) return null;
    const x = origin.x + t * dir.x;
    const y = origin.y + t * dir.y;
    if (Math.abs(x) > w / 2 || Math.abs(y) > halfH) return null;
    return write(out, x / w + 0.5, 0.5 - y / h);
  }
  // Cylinder with a vertical axis through (0, ·, cz); the panel is the arc facing the eye, where the
  // angle phi about the axis (0 at the panel centre, positive to the right) is within ±w/(2r).
  const cz = r - d;
  const ox = origin.x, oz = origin.z - cz;
  const a = dir.x * dir.x + dir.z * dir.z;
  if (a < EPS) return null; // vertical ray: parallel to the axis
  const b = ox * dir.x + oz * dir.z; // half the linear coefficient
  const c = ox * ox + oz * oz - r * r;
  const disc = b * b - a * c;
  if (disc < 0) return null;
  const sq = Math.sqrt(disc);
  const halfArc = w / (2 * r);
  // Near root first: a ray from outside the cylinder may cross the arc on the way in.
  for (let k = 0; k < 2; k++) {
    const t = k === 0 ? (-b - sq) / a : (-b + sq) / a;
    if (!(t > 0)) continue;
    const x = ox + t * dir.x;
    const z = oz + t * dir.z;
    const y = origin.y + t * dir.y;
    const phi = Math.atan2(x, -z);
    if (Math.abs(phi) > halfArc || Math.abs(y) > halfH) continue;
    return write(out, (phi * r) / w + 0.5, 0.5 - y / h);
  }
  return null;
}

/**
 * The inverse of `rayHitScreen`: the local position of image point (u, v) on the panel, and the unit normal
 * facing the eye. Used to place markers; exact on the surface (the mesh's chords lie up to a few mm behind).
 */
export function screenPoint(layout: Layout, u: number, v: number, outPos: Vec3Like, outNormal?: Vec3Like): Vec3Like {
  const s = (u - 0.5) * layout.width;
  const y = (0.5 - v) * layout.height;
  if (!Number.isFinite(layout.radius)) {
    outPos.x = s; outPos.y = y; outPos.z = -layout.distance;
    if (outNormal) { outNormal.x = 0; outNormal.y = 0; outNormal.z = 1; }
  } else {
    const r = layout.radius;
    const phi = s / r;
    outPos.x = r * Math.sin(phi); outPos.y = y; outPos.z = -(layout.distance - r + r * Math.cos(phi));
    if (outNormal) { outNormal.x = -Math.sin(phi); outNormal.y = 0; outNormal.z = Math.cos(phi); }
  }
  return outPos;
}

function write(out: ScreenUV | undefined, u: number, v: number): ScreenUV {
  // Rounding at the very edge can leave u or v a few ulps outside [0, 1].
  const uu = Math.min(1, Math.max(0, u)), vv = Math.min(1, Math.max(0, v));
  if (out) { out[0] = uu; out[1] = vv; return out; }
  return [uu, vv];
}
