// CPU ray caster: RGB (uint8) + disparity 1/z (z = depth along the camera's forward axis; sky = 0).
import type { Scene } from './scene.ts';
import type { Vec3 } from './geometry.ts';
import { albedo } from './textures.ts';

export interface Rendered { width: number; height: number; rgb: Uint8Array; disparity: Float32Array }

const n: Vec3 = [0, 0, 0];
const col = [0, 0, 0];

function occluded(s: Scene, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number): boolean {
  for (const p of s.prims) if (p.intersect(ox, oy, oz, dx, dy, dz, 1e-4) < tMax) return true;
  return false;
}

/** Shade one ray; writes RGB into out and returns z-depth (Infinity for sky). */
export function trace(s: Scene, dx: number, dy: number, dz: number, out: number[]): number {
  const [ox, oy, oz] = s.camera.pos;
  let best = Infinity, idx = -1;
  for (let i = 0; i < s.prims.length; i++) {
    const t = s.prims[i].intersect(ox, oy, oz, dx, dy, dz, 1e-6);
    if (t < best) { best = t; idx = i; }
  }
  if (idx < 0) {
    const k = Math.max(0, Math.min(1, dy * 1.5 + 0.5));
    if (s.skyMaterial) {
      albedo(s.skyMaterial, Math.atan2(dx, dz) * 3, dy * 3, 0, 0, 0, 1, col);
      for (let c = 0; c < 3; c++) out[c] = col[c];
    } else for (let c = 0; c < 3; c++) out[c] = s.skyBottom[c] + (s.skyTop[c] - s.skyBottom[c]) * k;
    return Infinity;
  }
  const f = s.camera.forward;
  const z = best * (dx * f[0] + dy * f[1] + dz * f[2]);
  const px = ox + best * dx, py = oy + best * dy, pz = oz + best * dz;
  const prim = s.prims[idx];
  prim.normal(px, py, pz, n);
  if (n[0] * dx + n[1] * dy + n[2] * dz > 0) { n[0] = -n[0]; n[1] = -n[1]; n[2] = -n[2]; }
  const m = s.materials[prim.material];
  albedo(m, px, py, pz, n[0], n[1], n[2], col);
  if (s.flat) {
    for (let c = 0; c < 3; c++) out[c] = col[c];
  } else {
    let diff = 0, spec = 0;
    for (let li = 0; li < 1 + (s.extraLights?.length ?? 0); li++) {
      const light = li === 0 ? s.light : s.extraLights![li - 1];
      let lx: number, ly: number, lz: number, dist: number, atten = 1;
      if (light.kind === 'dir') { [lx, ly, lz] = light.dir; dist = Infinity; } else {
        lx = light.pos[0] - px; ly = light.pos[1] - py; lz = light.pos[2] - pz;
        dist = Math.hypot(lx, ly, lz); lx /= dist; ly /= dist; lz /= dist;
        atten = 1 / (1 + (dist / light.range) ** 2);
      }
      const ndl = n[0] * lx + n[1] * ly + n[2] * lz;
      if (ndl <= 0) continue;
      if (s.shadows && occluded(s, px + n[0] * 1e-3, py + n[1] * 1e-3, pz + n[2] * 1e-3, lx, ly, lz, dist)) continue;
      diff += ndl * atten * (light.strength ?? 1);
      if (m.spec > 0) {
        // Phong: reflect the light about n, compare with the view direction (-d)
        const rx = 2 * ndl * n[0] - lx, ry = 2 * ndl * n[1] - ly, rz = 2 * ndl * n[2] - lz;
        spec += m.spec * Math.pow(Math.max(0, -(rx * dx + ry * dy + rz * dz)), m.shininess) * atten * (light.strength ?? 1);
      }
    }
    const amb = s.ambient;
    for (let c = 0; c < 3; c++) out[c] = col[c] * (amb + (1 - amb) * diff) + spec;
  }
  if (s.fogDensity > 0) {
    const fog = 1 - Math.exp(-s.fogDensity * best);
    for (let c = 0; c < 3; c++) out[c] += (s.fogColor[c] - out[c]) * fog;
  }
  return z;
}

/** Render at width×height, supersampling ss×ss per pixel (RGB averaged, disparity averaged). */
export function render(s: Scene, width: number, height: number, ss = 1): Rendered {
  const rgb = new Uint8Array(width * height * 3);
  const disparity = new Float32Array(width * height);
  const cam = s.camera, t = Math.tan(cam.fovY / 2), aspect = width / height;
  const out = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0, disp = 0;
      for (let j = 0; j < ss; j++) for (let i = 0; i < ss; i++) {
        const sx = ((x + (i + 0.5) / ss) / width * 2 - 1) * t * aspect;
        const sy = (1 - (y + (j + 0.5) / ss) / height * 2) * t;
        let dx = cam.forward[0] + sx * cam.right[0] + sy * cam.up[0];
        let dy = cam.forward[1] + sx * cam.right[1] + sy * cam.up[1];
        let dz = cam.forward[2] + sx * cam.right[2] + sy * cam.up[2];
        const l = Math.hypot(dx, dy, dz); dx /= l; dy /= l; dz /= l;
        const z = trace(s, dx, dy, dz, out);
        r += out[0]; g += out[1]; b += out[2];
        disp += z === Infinity ? 0 : 1 / z;
      }
      const k = 1 / (ss * ss), p = y * width + x;
      rgb[p * 3] = Math.max(0, Math.min(255, Math.round(r * k * 255)));
      rgb[p * 3 + 1] = Math.max(0, Math.min(255, Math.round(g * k * 255)));
      rgb[p * 3 + 2] = Math.max(0, Math.min(255, Math.round(b * k * 255)));
      disparity[p] = disp * k;
    }
  }
  return { width, height, rgb, disparity };
}
