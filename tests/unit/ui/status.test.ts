import { describe, it, expect } from 'vitest';
import { keyframeRateText } from '../../../src/ui/status';

describe('keyframeRateText', () => {
  it('says keyframes per second when there is at least about one every ten seconds', () => {
    expect(keyframeRateText(2.84)).toBe('2.8 keyframes/s');
    expect(keyframeRateText(0.1)).toBe('0.1 keyframes/s');
  });
  it('says how many seconds or minutes apart slower keyframes are, never "0.0 keyframes/s"', () => {
    expect(keyframeRateText(1 / 17.1)).toBe('a keyframe every 17 s');
    expect(keyframeRateText(1 / 90)).toBe('a keyframe every 90 s');
    expect(keyframeRateText(1 / 150)).toBe('a keyframe every 2.5 min');
  });
  it('shows a dash before a rate is known', () => {
    expect(keyframeRateText(0)).toBe('– keyframes/s');
    expect(keyframeRateText(Number.NaN)).toBe('– keyframes/s');
    expect(keyframeRateText(Number.POSITIVE_INFINITY)).toBe('– keyframes/s');
  });
});
