import { describe, it, expect } from 'vitest';
import { ZoomPlayback, zoomWindow, validatePlaybackConfig } from '../../../src/stereo/playback';

/** Keyframe uv under a screen uv for a window. */
const key = (w: { cx: number; cy: number; w: number }, u: number, v: number) => [w.cx + w.w * u, w.cy + w.w * v];
/** Keyframe-(k+1) uv of a keyframe-k uv, for a zoom by s about f (src/dream/zoom.ts convention). */
const next = (p: number[], s: number, f: readonly [number, number]) => [f[0] + s * (p[0] - f[0]), f[1] + s * (p[1] - f[1])];

describe('zoomWindow', () => {
  it('keeps the keyframe point under the focus fixed', () => {
    const w = { cx: 0.1, cy: 0.2, w: 0.7 };
    const before = key(w, 0.3, 0.8);
    zoomWindow(w, 0.9, 0.3, 0.8);
    const after = key(w, 0.3, 0.8);
    expect(after[0]).toBeCloseTo(before[0], 12);
    expect(after[1]).toBeCloseTo(before[1], 12);
    expect(w.w).toBeCloseTo(0.63, 12);
  });
});

describe('ZoomPlayback', () => {
  it('switching keyframes shows the same picture: no jump', () => {
    const p = new ZoomPlayback({ fadeSeconds: 0.2, initialLogSpeed: 0.3, maxLogAccel: 100 });
    p.push({ slot: 0, stepZoom: 1, focus: [0.5, 0.5] }, 0);
    const f: [number, number] = [0.6, 0.4];
    p.push({ slot: 1, stepZoom: 1.1, focus: f }, 0.3);
    let switched = false;
    for (let i = 0; i < 200 && !switched; i++) {
      const slot = p.currentSlot;
      const winBefore = { ...p.current };
      p.advance(1 / 90, 0.55, 0.45);
      if (p.currentSlot !== slot) {
        switched = true;
        // The previous window, zoomed this frame, maps through the keyframe relation onto the new window.
        const expectPrev = [[0.1, 0.1], [0.9, 0.2], [0.5, 0.95]].map(([u, v]) => next(key(p.previous, u, v), 1.1, f));
        const now = [[0.1, 0.1], [0.9, 0.2], [0.5, 0.95]].map(([u, v]) => key(p.current, u, v));
        for (let j = 0; j < 3; j++) {
          expect(now[j][0]).toBeCloseTo(expectPrev[j][0], 9);
          expect(now[j][1]).toBeCloseTo(expectPrev[j][1], 9);
        }
        expect(p.fade).toBeLessThan(1);
        expect(p.previousSlot).toBe(0);
        expect(winBefore.w * 1.1).toBeLessThanOrEqual(1.0001 * (1 / Math.exp(-0.3 / 90)));
      }
    }
    expect(switched).toBe(true);
  });

  it('waits until the next keyframe covers the window (never shows outside it)', () => {
    const p = new ZoomPlayback({ initialLogSpeed: 0.05 });
    p.push({ slot: 0, stepZoom: 1, focus: [0.5, 0.5] }, 0);
    p.push({ slot: 1, stepZoom: 1.5, focus: [0.5, 0.5] }, 0.01);
    p.advance(0.01, 0.5, 0.5);
    expect(p.currentSlot).toBe(0); // w ≈ 1, 1.5·w > 1: not yet
    for (let i = 0; i < 100000 && p.currentSlot === 0; i++) p.advance(0.02, 0.5, 0.5);
    expect(p.currentSlot).toBe(1);
    expect(p.current.w).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('zoom never goes backwards and never steps more than maxLogSpeed·dt, whatever the arrivals', () => {
    const p = new ZoomPlayback({ maxLogSpeed: 0.5 });
    let t = 0, last = 0, slot = 0, nextArrival = 0.2;
    p.push({ slot: slot++ % 6, stepZoom: 1, focus: [0.5, 0.5] }, 0);
    let rnd = 7;
    const rand = () => ((rnd = (rnd * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 5000; i++) {
      const dt = (1 / 90) * (0.5 + rand());
      t += dt;
      if (t >= nextArrival) {
        let free = 0;
        while (p.inUse(free)) free++;
        p.push({ slot: free, stepZoom: 1 + 0.1 * rand(), focus: [rand(), rand()] }, t);
        nextArrival = t + 0.05 + 1.5 * rand() * rand();
      }
      p.advance(dt, rand(), rand());
      const step = p.logZoom - last;
      expect(step).toBeGreaterThanOrEqual(0);
      expect(step).toBeLessThanOrEqual(0.5 * dt + 1e-12);
      last = p.logZoom;
      expect(p.current.w).toBeLessThanOrEqual(1 + 1e-9);
      expect(p.current.cx).toBeGreaterThanOrEqual(-1e-9);
      expect(p.current.cx + p.current.w).toBeLessThanOrEqual(1 + 1e-9);
      expect(p.queued).toBeLessThanOrEqual(3);
    }
    expect(p.logZoom).toBeGreaterThan(1);
  });

  it('adapts its speed to the keyframe rate', () => {
    const p = new ZoomPlayback({ maxLogAccel: 10 });
    const s = 1.2;
    let t = 0;
    p.push({ slot: 0, stepZoom: 1, focus: [0.5, 0.5] }, 0);
    for (let k = 1; k <= 20; k++) {
      for (let i = 0; i < 45; i++) { t += 1 / 90; p.advance(1 / 90, 0.5, 0.5); }
      let free = 0;
      while (p.inUse(free)) free++;
      p.push({ slot: free, stepZoom: s, focus: [0.5, 0.5] }, t);
    }
    // one keyframe of ln(1.2) every 0.5 s
    expect(p.logSpeed).toBeGreaterThan(0.5 * Math.log(s) / 0.5);
    expect(p.logSpeed).toBeLessThan(1.6 * Math.log(s) / 0.5);
  });

  it('brakes to a stop a little past the newest keyframe when none comes, and goes on when one does', () => {
    // A stalled or very slow dream (SwiftShader WebGL: 5–90 s a keyframe) must not be magnified into a blur.
    const p = new ZoomPlayback();
    const { maxLogOvershoot, maxLogAccel, initialLogSpeed } = p.config;
    p.push({ slot: 0, stepZoom: 1, focus: [0.5, 0.5] }, 0); // the seed; no keyframe rate known yet
    let t = 0, last = 0;
    for (let i = 0; i < 120 * 72; i++) {
      t += 1 / 72;
      p.advance(1 / 72, 0.3, 0.6);
      expect(p.logZoom).toBeGreaterThanOrEqual(last); // never backwards
      last = p.logZoom;
    }
    expect(p.logZoom).toBeLessThanOrEqual(maxLogOvershoot + initialLogSpeed ** 2 / (2 * maxLogAccel) + 1e-3);
    expect(p.logZoom).toBeGreaterThan(maxLogOvershoot - 0.01); // it did zoom, up to the stop
    expect(p.logSpeed).toBeLessThan(1e-3);
    // The keyframe arrives: shown at once (it covers the window) and the zoom goes on.
    p.push({ slot: 1, stepZoom: 1.05, focus: [0.5, 0.5] }, t);
    p.advance(1 / 72, 0.3, 0.6);
    expect(p.currentSlot).toBe(1);
    const atArrival = p.logZoom;
    for (let i = 0; i < 5 * 72; i++) p.advance(1 / 72, 0.3, 0.6);
    expect(p.logZoom).toBeGreaterThan(atArrival);

    // At a steady rate, then a stall: it stops within one keyframe step plus the overshoot of the newest picture.
    const q = new ZoomPlayback();
    const s = 1.05;
    q.push({ slot: 0, stepZoom: 1, focus: [0.5, 0.5] }, 0);
    t = 0;
    for (let k = 1; k <= 40; k++) {
      for (let i = 0; i < 18; i++) { t += 1 / 72; q.advance(1 / 72, 0.5, 0.5); }
      let free = 0;
      while (q.inUse(free)) free++;
      q.push({ slot: free, stepZoom: s, focus: [0.5, 0.5] }, t);
    }
    const v0 = q.logSpeed;
    expect(v0).toBeGreaterThan(0.1); // ≈ ln(1.05) per 0.25 s before the stall
    for (let i = 0; i < 60 * 72; i++) q.advance(1 / 72, 0.5, 0.5);
    expect(q.queued).toBe(0);
    const ahead = -Math.log(q.current.w); // ln-zoom into the newest keyframe
    expect(ahead).toBeLessThanOrEqual(Math.log(s) + maxLogOvershoot + v0 ** 2 / (2 * maxLogAccel) + 1e-3);
    expect(ahead).toBeGreaterThan(Math.log(s) + maxLogOvershoot - 0.01);
    expect(q.logSpeed).toBeLessThan(1e-3);
    expect(() => validatePlaybackConfig({ maxLogOvershoot: -0.1 })).toThrow('maxLogOvershoot must be in [0, 2], got -0.1');

    // Where no keyframe will ever come (no dream network), the seed alone zooms on at the initial speed.
    const r = new ZoomPlayback();
    r.expectKeyframes = false;
    r.push({ slot: 0, stepZoom: 1, focus: [0.5, 0.5] }, 0);
    for (let i = 0; i < 60 * 72; i++) r.advance(1 / 72, 0.5, 0.5);
    expect(r.logZoom).toBeCloseTo(60 * initialLogSpeed, 1);
  });

  it('pauses smoothly and validates its config', () => {
    const p = new ZoomPlayback({ initialLogSpeed: 0.2, maxLogAccel: 1 });
    p.push({ slot: 0, stepZoom: 1, focus: [0.5, 0.5] }, 0);
    p.setPaused(true);
    p.advance(0.1, 0.5, 0.5);
    expect(p.logSpeed).toBeCloseTo(0.1, 9); // decelerates at maxLogAccel, no sudden stop
    for (let i = 0; i < 10; i++) p.advance(0.1, 0.5, 0.5);
    expect(p.logSpeed).toBe(0);
    expect(() => validatePlaybackConfig({ speedScale: -1 })).toThrow('speedScale must be in [0, 4], got -1');
    expect(() => p.push({ slot: 1, stepZoom: 0.5, focus: [0, 0] }, 1)).toThrow('stepZoom must be ≥ 1, got 0.5');
  });
});

describe('ZoomPlayback queue bound', () => {
  it('merging the newest keyframes composes their zooms exactly and keeps the head small', () => {
    const p = new ZoomPlayback();
    p.push({ slot: 0, stepZoom: 1, focus: [0.5, 0.5] }, 0);
    const fs: [number, number][] = [[0.3, 0.6], [0.7, 0.2], [0.5, 0.5], [0.1, 0.9]];
    let dropped = -1;
    for (let i = 0; i < 4; i++) dropped = p.push({ slot: i + 1, stepZoom: 1.1 + 0.05 * i, focus: fs[i] }, 0.1 * (i + 1));
    expect(dropped).toBe(3);
    expect(p.queued).toBe(3);
    expect(p.inUse(3)).toBe(false);
    expect(p.inUse(4)).toBe(true);
    // The newest keyframe's uv of a current-keyframe point must be the same through the merged queue.
    const out: [number, number] = [0, 0];
    p.toNewest(0.4, 0.45, out);
    let q = [0.4, 0.45];
    for (let i = 0; i < 4; i++) q = [fs[i][0] + (1.1 + 0.05 * i) * (q[0] - fs[i][0]), fs[i][1] + (1.1 + 0.05 * i) * (q[1] - fs[i][1])];
    expect(out[0]).toBeCloseTo(Math.min(1, Math.max(0, q[0])), 9);
    expect(out[1]).toBeCloseTo(Math.min(1, Math.max(0, q[1])), 9);
  });
});
