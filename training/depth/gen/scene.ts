// Random scene recipes: outdoor ground + objects, corridors, tunnels, rooms, oblique surfaces,
// occlusion-heavy clutter and close-ups. A scene is a pure function of (seed, dream bank).
import { type Primitive, type Vec3, type Mat3, Plane, Sphere, Box, Room, Cylinder, SdfPrim, Heightfield, rotationYXZ, IDENTITY } from './geometry.ts';
import { type Image, type Material, type PhotoTextures, randomMaterial, randomColor } from './textures.ts';
import { type Rng, mulberry32, uniform, randint, pick, weighted } from './rng.ts';

export interface Camera { pos: Vec3; right: Vec3; up: Vec3; forward: Vec3; fovY: number }
export type Light = ({ kind: 'dir'; dir: Vec3 } | { kind: 'point'; pos: Vec3; range: number }) & { strength?: number };
export interface Scene {
  type: string;
  camera: Camera;
  prims: Primitive[];
  materials: Material[];
  light: Light;
  /** More lights (indoor scenes lit by several lamps); absent in scenes made before they existed. */
  extraLights?: Light[];
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

interface Ctx { r: Rng; bank: Image[]; dreamShare: number; photo?: PhotoTextures; materials: Material[]; prims: Primitive[]; cam?: Camera }

function mat(c: Ctx): number {
  c.materials.push(randomMaterial(c.r, c.bank, c.dreamShare, c.photo));
  return c.materials.length - 1;
}

/** A material with a dream texture whenever the bank has any (the figure-ground scenes of issue 28). */
function dreamMat(c: Ctx): number {
  c.materials.push(randomMaterial(c.r, c.bank, c.bank.length ? 1 : c.dreamShare, c.photo));
  return c.materials.length - 1;
}

function randRot(r: Rng, full: boolean): Mat3 {
  return full ? rotationYXZ(uniform(r, 0, 2 * Math.PI), uniform(r, -Math.PI / 2, Math.PI / 2), uniform(r, 0, 2 * Math.PI)) : rotationYXZ(uniform(r, 0, 2 * Math.PI), 0, 0);
}

/** Add one random object of characteristic radius s centred at p, unless it would contain the camera. */
function addObject(c: Ctx, p: Vec3, s: number, restOnGround: boolean, material?: number): void {
  const r = c.r;
  if (c.cam && Math.hypot(p[0] - c.cam.pos[0], p[1] - c.cam.pos[1], p[2] - c.cam.pos[2]) < s * 1.9 + 0.15) return;
  const m = material ?? mat(c);
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

// ---- issue 28: scene layouts beyond the first seven (only through `types`, so old seeds keep their scenes)

function terrain(c: Ctx): Camera {
  const r = c.r;
  const amp = Math.exp(uniform(r, Math.log(2), Math.log(35))), freq = Math.exp(uniform(r, Math.log(0.008), Math.log(0.06)));
  const hf = new Heightfield(amp, freq, randint(r, 3, 5), randint(r, 0, 1 << 20), mat(c));
  const ground = hf.height(0, 0);
  const h = Math.exp(uniform(r, Math.log(0.4), Math.log(25)));
  const pitch = r() < 0.2 ? uniform(r, 35, 80) * deg : uniform(r, -8, 30) * deg;
  const cam = makeCamera([0, ground + h, 0], uniform(r, 0, 2 * Math.PI), pitch, uniform(r, -10, 10) * deg, uniform(r, 35, 95) * deg);
  c.cam = cam;
  c.prims.push(hf);
  if (r() < 0.3) c.prims.push(new Plane([0, 1, 0], amp * uniform(r, 0.15, 0.45), mat(c))); // a lake filling the valleys
  const count = randint(r, 0, 12);
  for (let i = 0; i < count; i++) { // boulders and blobs resting on the slope
    const z = Math.exp(uniform(r, Math.log(1.5), Math.log(60)));
    const p = viewPoint(cam, uniform(r, -1.1, 1.1), uniform(r, -1, 0.3), z);
    const s = Math.exp(uniform(r, Math.log(0.2), Math.log(3)));
    p[1] = hf.height(p[0], p[2]) + s * 0.7;
    addObject(c, p, s, true);
  }
  return cam;
}

function architecture(c: Ctx): Camera {
  const r = c.r;
  // a street between two rows of blocks (many large planes at right angles), or blocks scattered on a plaza
  const street = r() < 0.65, w = uniform(r, 6, 30);
  const camY = r() < 0.7 ? uniform(r, 1.2, 2.5) : Math.exp(uniform(r, Math.log(3), Math.log(40)));
  const yaw = street ? uniform(r, -50, 50) * deg + (r() < 0.5 ? Math.PI : 0) : uniform(r, 0, 2 * Math.PI);
  const cam = makeCamera([uniform(r, -0.3, 0.3) * w, camY, 0], yaw, uniform(r, -25, 35) * deg, uniform(r, -5, 5) * deg, uniform(r, 40, 95) * deg);
  c.cam = cam;
  c.prims.push(new Plane([0, 1, 0], 0, mat(c)));
  const facade = [mat(c), mat(c), mat(c)];
  const block = (cx: number, cz: number, hw: number, hh: number, hd: number, yawB: number) => {
    if (Math.abs(cam.pos[0] - cx) < hw + 0.5 && Math.abs(cam.pos[2] - cz) < hd + 0.5 && cam.pos[1] < 2 * hh + 0.5) return;
    const R = rotationYXZ(yawB, 0, 0), m = r() < 0.7 ? pick(r, facade) : mat(c);
    c.prims.push(new Box([cx, hh, cz], [hw, hh, hd], R, m));
    if (r() < 0.35) { // a ledge or balcony sticking out of the facade
      const by = uniform(r, 0.3, 1.7) * hh;
      c.prims.push(new Box([cx + Math.sign(-cx || 1) * (hw + 0.4), by, cz + uniform(r, -0.5, 0.5) * hd], [0.4, uniform(r, 0.1, 0.3), Math.min(hd, uniform(r, 0.8, 3))], R, mat(c)));
    }
  };
  if (street) {
    for (const side of [-1, 1]) {
      let z = -uniform(r, 30, 120);
      while (z < 150) {
        const len = uniform(r, 4, 25), depth = uniform(r, 5, 20), set = uniform(r, 0, 4);
        if (r() > 0.12) block(side * (w / 2 + set + depth / 2), z + len / 2, depth / 2, uniform(r, 2, 30), len / 2, 0);
        z += len + (r() < 0.3 ? uniform(r, 3, 12) : 0);
      }
    }
    if (r() < 0.4) for (let i = 0, n = randint(r, 1, 6); i < n; i++) { // steps or low walls across the street
      block(uniform(r, -0.3, 0.3) * w, uniform(r, 4, 60), uniform(r, 0.5, 0.45 * w), uniform(r, 0.1, 0.6), uniform(r, 0.2, 1.5), 0);
    }
  } else {
    for (let i = 0, n = randint(r, 4, 24); i < n; i++) {
      const p = viewPoint(cam, uniform(r, -1.3, 1.3), 0, Math.exp(uniform(r, Math.log(4), Math.log(90))));
      block(p[0], p[2], uniform(r, 1, 12), uniform(r, 1, 25), uniform(r, 1, 12), uniform(r, 0, Math.PI / 2));
    }
  }
  for (let i = 0, n = randint(r, 0, 8); i < n; i++) { // street furniture
    const s = uniform(r, 0.2, 1.2), p = viewPoint(cam, uniform(r, -1, 1), 0, uniform(r, 2, 30));
    p[1] = s; addObject(c, p, s, true);
  }
  return cam;
}

function interior(c: Ctx): Camera {
  const r = c.r;
  const W = uniform(r, 3, 9), H = uniform(r, 2.3, 4), L = uniform(r, 3, 10);
  const cam = makeCamera([uniform(r, -0.35, 0.35) * W, uniform(r, 0.4, 1.9), uniform(r, -0.35, 0.35) * L], uniform(r, 0, 2 * Math.PI),
    uniform(r, -10, 40) * deg, uniform(r, -5, 5) * deg, uniform(r, 45, 100) * deg);
  c.cam = cam;
  c.prims.push(new Room([0, H / 2, 0], [W / 2, H / 2, L / 2], IDENTITY, mat(c)));
  c.prims.push(new Plane([0, 1, 0], 1e-3, mat(c)));
  const clear = (x: number, z: number, rad: number) => Math.hypot(x - cam.pos[0], z - cam.pos[2]) > rad + 0.35;
  const box = (p: Vec3, h: Vec3, yaw: number, m: number) => c.prims.push(new Box(p, h, rotationYXZ(yaw, 0, 0), m));
  for (let i = 0, n = randint(r, 3, 12); i < n; i++) {
    const kind = weighted(r, { table: 3, chair: 3, shelf: 2, cabinet: 2, sofa: 1.5, lamp: 1, pile: 1.5 });
    const x = uniform(r, -0.45, 0.45) * W, z = uniform(r, -0.45, 0.45) * L, yaw = r() < 0.6 ? pick(r, [0, Math.PI / 2]) : uniform(r, 0, Math.PI);
    const m = mat(c), R = rotationYXZ(yaw, 0, 0);
    const at = (lx: number, ly: number, lz: number): Vec3 => [x + R[0] * lx + R[2] * lz, ly, z + R[6] * lx + R[8] * lz];
    switch (kind) {
      case 'table': {
        const hw = uniform(r, 0.3, 1), hd = uniform(r, 0.3, 0.7), ht = uniform(r, 0.4, 0.8);
        if (!clear(x, z, Math.hypot(hw, hd))) break;
        box(at(0, ht, 0), [hw, 0.03, hd], yaw, m);
        for (const [sx, sz] of [[-1, -1], [-1, 1], [1, -1], [1, 1]]) box(at(sx * (hw - 0.05), ht / 2, sz * (hd - 0.05)), [0.03, ht / 2, 0.03], yaw, m);
        for (let k = 0, nk = randint(r, 0, 3); k < nk; k++) { const s = uniform(r, 0.05, 0.18); addObject(c, at(uniform(r, -hw, hw) * 0.8, ht + 0.03 + s, uniform(r, -hd, hd) * 0.8), s, true); }
        break;
      }
      case 'chair': {
        const s = uniform(r, 0.2, 0.3), hs = uniform(r, 0.4, 0.5);
        if (!clear(x, z, s * 1.5)) break;
        box(at(0, hs, 0), [s, 0.03, s], yaw, m);
        box(at(0, hs + 0.3, -s), [s, 0.3, 0.03], yaw, m);
        for (const [sx, sz] of [[-1, -1], [-1, 1], [1, -1], [1, 1]]) box(at(sx * (s - 0.03), hs / 2, sz * (s - 0.03)), [0.02, hs / 2, 0.02], yaw, m);
        break;
      }
      case 'shelf': case 'cabinet': { // against a wall
        const wall = randint(r, 0, 3), hw = uniform(r, 0.3, 1.2), hd = uniform(r, 0.15, 0.35), hh = kind === 'shelf' ? uniform(r, 0.6, H / 2 - 0.1) : uniform(r, 0.3, 0.6);
        const along = uniform(r, -0.4, 0.4);
        const p: Vec3 = wall < 2 ? [(wall ? 1 : -1) * (W / 2 - hd), hh, along * L] : [along * W, hh, (wall === 2 ? 1 : -1) * (L / 2 - hd)];
        const h: Vec3 = wall < 2 ? [hd, hh, hw] : [hw, hh, hd];
        if (!clear(p[0], p[2], Math.max(h[0], h[2]))) break;
        c.prims.push(new Box(p, h, IDENTITY, m));
        if (kind === 'shelf') for (let k = 0, nk = randint(r, 2, 8); k < nk; k++) {
          const s = uniform(r, 0.05, 0.15), q: Vec3 = [p[0] + (wall < 2 ? -(hd + s) * (wall ? 1 : -1) : uniform(r, -hw, hw)), uniform(r, 0.2, 2 * hh), p[2] + (wall < 2 ? uniform(r, -hw, hw) : -(hd + s) * (wall === 2 ? 1 : -1))];
          c.prims.push(new Box(q, [s, s * uniform(r, 1, 2), s], IDENTITY, mat(c)));
        }
        break;
      }
      case 'sofa': {
        const hw = uniform(r, 0.6, 1.2), hd = uniform(r, 0.35, 0.5);
        if (!clear(x, z, hw)) break;
        c.prims.push(new SdfPrim(at(0, 0.25, 0), { type: 'roundbox', h: [hw, 0.15, hd], r: 0.1 }, Math.hypot(hw, 0.15, hd) + 0.11, R, m));
        c.prims.push(new SdfPrim(at(0, 0.6, -hd + 0.1), { type: 'roundbox', h: [hw, 0.3, 0.05], r: 0.08 }, Math.hypot(hw, 0.3, 0.05) + 0.09, R, m));
        break;
      }
      case 'lamp': {
        const hh = uniform(r, 0.6, 1.6);
        if (!clear(x, z, 0.3)) break;
        box([x, hh / 2, z], [0.02, hh / 2, 0.02], 0, m);
        c.prims.push(new Sphere([x, hh + 0.15, z], uniform(r, 0.1, 0.25), mat(c)));
        break;
      }
      default: // a pile of things on the floor
        for (let k = 0, nk = randint(r, 2, 6); k < nk; k++) {
          const s = uniform(r, 0.08, 0.35), px = x + uniform(r, -0.5, 0.5), pz = z + uniform(r, -0.5, 0.5);
          if (clear(px, pz, s)) addObject(c, [px, s, pz], s, true);
        }
    }
  }
  return cam;
}

function closeFar(c: Ctx): Camera {
  const r = c.r;
  // a thing within arm's reach in front of a far background: the biggest depth step a picture can have
  const h = uniform(r, 0.5, 3);
  const cam = makeCamera([0, h, 0], uniform(r, 0, 2 * Math.PI), uniform(r, -15, 35) * deg, uniform(r, -10, 10) * deg, uniform(r, 35, 90) * deg);
  c.cam = cam;
  const bg = r();
  if (bg < 0.45) c.prims.push(new Plane([0, 1, 0], 0, mat(c)));
  else if (bg < 0.7) c.prims.push(new Heightfield(Math.exp(uniform(r, Math.log(3), Math.log(30))), uniform(r, 0.01, 0.04), 4, randint(r, 0, 1 << 20), mat(c)));
  if (bg >= 0.7 || r() < 0.3) { // a far wall or cliff
    const p = viewPoint(cam, uniform(r, -0.3, 0.3), 0, uniform(r, 15, 90));
    const yaw = Math.atan2(cam.forward[0], cam.forward[2]) + uniform(r, -30, 30) * deg;
    const n: Vec3 = [-Math.sin(yaw), 0, -Math.cos(yaw)];
    c.prims.push(new Plane(n, n[0] * p[0] + n[2] * p[2], mat(c)));
  }
  if (bg >= 0.7 && r() < 0.5) c.prims.push(new Plane([0, 1, 0], 0, mat(c)));
  for (let i = 0, n = randint(r, 1, 3); i < n; i++) {
    const z = uniform(r, 0.35, 2.5);
    addObject(c, viewPoint(cam, uniform(r, -0.8, 0.8), uniform(r, -0.8, 0.5), z), z * uniform(r, 0.15, 0.5), false);
  }
  for (let i = 0, n = randint(r, 0, 6); i < n; i++) {
    const z = Math.exp(uniform(r, Math.log(4), Math.log(40)));
    addObject(c, viewPoint(cam, uniform(r, -1.1, 1.1), uniform(r, -1, 0.3), z), Math.exp(uniform(r, Math.log(0.3), Math.log(3))), false);
  }
  return cam;
}

function grazing(c: Ctx): Camera {
  const r = c.r;
  // a long textured wall seen at a grazing angle (5–35° between the view axis and the wall), with a floor
  const dist = Math.exp(uniform(r, Math.log(0.3), Math.log(4))), side = r() < 0.5 ? -1 : 1;
  const ang = uniform(r, 5, 35) * deg;
  const cam = makeCamera([0, uniform(r, 0.3, 3), 0], side * ang, uniform(r, -20, 25) * deg, uniform(r, -10, 10) * deg, uniform(r, 40, 90) * deg);
  c.cam = cam;
  c.prims.push(new Plane([1, 0, 0], side * dist, mat(c)));
  if (r() < 0.7) c.prims.push(new Plane([0, 1, 0], 0, mat(c)));
  if (r() < 0.35) c.prims.push(new Plane([1, 0, 0], -side * uniform(r, 2, 10), mat(c))); // the facing wall of a lane
  for (let i = 0, n = randint(r, 0, 5); i < n; i++) {
    const z = uniform(r, 1, 25), s = uniform(r, 0.1, 0.8);
    const p = viewPoint(cam, uniform(r, -1, 1), 0, z);
    p[1] = s; addObject(c, p, s, true);
  }
  return cam;
}

function figures(c: Ctx): Camera {
  const r = c.r;
  // dream-textured figures, heads and things in front of a dream-textured backdrop: what a dream keyframe shows,
  // with known depth (the things are nearer than what is behind them)
  const cam = makeCamera([0, uniform(r, 0.8, 2), 0], uniform(r, 0, 2 * Math.PI), uniform(r, -15, 25) * deg, uniform(r, -10, 10) * deg, uniform(r, 35, 85) * deg);
  c.cam = cam;
  const backZ = Math.exp(uniform(r, Math.log(3), Math.log(40)));
  const bg = r();
  if (bg < 0.5) {
    const p = viewPoint(cam, 0, 0, backZ);
    const yaw = Math.atan2(cam.forward[0], cam.forward[2]) + uniform(r, -35, 35) * deg;
    const n: Vec3 = [-Math.sin(yaw), 0, -Math.cos(yaw)];
    c.prims.push(new Plane(n, n[0] * p[0] + n[2] * p[2], dreamMat(c)));
    if (r() < 0.6) c.prims.push(new Plane([0, 1, 0], 0, dreamMat(c)));
  } else if (bg < 0.8) {
    c.prims.push(new Room([0, 2, 0], [backZ * 0.7, 2 + backZ * 0.2, backZ], rotationYXZ(uniform(r, 0, Math.PI), 0, 0), dreamMat(c)));
  } else c.prims.push(new Plane([0, 1, 0], 0, dreamMat(c)));
  for (let i = 0, n = randint(r, 1, 6); i < n; i++) {
    const z = uniform(r, 0.8, Math.min(backZ * 0.8, 15)), m = dreamMat(c);
    const p = viewPoint(cam, uniform(r, -0.8, 0.8), uniform(r, -0.6, 0.4), z);
    const kind = weighted(r, { figure: 3, head: 2, thing: 2 });
    if (kind === 'figure') { // a body blob standing on the ground, a head on top
      const hgt = uniform(r, 0.8, 1.9), bw = hgt * uniform(r, 0.15, 0.25);
      p[1] = 0;
      const balls = Array.from({ length: 4 }, (_, k) => ({ x: uniform(r, -0.3, 0.3) * bw, y: hgt * (0.15 + 0.18 * k), z: 0, r: bw * uniform(r, 0.7, 1.1) }));
      c.prims.push(new SdfPrim([p[0], 0, p[2]], { type: 'blob', balls, k: bw * 0.6 }, hgt + bw, rotationYXZ(uniform(r, 0, 6.3), 0, 0), m));
      c.prims.push(new Sphere([p[0], hgt * 0.88 + bw, p[2]], bw * uniform(r, 0.6, 0.9), r() < 0.5 ? m : dreamMat(c)));
    } else if (kind === 'head') c.prims.push(new Sphere(p, z * uniform(r, 0.08, 0.25), m));
    else addObject(c, p, z * uniform(r, 0.08, 0.3), false, m);
  }
  return cam;
}

/** The issue-28 mix (`npm run depth:data -- --types mix2`): the first seven types and the new six. */
export const SCENE_TYPES_V2 = {
  outdoor: 12, corridor: 6, room: 5, tunnel: 4, surface: 6, clutter: 8, closeup: 5,
  terrain: 12, architecture: 12, interior: 12, closefar: 8, grazing: 6, figures: 10,
} as const;

export const SCENE_TYPES = { outdoor: 30, corridor: 15, room: 10, tunnel: 10, surface: 10, clutter: 18, closeup: 7 } as const;
export type SceneType = keyof typeof SCENE_TYPES_V2;
/** `types`: relative weights of the scene types (default SCENE_TYPES: the first seven; SCENE_TYPES_V2 has all);
 *  leaving it out keeps old seeds' scenes. `photo`: photographic textures. `variety`: also vary the camera's field
 *  of view and the lighting (low sun, overcast, several lamps) beyond each type's own draws; both leave the draws
 *  before them unchanged. */
export interface SceneOptions { bank: Image[]; dreamShare: number; types?: Partial<Record<SceneType, number>>; photo?: PhotoTextures; variety?: boolean }

export function randomScene(seed: number, opt: SceneOptions): Scene {
  const r = mulberry32(seed);
  const c: Ctx = { r, bank: opt.bank, dreamShare: opt.dreamShare, photo: opt.photo, materials: [], prims: [] };
  const type = weighted(r, (opt.types ?? SCENE_TYPES) as Record<SceneType, number>);
  let cam: Camera;
  switch (type) {
    case 'outdoor': cam = outdoor(c); break;
    case 'corridor': cam = corridor(c, false); break;
    case 'room': cam = corridor(c, true); break;
    case 'tunnel': cam = tunnel(c); break;
    case 'surface': cam = surface(c); break;
    case 'clutter': cam = clutter(c, false); break;
    case 'terrain': cam = terrain(c); break;
    case 'architecture': cam = architecture(c); break;
    case 'interior': cam = interior(c); break;
    case 'closefar': cam = closeFar(c); break;
    case 'grazing': cam = grazing(c); break;
    case 'figures': cam = figures(c); break;
    default: cam = clutter(c, true); break;
  }
  const enclosed = type === 'corridor' || type === 'room' || type === 'tunnel' || type === 'interior';
  const elev = uniform(r, 15, 80) * deg, az = uniform(r, 0, 2 * Math.PI);
  const light: Scene['light'] = enclosed
    ? { kind: 'point', pos: viewPoint(cam, uniform(r, -0.8, 0.8), uniform(r, 0, 0.9), uniform(r, 0.5, 6)), range: uniform(r, 5, 40) }
    : { kind: 'dir', dir: [Math.cos(elev) * Math.sin(az), Math.sin(elev), Math.cos(elev) * Math.cos(az)] };
  const skyTop = r() < 0.6 ? ([uniform(r, 0.2, 0.5), uniform(r, 0.4, 0.7), uniform(r, 0.7, 1)] as Vec3) : randomColor(r);
  const skyBottom = [0, 1, 2].map((i) => Math.min(1, skyTop[i] * 0.5 + uniform(r, 0.3, 0.6))) as Vec3;
  const skyMaterial = r() < 0.3 ? randomMaterial(r, opt.bank, opt.dreamShare) : null;
  const fogDensity = r() < 0.45 ? 0 : Math.exp(uniform(r, Math.log(0.004), Math.log(0.15)));
  const scene: Scene = {
    type, camera: cam, prims: c.prims, materials: c.materials, light,
    ambient: uniform(r, 0.12, 0.5), shadows: r() < 0.7, flat: r() < 0.2,
    skyTop, skyBottom, skyMaterial, fogColor: r() < 0.7 ? skyBottom : randomColor(r), fogDensity,
  };
  if (opt.variety) vary(r, scene, enclosed);
  return scene;
}

/** Field of view and lighting beyond the scene type's own draws (after them, so the geometry stays the same). */
function vary(r: Rng, s: Scene, enclosed: boolean): void {
  if (r() < 0.35) s.camera.fovY = uniform(r, 28, 105) * deg; // zoomed in to wide angle, whatever the layout
  const mode = weighted(r, enclosed ? { lamps: 3, keep: 2, overcast: 1, lowSun: 0 } : { lowSun: 2, overcast: 2, keep: 3, lamps: 1 });
  if (mode === 'lowSun') { // long shadows, strong shading gradients
    const elev = uniform(r, 2, 12) * deg, az = uniform(r, 0, 2 * Math.PI);
    s.light = { kind: 'dir', dir: [Math.cos(elev) * Math.sin(az), Math.sin(elev), Math.cos(elev) * Math.cos(az)] };
    s.ambient = uniform(r, 0.08, 0.3); s.shadows = true;
  } else if (mode === 'overcast') { // soft light from above, no cast shadows
    s.light = { kind: 'dir', dir: [uniform(r, -0.2, 0.2), 1, uniform(r, -0.2, 0.2)] };
    s.ambient = uniform(r, 0.5, 0.85); s.shadows = false;
  } else if (mode === 'lamps') { // one to three point lights anywhere in view
    const lamp = (): Light => ({ kind: 'point', pos: viewPoint(s.camera, uniform(r, -1, 1), uniform(r, -0.5, 1), uniform(r, 0.5, 8)), range: uniform(r, 2, 15), strength: uniform(r, 0.5, 1.2) });
    s.light = lamp();
    s.extraLights = Array.from({ length: randint(r, 0, 2) }, lamp);
    s.ambient = uniform(r, 0.05, 0.35);
  }
}
