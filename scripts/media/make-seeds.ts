// Makes the default seed images in assets/seeds/: procedural, made here, nothing third-party.
// Usage: npx tsx scripts/media/make-seeds.ts   (deterministic: the same PNGs every run)
// Soft shapes and gradients, because DeepDream grows detail out of the seed's edges and colour
// changes; 160×160 = the dream's keyframe size (src/dream/client.ts DEFAULT_CLIENT_OPTIONS.size).
import { PNG } from 'pngjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const SIZE = 160;
type Shader = (u: number, v: number) => [number, number, number]; // u, v in [0,1) → RGB in [0,1]

const TAU = Math.PI * 2;
const mix = (a: number, b: number, t: number) => a + (b - a) * t;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export const SEED_SHADERS: Record<string, Shader> = {
  // Concentric rings in warm and cool bands, off-centre so the zoom finds both.
  rings: (u, v) => {
    const r = Math.hypot(u - 0.42, v - 0.46);
    const t = 0.5 + 0.5 * Math.sin(r * 48);
    return [mix(0.85, 0.2, t), mix(0.45, 0.35, t), mix(0.2, 0.75, t)];
  },
  // Interfering waves: a marbled sea-green field.
  waves: (u, v) => {
    const t = 0.5 + 0.25 * Math.sin(u * TAU * 3 + Math.sin(v * TAU * 2) * 2) + 0.25 * Math.sin(v * TAU * 4 + u * 3);
    return [mix(0.1, 0.55, t), mix(0.35, 0.85, t), mix(0.45, 0.7, t)];
  },
  // A dusk sky over dark hills: a horizon gives depth a ground to find.
  dusk: (u, v) => {
    const hill = 0.62 + 0.06 * Math.sin(u * TAU * 1.3 + 0.7) + 0.03 * Math.sin(u * TAU * 4.1);
    if (v > hill) { const t = clamp01((v - hill) * 3); return [mix(0.18, 0.06, t), mix(0.14, 0.08, t), mix(0.2, 0.1, t)]; }
    const t = v / hill;
    const sun = Math.exp(-((u - 0.66) ** 2 + (v - 0.55) ** 2) * 90);
    return [clamp01(mix(0.25, 0.95, t) + sun), clamp01(mix(0.3, 0.5, t) + 0.8 * sun), clamp01(mix(0.6, 0.35, t) + 0.4 * sun)];
  },
  // Soft overlapping discs of colour, like out-of-focus lights.
  bokeh: (u, v) => {
    const c: [number, number, number] = [0.12, 0.1, 0.16];
    for (let i = 0; i < 14; i++) {
      const x = (Math.sin(i * 12.9898) * 43758.5453) % 1, y = (Math.sin(i * 78.233) * 12345.678) % 1;
      const cx = Math.abs(x), cy = Math.abs(y), rad = 0.06 + 0.08 * ((i * 7) % 5) / 5;
      const a = 0.55 * clamp01((rad - Math.hypot(u - cx, v - cy)) / 0.02);
      const hue = (i * 0.137) % 1;
      c[0] = mix(c[0], 0.5 + 0.5 * Math.cos(TAU * hue), a);
      c[1] = mix(c[1], 0.5 + 0.5 * Math.cos(TAU * (hue + 0.33)), a);
      c[2] = mix(c[2], 0.5 + 0.5 * Math.cos(TAU * (hue + 0.67)), a);
    }
    return c;
  },
};

export function renderSeed(shader: Shader, size = SIZE): Buffer {
  const png = new PNG({ width: size, height: size, colorType: 2 });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [r, g, b] = shader((x + 0.5) / size, (y + 0.5) / size);
      const i = (y * size + x) * 4;
      png.data[i] = Math.round(clamp01(r) * 255);
      png.data[i + 1] = Math.round(clamp01(g) * 255);
      png.data[i + 2] = Math.round(clamp01(b) * 255);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: 2, deflateLevel: 9 });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const dir = resolve(import.meta.dirname, '../../assets/seeds');
  mkdirSync(dir, { recursive: true });
  for (const [name, shader] of Object.entries(SEED_SHADERS)) {
    const buf = renderSeed(shader);
    writeFileSync(resolve(dir, `${name}.png`), buf);
    console.log(`${name}.png ${buf.length} bytes`);
  }
}
