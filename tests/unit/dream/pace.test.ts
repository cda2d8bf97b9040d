import { describe, it, expect } from 'vitest';
import { WorkPacer, FrameGuard, DEFAULT_PACER } from '../../../src/dream/pace';

describe('WorkPacer', () => {
  it('never rests without a duty (the flat preview)', () => {
    const p = new WorkPacer();
    p.begin(0);
    for (let t = 50; t < 10_000; t += 50) expect(p.restAfter(t)).toBe(0);
  });

  it('at duty 1 rests only for a probe, every probeEveryMs, as long as the page asked', () => {
    const p = new WorkPacer();
    p.set(1, 300);
    p.begin(0);
    const rests: [number, number][] = [];
    for (let t = 40; t < 10_000; t += 40) {
      const r = p.restAfter(t);
      if (r > 0) { rests.push([t, r]); t += r; }
    }
    expect(rests.length).toBe(Math.floor(10_000 / (DEFAULT_PACER.probeEveryMs + 300)));
    for (const [, r] of rests) expect(r).toBe(300);
  });

  it('below duty 1 works a slice, then rests in proportion: work share = duty', () => {
    const p = new WorkPacer({ sliceMs: 50, probeEveryMs: 1e9, probeMs: 100, maxRestMs: 1500 });
    p.set(0.25);
    p.begin(0);
    let t = 0, work = 0, rest = 0;
    while (t < 60_000) {
      t += 20; work += 20; // one ascent step
      const r = p.restAfter(t);
      t += r; rest += r;
    }
    expect(work / (work + rest)).toBeCloseTo(0.25, 2);
  });

  it('caps a single rest and clamps the duty into (0, 1]', () => {
    const p = new WorkPacer({ sliceMs: 50, probeEveryMs: 1e9, probeMs: 100, maxRestMs: 400 });
    p.set(0.001);
    p.begin(0);
    expect(p.restAfter(100)).toBe(400); // 100·(1−0.01)/0.01 would be 9.9 s
    p.set(7);
    expect(p.current).toBe(1);
    p.set(Number.NaN);
    expect(p.current).toBeNull();
  });
});

/**
 * Closed loop: a worker doing 40 ms ascent steps under a WorkPacer, a renderer whose frames take `base` ms
 * while the worker rests and `busy` ms while it works, and the FrameGuard setting the duty from those frames.
 */
function simulate(base: number, busy: number, seconds: number, pacer = new WorkPacer(), guard = new FrameGuard()) {
  pacer.set(1, guard.probeMs);
  pacer.begin(0);
  let t = 0, workUntil = 40, restUntil = -1, nextFrameStart = 0;
  let frames = 0, framesLate = 0, lateFrom = seconds * 500, work = 0;
  const rests: [number, number][] = [];
  const step = 1;
  for (; t < seconds * 1000; t += step) {
    const resting = t < restUntil;
    if (!resting && t >= workUntil) { // a step ended
      work += 40;
      const r = pacer.restAfter(t);
      if (r > 0) { restUntil = t + r; rests.push([t, t + r]); guard.rest(t, t + r); workUntil = restUntil + 40; } else workUntil = t + 40;
    }
    if (t >= nextFrameStart) {
      frames++;
      if (t >= lateFrom) framesLate++;
      if (guard.frame(t)) pacer.set(guard.duty, guard.probeMs);
      nextFrameStart = t + (t < restUntil ? base : busy);
    }
  }
  return { fps: (framesLate * 1000) / (seconds * 1000 - lateFrom), baseFps: 1000 / base, duty: guard.duty, workShare: work / (seconds * 1000), rests, guard };
}

describe('FrameGuard', () => {
  it('lowers the duty until the frames keep ≥ 0.95 of the rest-time rate, when the dream halves the frame rate', () => {
    const r = simulate(30, 60, 60);
    expect(r.duty).toBeLessThan(0.5);
    expect(r.fps / r.baseFps).toBeGreaterThanOrEqual(0.95); // a target of 0.9 and a floor of 0.1 settle near 0.92 here
    expect(r.workShare).toBeGreaterThan(0.03); // the dream slows down; it does not stop
  });

  it('keeps (or brings back) duty 1 when the dream does not slow the frames', () => {
    const r = simulate(14, 14, 30);
    expect(r.duty).toBe(1);
    const g = new FrameGuard();
    g.duty = 0.2;
    const back = simulate(14, 14, 30, new WorkPacer(), g);
    expect(back.duty).toBe(1);
  });

  it('asks for probes a few frames long, following the frame time', () => {
    expect(simulate(30, 60, 10).guard.probeMs).toBeGreaterThanOrEqual(5 * 30);
    expect(simulate(11, 11, 10).guard.probeMs).toBeLessThan(100);
  });

  it('ignores the first two frame times of a rest (a burst of queued frames) and frames that straddle it', () => {
    const g = new FrameGuard({ target: 0.9, climbAbove: 0.95, windowMs: 1000, freeMaxAgeMs: 6000, minDuty: 0.1 });
    // 1 s of 50 ms frames to learn the interval, then a rest with a burst of 5 ms frames at its start.
    let t = 0;
    for (; t <= 1000; t += 50) g.frame(t);
    g.rest(1000, 1400);
    for (const dt of [5, 5, 5]) g.frame((t += dt));
    // only bursts and a straddling frame: nothing counts as rest-time yet, so no verdict
    g.frame((t = 1420));
    for (; t <= 2100; t += 50) g.frame(t);
    expect(Number.isNaN(g.last.freeFps)).toBe(true);
    expect(g.duty).toBe(1);
  });

  it('climbs only after two windows in a row that allow it (one window reads ±0.07 on a noisy machine)', () => {
    const g = new FrameGuard();
    g.duty = 0.5;
    g.rest(0, 1e9); // every frame falls inside a rest: the ratio reads 1
    const duties: number[] = [];
    let t = 0;
    for (let k = 0; k < 4; k++) {
      const end = t + 1000;
      for (; t < end; t += 50) g.frame(t);
      duties.push(g.duty);
    }
    // window 1 has no verdict yet (the first frame only starts the clock), window 2 is the first high one
    expect(duties[0]).toBe(0.5);
    expect(duties[1]).toBe(0.5);
    expect(duties[2]).toBeCloseTo(0.5 * 1.15 + 0.02, 9);
    expect(duties[3]).toBeGreaterThan(duties[2]);
  });

  it('reset() forgets the session', () => {
    const r = simulate(30, 60, 20);
    expect(r.guard.duty).toBeLessThan(1);
    r.guard.reset();
    expect(r.guard.duty).toBe(1);
    expect(Number.isNaN(r.guard.last.fpsRatio)).toBe(true);
  });
});
