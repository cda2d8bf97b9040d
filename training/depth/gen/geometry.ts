// Ray–primitive intersection. Planes, spheres, boxes, rooms (inside of a box), tunnels (inside of a
// cylinder) and pillars are analytic, so their depth is exact; tori, blobs and rounded boxes are
// sphere-traced inside an analytic bounding sphere (converged to 1e-5 of the unit).
// All vectors are plain numbers / small arrays: the renderer calls these ~10^6 times per image.

export type Vec3 = [number, number, number];

/** 3×3 rotation, row-major: world = R · local. */
export type Mat3 = number[];

export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function rotationYXZ(yaw: number, pitch: number, roll: number): Mat3 {
  const cy = Math.cos(yaw), sy = Math.sin(yaw), cx = Math.cos(pitch), sx = Math.sin(pitch), cz = Math.cos(roll), sz = Math.sin(roll);
  // R = Ry · Rx · Rz
  const a = [cz, -sz, 0, sz, cz, 0, 0, 0, 1];
  const b = [1, 0, 0, 0, cx, -sx, 0, sx, cx];
  const c = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  return mul3(c, mul3(b, a));
}

function mul3(a: Mat3, b: Mat3): Mat3 {
  const o = new Array<number>(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) o[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return o;
}

export interface Primitive {
  readonly kind: string;
  /** Smallest t > tMin along o + t·d (d unit length), or Infinity. */
  intersect(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMin: number): number;
  /** Unit surface normal at world point p (any orientation; the renderer faces it to the ray). */
  normal(px: number, py: number, pz: number, out: Vec3): void;
  /** Material index into the scene's material list. */
  material: number;
}

/** Plane n·p = d (n unit). */
export class Plane implements Primitive {
  readonly kind = 'plane';
  constructor(readonly n: Vec3, readonly d: number, public material = 0) {}
  intersect(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMin: number): number {
    const den = this.n[0] * dx + this.n[1] * dy + this.n[2] * dz;
    if (Math.abs(den) < 1e-12) return Infinity;
    const t = (this.d - (this.n[0] * ox + this.n[1] * oy + this.n[2] * oz)) / den;
    return t > tMin ? t : Infinity;
  }
  normal(_x: number, _y: number, _z: number, out: Vec3): void {
    out[0] = this.n[0]; out[1] = this.n[1]; out[2] = this.n[2];
  }
}

export class Sphere implements Primitive {
  readonly kind = 'sphere';
  constructor(readonly c: Vec3, readonly r: number, public material = 0) {}
  intersect(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMin: number): number {
    const lx = ox - this.c[0], ly = oy - this.c[1], lz = oz - this.c[2];
    const b = lx * dx + ly * dy + lz * dz;
    const c = lx * lx + ly * ly + lz * lz - this.r * this.r;
    const disc = b * b - c;
    if (disc < 0) return Infinity;
    const s = Math.sqrt(disc);
    const t0 = -b - s;
    if (t0 > tMin) return t0;
    const t1 = -b + s;
    return t1 > tMin ? t1 : Infinity;
  }
  normal(px: number, py: number, pz: number, out: Vec3): void {
    out[0] = (px - this.c[0]) / this.r; out[1] = (py - this.c[1]) / this.r; out[2] = (pz - this.c[2]) / this.r;
  }
}

/** Base for primitives defined in a rotated local frame centred at c. */
abstract class Local implements Primitive {
  abstract readonly kind: string;
  constructor(readonly c: Vec3, readonly R: Mat3, public material = 0) {}
  protected abstract hitLocal(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMin: number): number;
  protected abstract normalLocal(x: number, y: number, z: number, out: Vec3): void;
  intersect(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMin: number): number {
    const R = this.R;
    const px = ox - this.c[0], py = oy - this.c[1], pz = oz - this.c[2];
    // local = Rᵀ · world
    return this.hitLocal(
      R[0] * px + R[3] * py + R[6] * pz, R[1] * px + R[4] * py + R[7] * pz, R[2] * px + R[5] * py + R[8] * pz,
      R[0] * dx + R[3] * dy + R[6] * dz, R[1] * dx + R[4] * dy + R[7] * dz, R[2] * dx + R[5] * dy + R[8] * dz, tMin);
  }
  normal(wx: number, wy: number, wz: number, out: Vec3): void {
    const R = this.R;
    const px = wx - this.c[0], py = wy - this.c[1], pz = wz - this.c[2];
    this.normalLocal(R[0] * px + R[3] * py + R[6] * pz, R[1] * px + R[4] * py + R[7] * pz, R[2] * px + R[5] * py + R[8] * pz, out);
    const x = out[0], y = out[1], z = out[2];
    out[0] = R[0] * x + R[1] * y + R[2] * z; out[1] = R[3] * x + R[4] * y + R[5] * z; out[2] = R[6] * x + R[7] * y + R[8] * z;
    const l = Math.hypot(out[0], out[1], out[2]) || 1;
    out[0] /= l; out[1] /= l; out[2] /= l;
  }
}

function slab(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, h: Vec3): [number, number] {
  let tn = -Infinity, tf = Infinity;
  const o = [ox, oy, oz], d = [dx, dy, dz];
  for (let i = 0; i < 3; i++) {
    if (Math.abs(d[i]) < 1e-12) {
      if (Math.abs(o[i]) > h[i]) return [Infinity, -Infinity];
      continue;
    }
    const a = (-h[i] - o[i]) / d[i], b = (h[i] - o[i]) / d[i];
    tn = Math.max(tn, Math.min(a, b));
    tf = Math.min(tf, Math.max(a, b));
  }
  return [tn, tf];
}

function boxNormal(x: number, y: number, z: number, h: Vec3, out: Vec3): void {
  const ax = Math.abs(x) / h[0], ay = Math.abs(y) / h[1], az = Math.abs(z) / h[2];
  out[0] = 0; out[1] = 0; out[2] = 0;
  if (ax >= ay && ax >= az) out[0] = Math.sign(x);
  else if (ay >= az) out[1] = Math.sign(y);
  else out[2] = Math.sign(z);
}

/** Solid box with half sizes h. */
export class Box extends Local {
  readonly kind: string = 'box';
  constructor(c: Vec3, readonly h: Vec3, R: Mat3 = IDENTITY, material = 0) { super(c, R, material); }
  protected hitLocal(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMin: number): number {
    const [tn, tf] = slab(ox, oy, oz, dx, dy, dz, this.h);
    if (tn > tf) return Infinity;
    if (tn > tMin) return tn;
    return tf > tMin ? tf : Infinity;
  }
  protected normalLocal(x: number, y: number, z: number, out: Vec3): void { boxNormal(x, y, z, this.h, out); }
}

/** The inside of a box: rooms and corridors. The camera sits inside; rays hit the far side (same slab test). */
export class Room extends Box {
  override readonly kind: string = 'room';
}

/** Infinite cylinder of radius r along the local z axis (tunnels) or local y axis (pillars). */
export class Cylinder extends Local {
  readonly kind: string;
  constructor(c: Vec3, readonly r: number, readonly axis: 'y' | 'z', R: Mat3 = IDENTITY, material = 0) {
    super(c, R, material);
    this.kind = axis === 'z' ? 'tunnel' : 'pillar';
  }
  protected hitLocal(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMin: number): number {
    // project onto the plane perpendicular to the axis
    const ax = ox, ay = this.axis === 'z' ? oy : oz, bx = dx, by = this.axis === 'z' ? dy : dz;
    const A = bx * bx + by * by;
    if (A < 1e-12) return Infinity;
    const B = ax * bx + ay * by, C = ax * ax + ay * ay - this.r * this.r;
    const disc = B * B - A * C;
    if (disc < 0) return Infinity;
    const s = Math.sqrt(disc);
    const t0 = (-B - s) / A;
    if (t0 > tMin) return t0;
    const t1 = (-B + s) / A;
    return t1 > tMin ? t1 : Infinity;
  }
  protected normalLocal(x: number, y: number, z: number, out: Vec3): void {
    if (this.axis === 'z') { out[0] = x; out[1] = y; out[2] = 0; } else { out[0] = x; out[1] = 0; out[2] = z; }
  }
}

export type SdfShape =
  | { type: 'torus'; R: number; r: number }
  | { type: 'blob'; balls: { x: number; y: number; z: number; r: number }[]; k: number }
  | { type: 'roundbox'; h: Vec3; r: number };

function smin(a: number, b: number, k: number): number {
  const h = Math.max(k - Math.abs(a - b), 0) / k;
  return Math.min(a, b) - h * h * k * 0.25;
}

/** Sphere-traced signed-distance shape, bounded by a sphere of radius `bound` around its centre. */
export class SdfPrim extends Local {
  readonly kind: string;
  constructor(c: Vec3, readonly shape: SdfShape, readonly bound: number, R: Mat3 = IDENTITY, material = 0) {
    super(c, R, material);
    this.kind = shape.type;
  }
  sdf(x: number, y: number, z: number): number {
    const s = this.shape;
    if (s.type === 'torus') {
      const q = Math.hypot(x, z) - s.R;
      return Math.hypot(q, y) - s.r;
    }
    if (s.type === 'roundbox') {
      const qx = Math.abs(x) - s.h[0], qy = Math.abs(y) - s.h[1], qz = Math.abs(z) - s.h[2];
      return Math.hypot(Math.max(qx, 0), Math.max(qy, 0), Math.max(qz, 0)) + Math.min(Math.max(qx, qy, qz), 0) - s.r;
    }
    let d = Infinity;
    for (const b of s.balls) {
      const e = Math.hypot(x - b.x, y - b.y, z - b.z) - b.r;
      d = d === Infinity ? e : smin(d, e, s.k);
    }
    return d;
  }
  protected hitLocal(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMin: number): number {
    const b = ox * dx + oy * dy + oz * dz;
    const c = ox * ox + oy * oy + oz * oz - this.bound * this.bound;
    const disc = b * b - c;
    if (disc < 0) return Infinity;
    const s = Math.sqrt(disc);
    let t = Math.max(-b - s, tMin);
    const tEnd = -b + s;
    for (let i = 0; i < 160 && t < tEnd; i++) {
      const d = this.sdf(ox + t * dx, oy + t * dy, oz + t * dz);
      if (d < 1e-5) return t > tMin ? t : Infinity;
      t += d * 0.9; // 0.9: smooth-min blobs are not exactly 1-Lipschitz
    }
    return Infinity;
  }
  protected normalLocal(x: number, y: number, z: number, out: Vec3): void {
    const e = 1e-4;
    out[0] = this.sdf(x + e, y, z) - this.sdf(x - e, y, z);
    out[1] = this.sdf(x, y + e, z) - this.sdf(x, y - e, z);
    out[2] = this.sdf(x, y, z + e) - this.sdf(x, y, z - e);
  }
}

function hash2(x: number, z: number, seed: number): number {
  let h = Math.imul(x | 0, 374761393) + Math.imul(z | 0, 668265263) + Math.imul(seed | 0, 1274126177);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function noise2(x: number, z: number, seed: number): number {
  const ix = Math.floor(x), iz = Math.floor(z);
  let fx = x - ix, fz = z - iz;
  fx = fx * fx * (3 - 2 * fx); fz = fz * fz * (3 - 2 * fz);
  const a = hash2(ix, iz, seed), b = hash2(ix + 1, iz, seed), c = hash2(ix, iz + 1, seed), d = hash2(ix + 1, iz + 1, seed);
  return a + (b - a) * fx + (c - a) * fz + (a - b - c + d) * fx * fz;
}

/**
 * Terrain: y = amp · fbm(x·freq, z·freq) (value noise, `octaves`, values in [0, amp]), ray-marched with steps
 * bounded by the height field's Lipschitz constant and refined by bisection (to 1e-4 of the unit), so its depth
 * is exact to well below a pixel. Rays leaving the slab above the peaks or beyond `far` miss.
 */
export class Heightfield implements Primitive {
  readonly kind = 'terrain';
  private readonly slope: number;
  constructor(readonly amp: number, readonly freq: number, readonly octaves: number, readonly seed: number, public material = 0, readonly far = 250) {
    // |∇h| ≤ amp·freq·Σ(gain^i·lac^i)·1.5 (smoothstep's steepest slope), gain 0.5, lacunarity 2
    let s = 0;
    for (let i = 0; i < octaves; i++) s += 0.5 ** i * 2 ** i;
    this.slope = (1.5 * amp * freq * 1.5 * s) / (2 - 2 ** (1 - octaves)); // 1.5 > √2: both axes at once
  }
  height(x: number, z: number): number {
    let s = 0, a = 0.5, f = this.freq;
    for (let i = 0; i < this.octaves; i++) { s += a * noise2(x * f, z * f, this.seed + i); a *= 0.5; f *= 2; }
    return (this.amp * s) / (1 - 0.5 ** this.octaves);
  }
  intersect(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMin: number): number {
    let t = tMin;
    // start where the ray enters the slab y ≤ amp
    if (oy > this.amp) { if (dy >= 0) return Infinity; t = Math.max(t, (oy - this.amp) / -dy); }
    // a vertical step Δ above the terrain is safe for a ray moving h per unit t along the ground and dy up
    const k = this.slope * Math.hypot(dx, dz) + Math.max(0, -dy);
    let prevT = t, prevGap = oy + t * dy - this.height(ox + t * dx, oz + t * dz);
    if (prevGap < 0) return t > tMin ? t : Infinity;
    for (let i = 0; i < 400 && t < this.far; i++) {
      const gap = oy + t * dy - this.height(ox + t * dx, oz + t * dz);
      if (gap < 0) {
        let lo = prevT, hi = t;
        for (let j = 0; j < 24; j++) {
          const mid = 0.5 * (lo + hi);
          if (oy + mid * dy - this.height(ox + mid * dx, oz + mid * dz) < 0) hi = mid; else lo = mid;
        }
        return hi > tMin ? hi : Infinity;
      }
      if (dy > 0 && oy + t * dy > this.amp) return Infinity;
      prevT = t; prevGap = gap;
      t += Math.max(gap / Math.max(k, 1e-3), 1e-3 * (1 + t)) * 0.9;
    }
    void prevGap;
    return Infinity;
  }
  normal(px: number, _py: number, pz: number, out: Vec3): void {
    const e = 1e-3;
    const hx = (this.height(px + e, pz) - this.height(px - e, pz)) / (2 * e);
    const hz = (this.height(px, pz + e) - this.height(px, pz - e)) / (2 * e);
    const l = Math.hypot(hx, 1, hz);
    out[0] = -hx / l; out[1] = 1 / l; out[2] = -hz / l;
  }
}
