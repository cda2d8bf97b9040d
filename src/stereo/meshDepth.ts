// The "mesh" stereo method's depth: how far the displaced screen (shaders/mesh.vert) moves a point so
// that both eyes, through the headset's own projection, see it at the same angular disparity the warp
// method would give it. Uses the comfort governor's outputs (scale k in screen uv per depth unit,
// zero-parallax depth z0), so the mesh spends exactly the same budget and never more.
//
// A point at distance D seen by eyes b apart has vergence b / D (small angle in b / D, exact in the
// depth change). Moving it Δ towards the eyes changes that by b/(D − Δ) − b/D; setting this equal to
// the wanted disparity θ gives Δ = θ·D² / (b + θ·D) (≈ θ·D²/b, the small-angle rule, for small θ).
// A point can be pushed back at most to infinity (θ > −b/D); θ is kept above −0.9·b/D.

/** Eye separation assumed when the headset reports less (or none, e.g. an emulator with IPD 0): a
 *  smaller b would ask for larger displacements, a larger real b only lowers the disparity below θ. */
export const MIN_IPD_M = 0.05;
/** Used outside a headset (flat preview): a typical adult IPD. */
export const DEFAULT_IPD_M = 0.063;

/** Radians of disparity per unit of normalised depth, from the governor's k (screen uv per depth unit). */
export function meshAngleScale(k: number, screenFovDeg: number): number {
  return (k * screenFovDeg * Math.PI) / 180;
}

/** Wanted angular disparity (rad, + = crossed) of a point at depth `depth`, clamped short of divergence. */
export function meshDisparityRad(depth: number, z0: number, angleScale: number, ipd: number, dist: number): number {
  return Math.max(angleScale * (z0 - depth), (-0.9 * Math.max(ipd, MIN_IPD_M)) / dist);
}

/** Displacement (metres, + = towards the eyes) of a screen point at distance `dist` with depth `depth`. */
export function meshDisplacement(depth: number, z0: number, angleScale: number, ipd: number, dist: number): number {
  const b = Math.max(ipd, MIN_IPD_M);
  const theta = meshDisparityRad(depth, z0, angleScale, ipd, dist);
  return (theta * dist * dist) / (b + theta * dist);
}

/** Angular disparity (rad, + = crossed) that eyes b apart see for a point moved `delta` towards them from `dist`. */
export function angularDisparity(delta: number, ipd: number, dist: number): number {
  return ipd / (dist - delta) - ipd / dist;
}
