import { describe, it, expect } from 'vitest';
import { parseViewMode, eyeViewports, VIEW_MODES } from '../../../src/stereo/modes';

describe('parseViewMode', () => {
  it('accepts names and aliases, rejects the unknown', () => {
    expect(parseViewMode('SBS')).toBe('side-by-side');
    expect(parseViewMode(' anaglyph ')).toBe('anaglyph');
    expect(parseViewMode('red-cyan')).toBe('anaglyph');
    expect(parseViewMode('mono')).toBe('mono');
    expect(parseViewMode('hologram')).toBeNull();
    expect(parseViewMode(null)).toBeNull();
    for (const m of VIEW_MODES) expect(parseViewMode(m)).toBe(m);
  });
});

describe('eyeViewports', () => {
  it('splits side-by-side into two halves covering the width', () => {
    const v = eyeViewports('side-by-side', 1281, 720);
    expect(v.map((e) => e.eye)).toEqual(['left', 'right']);
    expect(v[0].x).toBe(0);
    expect(v[0].w + v[1].w).toBe(1281);
    expect(v[1].x).toBe(v[0].w);
  });
  it('mono and anaglyph render the full canvas per pass', () => {
    expect(eyeViewports('mono', 100, 50)).toEqual([{ eye: 'left', x: 0, y: 0, w: 100, h: 50 }]);
    expect(eyeViewports('anaglyph', 100, 50)).toHaveLength(1);
  });
});
