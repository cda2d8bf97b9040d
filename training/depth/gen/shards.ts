// Dataset shard format (.dgd, little-endian), read by training/depth/dataset.py:
//   bytes 0–3  "DGD1"; u32 count; u16 width; u16 height; u32 flags (0)
//   then count·h·w·3 uint8 RGB (row-major, image after image)
//   then count·h·w float16 disparity 1/z in 1/world-units (sky = 0)
import { writeFileSync, readFileSync } from 'node:fs';
import type { Rendered } from './render.ts';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE float32 → float16 bits, round to nearest even (Node 20 has no Float16Array). */
export function toHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  let exp = ((x >>> 23) & 0xff) - 127 + 15;
  let mant = x & 0x7fffff;
  if (exp >= 31) return sign | 0x7c00; // overflow → inf (never happens for disparity ≤ 1e4)
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - exp;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1), half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (exp << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
  return sign | h;
}

export function fromHalf(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >>> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

export function writeShard(path: string, items: Rendered[]): void {
  const w = items[0].width, h = items[0].height, n = items.length, px = w * h;
  const buf = Buffer.alloc(16 + n * px * 5);
  buf.write('DGD1', 0, 'ascii');
  buf.writeUInt32LE(n, 4); buf.writeUInt16LE(w, 8); buf.writeUInt16LE(h, 10); buf.writeUInt32LE(0, 12);
  items.forEach((it, i) => Buffer.from(it.rgb.buffer, it.rgb.byteOffset, it.rgb.byteLength).copy(buf, 16 + i * px * 3));
  let o = 16 + n * px * 3;
  for (const it of items) for (let p = 0; p < px; p++, o += 2) buf.writeUInt16LE(toHalf(it.disparity[p]), o);
  writeFileSync(path, buf);
}

export function readShard(path: string): Rendered[] {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'DGD1') throw new Error(`${path}: not a DGD1 shard`);
  const n = buf.readUInt32LE(4), w = buf.readUInt16LE(8), h = buf.readUInt16LE(10), px = w * h;
  const out: Rendered[] = [];
  for (let i = 0; i < n; i++) {
    const rgb = new Uint8Array(buf.subarray(16 + i * px * 3, 16 + (i + 1) * px * 3));
    const disparity = new Float32Array(px);
    const base = 16 + n * px * 3 + i * px * 2;
    for (let p = 0; p < px; p++) disparity[p] = fromHalf(buf.readUInt16LE(base + p * 2));
    out.push({ width: w, height: h, rgb, disparity });
  }
  return out;
}
