import { describe, it, expect } from 'vitest';
import { FramePacing, type GuardLike } from '../../../src/app/framePacing';
import { FrameGuard } from '../../../src/dream';

// A guard whose frame() says "changed" when told to, and records what reached it.
function fakeGuard(): GuardLike & { log: string[]; change: boolean } {
  const g = {
    active: false, duty: 1, probeMs: 160, log: [] as string[], change: false,
    reset() { g.log.push('reset'); g.duty = 1; },
    rest(from: number, to: number) { g.log.push(`rest ${from}-${to}`); },
    frame(t: number) { g.log.push(`frame ${t}`); return g.change; },
  };
  return g;
}

function setup(enabled = true) {
  const guard = fakeGuard();
  const paces: (string)[] = [];
  const pacing = new FramePacing(guard, { setPace: (d, p) => paces.push(`${d}${p === undefined ? '' : `/${p}`}`) }, enabled, 1000);
  return { guard, paces, pacing };
}

describe('FramePacing', () => {
  it('the flat preview never paces: no pace messages, the guard sees no frames', () => {
    const { guard, paces, pacing } = setup();
    for (let t = 0; t < 100; t += 16) pacing.frame(t, false);
    expect(paces).toEqual([]);
    expect(guard.log).toEqual([]);
    expect(pacing.active).toBe(false);
  });

  it('entering VR starts the guard afresh at duty 1 and feeds it the frames; leaving VR stops pacing', () => {
    const { guard, paces, pacing } = setup();
    pacing.frame(0, true);
    expect(guard.log).toEqual(['reset', 'frame 0']);
    expect(guard.active).toBe(true);
    expect(pacing.active).toBe(true);
    expect(paces).toEqual(['1']);
    guard.change = true;
    guard.duty = 0.4;
    guard.probeMs = 90;
    pacing.frame(16, true);
    expect(paces).toEqual(['1', '0.4/90']); // a changed duty goes to the worker
    pacing.frame(32, false);
    expect(guard.active).toBe(false);
    expect(paces).toEqual(['1', '0.4/90', 'null']);
    expect(guard.log.at(-1)).toBe('reset'); // not fed a frame outside VR
  });

  it('the panel switch acts at the next frame, in VR only', () => {
    const { guard, paces, pacing } = setup(false);
    pacing.frame(0, true);
    expect(paces).toEqual([]); // ?frameGuard=off: flat out in VR
    pacing.enabled = true;
    pacing.frame(16, true);
    expect(paces).toEqual(['1']);
    expect(guard.active).toBe(true);
    pacing.enabled = false;
    pacing.frame(32, true);
    expect(paces).toEqual(['1', 'null']);
  });

  it('turns the worker\'s epoch-stamped rests into page-clock spans', () => {
    const { guard, pacing } = setup();
    pacing.rest(1500, 120); // timeOrigin 1000
    expect(guard.log).toEqual(['rest 500-620']);
  });

  it('reports a paced duty for the status line only in VR, with the guard on and below 1', () => {
    const { guard, pacing } = setup();
    expect(pacing.pacedDuty(true)).toBeNull();
    guard.duty = 0.25;
    expect(pacing.pacedDuty(true)).toBe(0.25);
    expect(pacing.pacedDuty(false)).toBeNull();
    pacing.enabled = false;
    expect(pacing.pacedDuty(true)).toBeNull();
  });

  it('drives the real FrameGuard', () => {
    const guard = new FrameGuard();
    const paces: (number | null)[] = [];
    const pacing = new FramePacing(guard, { setPace: (d) => paces.push(d) }, true, 0);
    for (let t = 0; t <= 5000; t += 20) pacing.frame(t, true);
    expect(guard.active).toBe(true);
    expect(paces[0]).toBe(1);
    pacing.frame(5020, false);
    expect(guard.active).toBe(false);
    expect(paces.at(-1)).toBeNull();
  });
});
