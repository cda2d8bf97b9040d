// Random scene recipes: outdoor ground + objects, corridors, tunnels, rooms, oblique surfaces,
// occlusion-heavy clutter and close-ups. A scene is a pure function of (seed, dream bank).
import { type Primitive, type Vec3, type Mat3, Plane, Sphere, Box, Room, Cylinder, SdfPrim, rotationYXZ, IDENTITY } from './geometry.ts';
import { type Image, type Material, randomMaterial, randomColor } from './textures.ts';
import { type Rng, mulberry32, uniform, randint, pick, weighted } from './rng.ts';

export interface Camera { pos: Vec3; right: Vec3; up: Vec3; forward: Vec3; fovY: number }
export interface Scene {
  type: string;
  camera: Camera;
  prims: Primitive[];
  materials: Material[];
  light: { kind: 'dir'; dir: Vec3 } | { kind: 'point'; pos: Vec3; range: number };
  ambient: number;
  shadows: boolean;
  flat: boolean; // albedo only, no lighting (like a painted dream image)
  skyTop: Vec3;
  skyBottom: Vec3;
  skyMaterial: Material | null;
  fogColor: Vec3;
  fogDensity: number;
}

/** Camera at pos; yaw about +y, pitch > 0 looks down, roll about the view axis; fovY in radians. */
export function makeCamera(pos: Vec3, yaw: number, pitch: number, roll: number, fovY: number): Camera {
  const R = rotationYXZ(yaw, pitch, roll);
  // columns of R: local x (right), y (up), z (forward)
  return { pos, right: [R[0], R[3], R[6]], up: [R[1], R[4], R[7]], forward: [R[2], R[5], R[8]], fovY };
}

/** World point seen through normalised screen coords (sx, sy in [-1,1], y up) at z-depth z. */
export function viewPoint(cam: Camera, sx: number, sy: number, z: number, aspect = 1): Vec3 {
  const t = Math.tan(cam.fovY / 2);
  const a = sx * t * aspect, b = sy * t;
  return [0, 1, 2].map((i) => cam.pos[i] + z * (cam.forward[i] + a * cam.right[i] + b * cam.up[i])) as Vec3;
}

const deg = Math.PI / 180;

interface Ctx { r: Rng; bank: Image[]; dreamShare: number; materials: Material[]; prims: Primitive[]; cam?: Camera }

function mat(c: Ctx): number {
  c.materials.push(randomMaterial(c.r, c.bank, c.dreamShare));
  return c.materials.length - 1;
}

function randRot(r: Rng, full: boolean): Mat3 {
  return full ? rotationYXZ(uniform(r, 0, 2 * Math.PI), uniform(r, -Math.PI / 2, Math.PI / 2), uniform(r, 0, 2 * Math.PI)) : rotationYXZ(uniform(r, 0, 2 * Math.PI), 0, 0);
}

/** Add one random object of characteristic radius s centred at p, unless it would contain the camera. */
function addObject(c: Ctx, p: Vec3, s: number, restOnGround: boolean): void {
  const r = c.r;
  if (c.cam && Math.hypot(p[0] - c.cam.pos[0], p[1] - c.cam.pos[1], p[2] - c.cam.pos[2]) < s * 1.9 + 0.15) return;
  const m = mat(c);
  const kind = weighted(r, { sphere: 3, box: 3, torus: 1.5, blob: 2, roundbox: 1.5 });
  const R = randRot(r, !restOnGround || r() < 0.3);
  switch (kind) {
    case 'sphere': c.prims.push(new Sphere(p, s, m)); break;
    case 'box': c.prims.push(new Box(p, [s * uniform(r, 0.3, 1), s * uniform(r, 0.3, 1), s * uniform(r, 0.3, 1)], R, m)); break;
    case 'torus': { const rr = s * uniform(r, 0.15, 0.4); c.prims.push(new SdfPrim(p, { type: 'torus', R: s - rr, r: rr }, s + 1e-3, R, m)); break; }
    case 'roundbox': {
      const rr = s * uniform(r, 0.05, 0.3), h: Vec3 = [s * uniform(r, 0.2, 0.55), s * uniform(r, 0.2, 0.55), s * uniform(r, 0.2, 0.55)];
      c.prims.push(new SdfPrim(p, { type: 'roundbox', h, r: rr }, Math.hypot(h[0], h[1], h[2]) + rr + 1e-3, R, m)); break;
    }
    case 'blob': {
      const balls = Array.from({ length: randint(r, 2, 5) }, () => {
        const br = s * uniform(r, 0.25, 0.5), off = s - br;
        const u = uniform(r, -1, 1), th = uniform(r, 0, 2 * Math.PI), q = Math.sqrt(1 - u * u) * off * r();
        return { x: q * Math.cos(th), y: u * off * r(), z: q * Math.sin(th), r: br };
      });
      c.prims.push(new SdfPrim(p, { type: 'blob', balls, k: s * uniform(r, 0.2, 0.6) }, s + 1e-3, R, m)); break;
    }
  }
}

function outdoor(c: Ctx): Camera {
  const r = c.r;
  const h = Math.exp(uniform(r, Math.log(0.25), Math.log(4)));
  // positive pitch looks down (forward.y = −sin pitch): mostly near the horizon, 15 % steeply at the ground
  const pitch = r() < 0.15 ? uniform(r, 40, 85) * deg : uniform(r, -5, 35) * deg;
  const cam = makeCamera([0, h, 0], uniform(r, 0, 2 * Math.PI), pitch, uniform(r, -8, 8) * deg, uniform(r, 40, 80) * deg);
  c.cam = cam;
  c.prims.push(new Plane([0, 1, 0], 0, mat(c)));
  if (r() < 0.3) { // back wall
    const p = viewPoint(cam, 0, 0, uniform(r, 6, 40));
    const yaw = Math.atan2(cam.forward[0], cam.forward[2]) + uniform(r, -40, 40) * deg;
    const n: Vec3 = [-Math.sin(yaw), 0, -Math.cos(yaw)];
    c.prims.push(new Plane(n, n[0] * p[0] + n[2] * p[2], mat(c)));
  }
  const count = randint(r, 0, 14);
  for (let i = 0; i < count; i++) {
    const z = Math.exp(uniform(r, Math.log(1), Math.log(30)));
    const p = viewPoint(cam, uniform(r, -1.1, 1.1), uniform(r, -1, 0.6), z);
    // world-size objects (not ∝ z): apparent size then says how far away they are, as in real scenes
    const s = Math.exp(uniform(r, Math.log(0.2), Math.log(2.2)));
    if (r() < 0.75) { p[1] = s; addObject(c, p, s, true); } else if (p[1] > s) addObject(c, p, s, false);
    if (r() < 0.1) c.prims.push(new Cylinder([p[0] + uniform(r, -3, 3), 0, p[2] + uniform(r, -3, 3)], uniform(r, 0.1, 0.6), 'y', IDENTITY, mat(c)));
  }
  return cam;
}

function corridor(c: Ctx, cubic: boolean): Camera {
  const r = c.r;
  const w = cubic ? uniform(r, 3, 12) : uniform(r, 1.5, 6), hgt = cubic ? uniform(r, 2.5, 6) : uniform(r, 2, 5);
  const len = cubic ? uniform(r, 3, 12) : uniform(r, 15, 80);
  const camY = uniform(r, 0.3, hgt - 0.3), camX = uniform(r, -0.35, 0.35) * w;
  const camZ = cubic ? uniform(r, -0.3, 0.3) * len : -len / 2 + uniform(r, 0.5, 3);
  const yaw = cubic ? uniform(r, 0, 2 * Math.PI) : uniform(r, -35, 35) * deg;
  const cam = makeCamera([camX, camY, camZ], yaw, uniform(r, -25, 20) * deg, uniform(r, -6, 6) * deg, uniform(r, 45, 85) * deg);
  c.cam = cam;
  c.prims.push(new Room([0, hgt / 2, 0], [w / 2, hgt / 2, len / 2], IDENTITY, mat(c)));
  if (r() < 0.7) c.prims.push(new Plane([0, 1, 0], 1e-3, mat(c))); // floor with its own material
  if (!cubic && r() < 0.5) { // rows of pillars
    const mp = mat(c), step = uniform(r, 2, 6), pr = uniform(r, 0.1, 0.4);
    for (let z = -len / 2 + step; z < len / 2; z += step) for (const sx of [-1, 1]) {
      const x = sx * (w / 2 - pr - 0.1);
      if (Math.hypot(x - camX, z - camZ) > pr + 0.3) c.prims.push(new Cylinder([x, 0, z], pr, 'y', IDENTITY, mp));
    }
  }
  const count = randint(r, 0, cubic ? 10 : 14);
  for (let i = 0; i < count; i++) {
    const s = uniform(r, 0.15, Math.min(w, hgt) * 0.3);
    const p: Vec3 = [uniform(r, -w / 2 + s, w / 2 - s), r() < 0.7 ? s : uniform(r, s, hgt - s), uniform(r, -len / 2 + s, len / 2 - s)];
    addObject(c, p, s, p[1] === s);
  }
  return cam;
}

function tunnel(c: Ctx): Camera {
  const r = c.r;
  const rad = uniform(r, 1.2, 4);
  const cam = makeCamera([uniform(r, -0.4, 0.4) * rad, uniform(r, -0.4, 0.4) * rad, 0], uniform(r, -30, 30) * deg, uniform(r, -20, 20) * deg, uniform(r, -20, 20) * deg, uniform(r, 45, 85) * deg);
  c.cam = cam;
  c.prims.push(new Cylinder([0, 0, 0], rad, 'z', IDENTITY, mat(c)));
  if (r() < 0.5) c.prims.push(new Plane([0, 0, 1], uniform(r, 10, 80), mat(c)));
  if (r() < 0.4) c.prims.push(new Plane([0, 1, 0], -rad * uniform(r, 0.5, 0.8), mat(c)));
  const count = randint(r, 0, 8);
  for (let i = 0; i < count; i++) {
    const s = uniform(r, 0.1, rad * 0.35), th = uniform(r, 0, 2 * Math.PI), q = (rad - s) * Math.sqrt(r());
    addObject(c, [q * Math.cos(th), q * Math.sin(th), uniform(r, 1, 30)], s, false);
  }
  return cam;
}

function surface(c: Ctx): Camera {
  const r = c.r;
  // one or two large oblique planes filling the view (like zooming into a painted wall)
  const cam = makeCamera([0, 0, 0], 0, 0, uniform(r, -15, 15) * deg, uniform(r, 40, 80) * deg);
  c.cam = cam;
  const n1 = rotationYXZ(uniform(r, -65, 65) * deg, uniform(r, -65, 65) * deg, 0);
  const nA: Vec3 = [-n1[2], -n1[5], -n1[8]];
  c.prims.push(new Plane(nA, nA[2] * uniform(r, 1.5, 8), mat(c)));
  if (r() < 0.5) {
    const n2 = rotationYXZ(uniform(r, -80, 80) * deg, uniform(r, -80, 80) * deg, 0);
    const nB: Vec3 = [-n2[2], -n2[5], -n2[8]];
    c.prims.push(new Plane(nB, nB[2] * uniform(r, 1.5, 12), mat(c)));
  }
  const count = randint(r, 0, 5);
  for (let i = 0; i < count; i++) { const z = uniform(r, 1, 6); addObject(c, viewPoint(cam, uniform(r, -1, 1), uniform(r, -1, 1), z), z * uniform(r, 0.05, 0.25), false); }
  return cam;
}

function clutter(c: Ctx, closeup: boolean): Camera {
  const r = c.r;
  const cam = makeCamera([0, 0, 0], uniform(r, 0, 2 * Math.PI), uniform(r, -30, 30) * deg, uniform(r, -20, 20) * deg, uniform(r, 40, 80) * deg);
  c.cam = cam;
  const back = r();
  if (back < 0.4) {
    const p = viewPoint(cam, 0, 0, closeup ? uniform(r, 4, 15) : uniform(r, 8, 40));
    const R = rotationYXZ(uniform(r, -50, 50) * deg, uniform(r, -50, 50) * deg, 0);
    const f = cam.forward;
    const n: Vec3 = [R[0] * f[0] + R[1] * f[1] + R[2] * f[2], R[3] * f[0] + R[4] * f[1] + R[5] * f[2], R[6] * f[0] + R[7] * f[1] + R[8] * f[2]];
    c.prims.push(new Plane(n, n[0] * p[0] + n[1] * p[1] + n[2] * p[2], mat(c)));
  } else if (back < 0.7) {
    c.prims.push(new Plane([0, 1, 0], -uniform(r, 0.5, 4), mat(c)));
  }
  if (closeup) {
    const z = uniform(r, 1.2, 4);
    addObject(c, viewPoint(cam, uniform(r, -0.3, 0.3), uniform(r, -0.3, 0.3), z + 0.5 * z), z * uniform(r, 0.4, 0.8), false);
  }
  const count = closeup ? randint(r, 0, 4) : randint(r, 8, 28);
  for (let i = 0; i < count; i++) {
    const z = Math.exp(uniform(r, Math.log(1), Math.log(closeup ? 10 : 20)));
    addObject(c, viewPoint(cam, uniform(r, -1.1, 1.1), uniform(r, -1.1, 1.1), z), Math.exp(uniform(r, Math.log(0.12), Math.log(0.9))), false);
  }
  return cam;
}

export const SCENE_TYPES = { outdoor: 30, corridor: 15, room: 10, tunnel: 10, surface: 10, clutter: 18, closeup: 7 } as const;
export type SceneType = keyof typeof SCENE_TYPES;
/** `types`: relative weights of the scene types (default SCENE_TYPES); leaving it out keeps old seeds' scenes. */
export interface SceneOptions { bank: Image[]; dreamShare: number; types?: Partial<Record<SceneType, number>> }

export function randomScene(seed: number, opt: SceneOptions): Scene {
  const r = mulberry32(seed);
  const c: Ctx = { r, bank: opt.bank, dreamShare: opt.dreamShare, materials: [], prims: [] };
  const type = weighted(r, (opt.types ?? SCENE_TYPES) as Record<SceneType, number>);
  let cam: Camera;
  switch (type) {
    case 'outdoor': cam = outdoor(c); break;
    case 'corridor': cam = corridor(c, false); break;
    case 'room': cam = corridor(c, true); break;
    case 'tunnel': cam = tunnel(c); break;
    case 'surface': cam = surface(c); break;
    case 'clutter': cam = clutter(c, false); break;
    default: cam = clutter(c, true); break;
  }
  const enclosed = type === 'corridor' || type === 'room' || type === 'tunnel';
  const elev = uniform(r, 15, 80) * deg, az = uniform(r, 0, 2 * Math.PI);
  const light: Scene['light'] = enclosed
    ? { kind: 'point', pos: viewPoint(cam, uniform(r, -0.8, 0.8), uniform(r, 0, 0.9), uniform(r, 0.5, 6)), range: uniform(r, 5, 40) }
    : { kind: 'dir', dir: [Math.cos(elev) * Math.sin(az), Math.sin(elev), Math.cos(elev) * Math.cos(az)] };
  const skyTop = r() < 0.6 ? ([uniform(r, 0.2, 0.5), uniform(r, 0.4, 0.7), uniform(r, 0.7, 1)] as Vec3) : randomColor(r);
  const skyBottom = [0, 1, 2].map((i) => Math.min(1, skyTop[i] * 0.5 + uniform(r, 0.3, 0.6))) as Vec3;
  const skyMaterial = r() < 0.3 ? randomMaterial(r, opt.bank, opt.dreamShare) : null;
  const fogDensity = r() < 0.45 ? 0 : Math.exp(uniform(r, Math.log(0.004), Math.log(0.15)));
  return {
    type, camera: cam, prims: c.prims, materials: c.materials, light,
    ambient: uniform(r, 0.12, 0.5), shadows: r() < 0.7, flat: r() < 0.2,
    skyTop, skyBottom, skyMaterial, fogColor: r() < 0.7 ? skyBottom : randomColor(r), fogDensity,
  };
}
