import { describe, it, expect } from 'vitest';
import { ZoomFocus } from '../../../src/app/focus';

describe('ZoomFocus', () => {
  it('follows the gaze until set by hand, then holds the set point until released', () => {
    const f = new ZoomFocus();
    expect([f.u, f.v, f.manual]).toEqual([0.5, 0.5, false]);
    f.follow([0.3, 0.6]);
    expect([f.u, f.v]).toEqual([0.3, 0.6]);
    f.set(0.8, 0.2);
    f.follow([0.1, 0.1]);
    expect([f.u, f.v, f.manual]).toEqual([0.8, 0.2, true]);
    f.release();
    f.follow([0.1, 0.1]);
    expect([f.u, f.v, f.manual]).toEqual([0.1, 0.1, false]);
  });
});
