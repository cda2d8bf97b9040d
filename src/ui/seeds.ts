// The default seed images (made by scripts/media/make-seeds.ts, procedural, 160×160) and the procedural
// noise seed the dream worker makes itself from the random seed. Ids are what the share URL carries.
import rings from '../../assets/seeds/rings.png?url';
import waves from '../../assets/seeds/waves.png?url';
import dusk from '../../assets/seeds/dusk.png?url';
import bokeh from '../../assets/seeds/bokeh.png?url';

export interface DefaultSeed { id: string; label: string; url: string | null }

/** 'noise' has no image: the worker's own procedural seed, reproducible from the random seed. */
export const NOISE_SEED = 'noise';

export const DEFAULT_SEEDS: readonly DefaultSeed[] = [
  { id: NOISE_SEED, label: 'colour noise', url: null },
  { id: 'rings', label: 'rings', url: rings },
  { id: 'waves', label: 'waves', url: waves },
  { id: 'dusk', label: 'dusk hills', url: dusk },
  { id: 'bokeh', label: 'bokeh lights', url: bokeh },
];

export const SEED_IDS: readonly string[] = DEFAULT_SEEDS.map((s) => s.id);

/**
 * The picture shown while the dream network loads when the seed is 'noise': smooth colour noise from
 * the random seed, like the worker's own procedural seed (not pixel-identical: the worker's comes
 * from TF.js's RNG). RGBA, top row first.
 */
export function noisePixels(width: number, height: number, rng: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  let s = (rng * 2654435761 + 1) >>> 0;
  const rand = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const acc = new Float32Array(width * height * 3);
  for (let o = 0, cells = 3, amp = 0.5; o < 4; o++, cells *= 2, amp /= 2) {
    const g = new Float32Array((cells + 1) * (cells + 1) * 3);
    for (let i = 0; i < g.length; i++) g[i] = rand() * 2 - 1;
    for (let y = 0; y < height; y++) {
      const fy = (y / Math.max(1, height - 1)) * cells, y0 = Math.min(cells - 1, Math.floor(fy)), ty = fy - y0;
      for (let x = 0; x < width; x++) {
        const fx = (x / Math.max(1, width - 1)) * cells, x0 = Math.min(cells - 1, Math.floor(fx)), tx = fx - x0;
        for (let c = 0; c < 3; c++) {
          const at = (xx: number, yy: number) => g[(yy * (cells + 1) + xx) * 3 + c];
          const top = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * tx;
          const bot = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * tx;
          acc[(y * width + x) * 3 + c] += (top + (bot - top) * ty) * amp;
        }
      }
    }
  }
  for (let i = 0, j = 0; i < out.length; i += 4, j += 3) {
    out[i] = (acc[j] * 0.8 + 0.5) * 255;
    out[i + 1] = (acc[j + 1] * 0.8 + 0.5) * 255;
    out[i + 2] = (acc[j + 2] * 0.8 + 0.5) * 255;
    out[i + 3] = 255;
  }
  return out;
}
