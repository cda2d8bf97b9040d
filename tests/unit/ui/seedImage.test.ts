import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
import { checkSeedFile, centreCrop, decodeSize, imageSize, sniffImageType, looksComplete, MAX_SEED_PIXELS } from '../../../src/ui/seedImage';
import { blackPng } from '../../fixtures/images';
import { SEED_SHADERS, renderSeed } from '../../../scripts/media/make-seeds';

const file = (bytes: Uint8Array, name = 'x', type = '') => checkSeedFile({ name, type, size: bytes.length }, bytes);

function png(w: number, h: number): Uint8Array {
  const p = new PNG({ width: w, height: h });
  p.data.fill(128);
  return new Uint8Array(PNG.sync.write(p));
}

// Minimal JPEG structure: SOI, APP0 stub, SOF0 with the size, EOI (enough for the header checks).
function jpeg(w: number, h: number, eoi = true): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
  const sof0 = [0xff, 0xc0, 0x00, 0x0b, 0x08, h >> 8, h & 0xff, w >> 8, w & 0xff, 0x01, 0x01, 0x11, 0x00];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, 0x00, 0x00, ...(eoi ? [0xff, 0xd9] : [])]);
}

// RIFF/WEBP with a VP8X chunk (canvas size minus one, 24-bit little endian).
function webpVP8X(w: number, h: number, truncate = 0): Uint8Array {
  const b = new Uint8Array(30 + 10);
  const set = (o: number, s: string) => [...s].forEach((c, i) => (b[o + i] = c.charCodeAt(0)));
  set(0, 'RIFF'); new DataView(b.buffer).setUint32(4, b.length - 8, true); set(8, 'WEBP'); set(12, 'VP8X');
  const W = w - 1, H = h - 1;
  b.set([W & 0xff, (W >> 8) & 0xff, (W >> 16) & 0xff, H & 0xff, (H >> 8) & 0xff, (H >> 16) & 0xff], 24);
  return b.subarray(0, b.length - truncate);
}

describe('seed image checks', () => {
  it('recognises PNG, JPEG and WebP by their bytes, whatever the name says', () => {
    expect(sniffImageType(png(4, 4))).toBe('image/png');
    expect(sniffImageType(jpeg(4, 4))).toBe('image/jpeg');
    expect(sniffImageType(webpVP8X(4, 4))).toBe('image/webp');
    expect(file(png(40, 30), 'photo.jpg', 'image/jpeg')).toEqual({ ok: true, type: 'image/png', width: 40, height: 30 });
  });

  it('reads the size from each header', () => {
    expect(imageSize(png(33, 17), 'image/png')).toEqual({ width: 33, height: 17 });
    expect(imageSize(jpeg(640, 480), 'image/jpeg')).toEqual({ width: 640, height: 480 });
    expect(imageSize(webpVP8X(1000, 700), 'image/webp')).toEqual({ width: 1000, height: 700 });
  });

  it('rejects an empty file', () => {
    const r = file(new Uint8Array(0), 'a.png');
    expect(r).toEqual({ ok: false, message: 'a.png is empty.' });
  });

  it('rejects SVG with its own message', () => {
    const svg = new TextEncoder().encode('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    const r = file(svg, 'logo.svg', 'image/svg+xml');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/SVG drawing/);
  });

  it('rejects a non-image', () => {
    const r = file(new TextEncoder().encode('hello, not a picture'), 'notes.png', 'image/png');
    expect(!r.ok && r.message).toBe('notes.png is not a JPEG, PNG or WebP image.');
  });

  it.each([
    ['PNG', () => png(16, 16).subarray(0, 60)],
    ['JPEG', () => jpeg(16, 16, false)],
    ['WebP', () => webpVP8X(16, 16, 4)],
  ])('rejects a truncated %s', (kind, make) => {
    const r = file(make(), 'cut');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(new RegExp(`cut off \\(an incomplete ${kind}\\)`));
  });

  it('rejects a damaged header and an absurd size', () => {
    const p = png(8, 8);
    p[12] = 0; // IHDR → \0HDR
    expect(!file(p).ok && (file(p) as { message: string }).message).toMatch(/header is damaged/);
    const big = webpVP8X(40000, 100);
    expect(!file(big).ok && (file(big) as { message: string }).message).toMatch(/40000×100 pixels/);
  });

  it('refuses a real 16000×16000 PNG by its header (1 GB decoded), and passes a 60 MP camera-sized one', () => {
    const huge = new Uint8Array(blackPng(16000, 16000));
    expect(huge.length).toBeLessThan(200_000);
    expect(sniffImageType(huge)).toBe('image/png');
    expect(looksComplete(huge, 'image/png')).toBe(true);
    expect(file(huge, 'huge.png')).toEqual({ ok: false, message: 'huge.png is 16000×16000 pixels (256 megapixels), too large to decode safely here; scale it to at most 64 megapixels and drop it again.' });
    expect(file(new Uint8Array(blackPng(9504, 6336)), 'a7r.png')).toEqual({ ok: true, type: 'image/png', width: 9504, height: 6336 });
    expect(9504 * 6336).toBeLessThan(MAX_SEED_PIXELS);
  });

  it('knows a complete file from a cut one', () => {
    expect(looksComplete(png(4, 4), 'image/png')).toBe(true);
    expect(looksComplete(jpeg(4, 4), 'image/jpeg')).toBe(true);
  });
});

describe('centre crop and decode size', () => {
  it('crops the middle of a wide image to a square', () => {
    expect(centreCrop(400, 200, 160, 160)).toEqual({ x: 100, y: 0, width: 200, height: 200 });
  });
  it('crops the middle of a tall image', () => {
    expect(centreCrop(100, 300, 64, 32)).toEqual({ x: 0, y: 125, width: 100, height: 50 });
  });
  it('keeps an image of the right shape whole', () => {
    expect(centreCrop(320, 320, 160, 160)).toEqual({ x: 0, y: 0, width: 320, height: 320 });
  });
  it('stays inside the image for every shape', () => {
    for (const [w, h] of [[1, 1], [1, 999], [999, 1], [7, 13], [8192, 3]]) {
      for (const [dw, dh] of [[160, 160], [128, 32], [32, 128]]) {
        const r = centreCrop(w, h, dw, dh);
        expect(r.x).toBeGreaterThanOrEqual(0);
        expect(r.y).toBeGreaterThanOrEqual(0);
        expect(r.x + r.width).toBeLessThanOrEqual(w);
        expect(r.y + r.height).toBeLessThanOrEqual(h);
        expect(r.width).toBeGreaterThan(0);
        expect(r.height).toBeGreaterThan(0);
      }
    }
  });
  it('throws on a programmer error (zero size)', () => {
    expect(() => centreCrop(0, 10, 10, 10)).toThrow(/sizes must be positive/);
  });
  it('asks the decoder to scale down only images above 8192 a side, keeping the aspect', () => {
    expect(decodeSize(8192, 4000)).toEqual({ width: 8192, height: 4000, scaled: false });
    expect(decodeSize(16384, 12288)).toEqual({ width: 8192, height: 6144, scaled: true });
  });
});

describe('default seeds', () => {
  const dir = resolve(import.meta.dirname, '../../../assets/seeds');
  it('are small PNGs at the keyframe size, one per shader, and pass the seed checks', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
    expect(files).toEqual(Object.keys(SEED_SHADERS).map((n) => `${n}.png`).sort());
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(resolve(dir, f)));
      expect(statSync(resolve(dir, f)).size).toBeLessThanOrEqual(60 * 1024);
      expect(file(bytes, f)).toEqual({ ok: true, type: 'image/png', width: 160, height: 160 });
    }
  });
  it('are what the script makes (reproducible)', () => {
    const small = renderSeed(SEED_SHADERS.rings, 16);
    expect(Buffer.compare(small, renderSeed(SEED_SHADERS.rings, 16))).toBe(0);
  });
});
