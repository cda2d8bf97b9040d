import { describe, it, expect } from 'vitest';
import { noisePixels } from '../../../src/ui/seeds';
import { captureFileName, pickWebmType } from '../../../src/ui/capture';

describe('noise placeholder seed', () => {
  it('is reproducible from the random seed and differs between seeds', () => {
    const a = noisePixels(32, 32, 7), b = noisePixels(32, 32, 7), c = noisePixels(32, 32, 8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.length).toBe(32 * 32 * 4);
    for (let i = 3; i < a.length; i += 4) expect(a[i]).toBe(255);
  });
  it('is smooth colour, not a flat grey', () => {
    const a = noisePixels(32, 32, 1);
    let lo = 255, hi = 0;
    for (let i = 0; i < a.length; i += 4) { lo = Math.min(lo, a[i]); hi = Math.max(hi, a[i]); }
    expect(hi - lo).toBeGreaterThan(40);
  });
});

describe('capture names and formats', () => {
  it('names files by recipe and local time', () => {
    const t = new Date(2026, 10, 26, 9, 5, 3);
    expect(captureFileName('faces', t, 'sbs')).toBe('dream-goggles_faces_2026-11-26_09-05-03_sbs.png');
    expect(captureFileName('faces', t, 'depth')).toBe('dream-goggles_faces_2026-11-26_09-05-03_depth.png');
    expect(captureFileName('a b/c', t, 'video')).toBe('dream-goggles_a-b-c_2026-11-26_09-05-03_video.webm');
  });
  it('prefers vp9, then vp8, then any WebM', () => {
    expect(pickWebmType(() => true)).toBe('video/webm;codecs=vp9');
    expect(pickWebmType((t) => t.endsWith('vp8'))).toBe('video/webm;codecs=vp8');
    expect(pickWebmType(() => false)).toBeNull();
  });
});
