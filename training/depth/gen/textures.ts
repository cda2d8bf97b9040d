// Surface textures: procedural ones and "dream" textures (images the project's dream engine made,
// loaded from training/depth/data/dream-bank/*.png). Mapping is world-space planar projection on
// the axis the normal faces most, so every primitive gets a texture without its own UVs.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { type Rng, pick, uniform } from './rng.ts';

export interface Image { width: number; height: number; data: Float32Array } // RGB in [0,1], row-major

export type Material = {
  kind: 'solid' | 'checker' | 'stripes' | 'noise' | 'psy' | 'dream' | 'photo' | 'bricks' | 'planks';
  a: [number, number, number];
  b: [number, number, number];
  scale: number; // texture repeats per world unit
  image?: Image; // dream or photo texture
  phase: number;
  spec: number; // Phong specular strength in [0,1]
  shininess: number;
};

export function loadDreamBank(dir: string): Image[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.png')).sort();
  const out: Image[] = [];
  for (const f of files) {
    try {
      const png = PNG.sync.read(readFileSync(join(dir, f)));
      const data = new Float32Array(png.width * png.height * 3);
      for (let i = 0; i < png.width * png.height; i++) {
        data[i * 3] = png.data[i * 4] / 255; data[i * 3 + 1] = png.data[i * 4 + 1] / 255; data[i * 3 + 2] = png.data[i * 4 + 2] / 255;
      }
      out.push({ width: png.width, height: png.height, data });
    } catch {
      // a half-written PNG from a concurrent dream:bank run: skip it
    }
  }
  return out;
}

function hash3(x: number, y: number, z: number): number {
  let h = Math.imul(x | 0, 374761393) + Math.imul(y | 0, 668265263) + Math.imul(z | 0, 2147483647);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function valueNoise(x: number, y: number, z: number): number {
  const ix = Math.floor(x), iy = Math.floor(y), iz = Math.floor(z);
  let fx = x - ix, fy = y - iy, fz = z - iz;
  fx = fx * fx * (3 - 2 * fx); fy = fy * fy * (3 - 2 * fy); fz = fz * fz * (3 - 2 * fz);
  const l = (a: number, b: number, t: number) => a + (b - a) * t;
  return l(
    l(l(hash3(ix, iy, iz), hash3(ix + 1, iy, iz), fx), l(hash3(ix, iy + 1, iz), hash3(ix + 1, iy + 1, iz), fx), fy),
    l(l(hash3(ix, iy, iz + 1), hash3(ix + 1, iy, iz + 1), fx), l(hash3(ix, iy + 1, iz + 1), hash3(ix + 1, iy + 1, iz + 1), fx), fy),
    fz);
}

export function fbm(x: number, y: number, z: number, octaves = 3): number {
  let s = 0, a = 0.5, f = 1;
  for (let i = 0; i < octaves; i++) { s += a * valueNoise(x * f, y * f, z * f); a *= 0.5; f *= 2.03; }
  return s / (1 - Math.pow(0.5, octaves));
}

function sampleImage(img: Image, u: number, v: number, out: number[]): void {
  // bilinear, wrapping
  const x = (u - Math.floor(u)) * img.width - 0.5, y = (v - Math.floor(v)) * img.height - 0.5;
  const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
  const W = img.width, H = img.height, d = img.data;
  const xa = ((x0 % W) + W) % W, xb = (xa + 1) % W, ya = ((y0 % H) + H) % H, yb = (ya + 1) % H;
  for (let c = 0; c < 3; c++) {
    const p = d[(ya * W + xa) * 3 + c] * (1 - fx) + d[(ya * W + xb) * 3 + c] * fx;
    const q = d[(yb * W + xa) * 3 + c] * (1 - fx) + d[(yb * W + xb) * 3 + c] * fx;
    out[c] = p * (1 - fy) + q * fy;
  }
}

/** Albedo at world point p with normal n into out (RGB in [0,1]). */
export function albedo(m: Material, px: number, py: number, pz: number, nx: number, ny: number, nz: number, out: number[]): void {
  const ax = Math.abs(nx), ay = Math.abs(ny), az = Math.abs(nz);
  let u: number, v: number, w: number;
  if (ax >= ay && ax >= az) { u = pz; v = py; w = px; } else if (ay >= az) { u = px; v = pz; w = py; } else { u = px; v = py; w = pz; }
  u *= m.scale; v *= m.scale; w *= m.scale;
  let t = 0;
  switch (m.kind) {
    case 'solid': t = 0; break;
    case 'checker': t = (Math.floor(u) + Math.floor(v) + Math.floor(w + 0.5)) & 1; break;
    case 'stripes': t = 0.5 + 0.5 * Math.sin((u + 0.6 * v) * Math.PI * 2 + m.phase); break;
    case 'noise': t = fbm(px * m.scale, py * m.scale, pz * m.scale); break;
    case 'psy': {
      // domain-warped cosine palette: a stand-in for dream textures when the bank is empty
      const q = fbm(px * m.scale + m.phase, py * m.scale, pz * m.scale, 2);
      const r = 0.5 + 0.5 * Math.cos(6.283 * (q * 2.0 + u * 0.15 + m.phase));
      out[0] = 0.5 + 0.5 * Math.cos(6.283 * (r + m.a[0]));
      out[1] = 0.5 + 0.5 * Math.cos(6.283 * (r + m.a[1]));
      out[2] = 0.5 + 0.5 * Math.cos(6.283 * (r + m.a[2]));
      return;
    }
    case 'dream': case 'photo': {
      if (m.image) { sampleImage(m.image, u * 0.25 + m.phase, v * 0.25 + m.phase * 0.37, out); return; }
      t = 0.5; break;
    }
    case 'bricks': {
      // running bond, mortar lines darker, each brick its own shade: man-made regular texture with fine grain
      const row = Math.floor(v * 2), bx = u + (row & 1) * 0.5, fx = bx - Math.floor(bx), fy = v * 2 - row;
      const mortar = fx < 0.06 || fy < 0.12 ? 1 : 0;
      const shade = hash3(Math.floor(bx), row, 7) * 0.5 + 0.35 * fbm(px * m.scale * 8, py * m.scale * 8, pz * m.scale * 8, 2);
      t = mortar ? 1 : shade * 0.6; break;
    }
    case 'planks': {
      // wood: long boards with grain along u
      const board = Math.floor(v * 1.5), grain = fbm(u * 0.7 + board * 13.1, v * 12, w * 3, 3);
      t = 0.5 + 0.5 * Math.sin(grain * 18 + board) * 0.6 + (hash3(board, 3, 1) - 0.5) * 0.5; break;
    }
  }
  out[0] = m.a[0] + (m.b[0] - m.a[0]) * t; out[1] = m.a[1] + (m.b[1] - m.a[1]) * t; out[2] = m.a[2] + (m.b[2] - m.a[2]) * t;
}

export function randomColor(r: Rng): [number, number, number] {
  // HSV with broad saturation/value
  const h = r() * 6, s = uniform(r, 0.1, 0.9), v = uniform(r, 0.25, 1);
  const i = Math.floor(h), f = h - i, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  return ([[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i % 6]) as [number, number, number];
}

/** Photographs for 'photo' materials (training/depth/data/photo-bank/, made by training/depth/photos.py) and the
 *  share of the non-dream picks they get; absent: the draws of scenes made before photos existed stay the same. */
export interface PhotoTextures { photos: Image[]; share: number }

/** A random material; dream textures get `dreamShare` of the picks when the bank is non-empty. */
export function randomMaterial(r: Rng, bank: Image[], dreamShare: number, photo?: PhotoTextures): Material {
  const useDream = bank.length > 0 && r() < dreamShare;
  // drawn only when photos are given, so the streams of older scenes are unchanged
  const usePhoto = !useDream && photo !== undefined && photo.photos.length > 0 && r() < photo.share;
  const kind: Material['kind'] = useDream ? 'dream' : usePhoto ? 'photo' : photo
    ? pick(r, ['solid', 'checker', 'stripes', 'noise', 'noise', 'psy', 'bricks', 'planks'] as const)
    : pick(r, ['solid', 'checker', 'stripes', 'noise', 'noise', 'psy', 'psy'] as const);
  return {
    kind,
    a: randomColor(r),
    b: randomColor(r),
    scale: Math.exp(uniform(r, Math.log(0.3), Math.log(4))),
    image: useDream ? pick(r, bank) : usePhoto ? pick(r, photo!.photos) : undefined,
    phase: r(),
    spec: r() < 0.5 ? 0 : uniform(r, 0.1, 0.6),
    shininess: uniform(r, 8, 64),
  };
}
