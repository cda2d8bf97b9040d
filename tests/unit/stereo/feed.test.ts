import { describe, it, expect } from 'vitest';
import { KeyframeFeed } from '../../../src/stereo/feed';

const kf = (index: number, zoom: number) => ({ bitmap: {} as ImageBitmap, index, zoom, focus: [0.4, 0.6] as const });

describe('KeyframeFeed', () => {
  it('turns cumulative zoom into per-step zoom and index 1 into a reset', () => {
    const f = new KeyframeFeed();
    expect(f.next(kf(1, 1.05))).toMatchObject({ reset: true, stepZoom: 1 });
    expect(f.next(kf(2, 1.05 * 1.05)).stepZoom).toBeCloseTo(1.05, 12);
    const third = f.next(kf(3, 1.05 ** 3));
    expect(third.reset).toBe(false);
    expect(third.focus).toEqual([0.4, 0.6]);
    expect(third.depth).toBeNull();
  });
  it('a gap in indices or a new seed resets; a shrinking zoom is a protocol error', () => {
    const f = new KeyframeFeed();
    f.next(kf(1, 1));
    expect(f.next(kf(5, 2)).reset).toBe(true);
    expect(f.next(kf(1, 1)).reset).toBe(true);
    f.next(kf(2, 1.1));
    expect(() => f.next(kf(3, 1.0))).toThrow('keyframe 3: zoom went backwards');
  });
});
