import { describe, it, expect } from 'vitest';
import { KeyframeFeed } from '../../../src/stereo/feed';

const kf = (index: number, stepZoom: number, reset = index === 1) => ({ bitmap: {} as ImageBitmap, index, stepZoom, reset, focus: [0.4, 0.6] as const });

describe('KeyframeFeed', () => {
  it('passes the worker\'s step zoom and reset through', () => {
    const f = new KeyframeFeed();
    expect(f.next(kf(1, 1))).toMatchObject({ reset: true, stepZoom: 1 });
    expect(f.next(kf(2, 1.05))).toMatchObject({ reset: false, stepZoom: 1.05 });
    const third = f.next(kf(3, 1.05));
    expect(third.reset).toBe(false);
    expect(third.focus).toEqual([0.4, 0.6]);
    expect(third.depth).toBeNull();
  });
  it('a reset starts afresh (step 1) whatever its index; a gap in indices alone is not a reset', () => {
    const f = new KeyframeFeed();
    f.next(kf(1, 1));
    expect(f.next(kf(5, 1.1))).toMatchObject({ reset: false, stepZoom: 1.1 });
    expect(f.next(kf(1, 1))).toMatchObject({ reset: true, stepZoom: 1 });
    expect(f.next(kf(7, 1.3, true))).toMatchObject({ reset: true, stepZoom: 1 });
  });
  it('the first keyframe it sees is a reset even when the worker says otherwise', () => {
    expect(new KeyframeFeed().next(kf(4, 1.05, false))).toMatchObject({ reset: true, stepZoom: 1 });
  });
  it('a shrinking zoom is a protocol error', () => {
    const f = new KeyframeFeed();
    f.next(kf(1, 1));
    f.next(kf(2, 1.1));
    expect(() => f.next(kf(3, 0.9))).toThrow('keyframe 3: zoom went backwards (step ×0.9)');
    expect(() => f.next(kf(3, Number.NaN))).toThrow('keyframe 3: zoom went backwards');
  });
});
