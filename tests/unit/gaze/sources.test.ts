import { describe, it, expect } from 'vitest';
import { selectSource, MotionDetector, type SourceInputs } from '../../../src/gaze/sources';

const base: SourceInputs = {
  presenting: true, transientHeld: false, controllerRecentlyMoved: false, controllerHits: false, headTracked: true, mouseHovering: false,
};

describe('selectSource', () => {
  it('in XR: head by default', () => {
    expect(selectSource(base)).toBe('head');
    expect(selectSource({ ...base, headTracked: false })).toBe('none');
  });
  it('a controller steers only while it moves and hits the screen', () => {
    expect(selectSource({ ...base, controllerRecentlyMoved: true, controllerHits: true })).toBe('controller');
    expect(selectSource({ ...base, controllerRecentlyMoved: true, controllerHits: false })).toBe('head');
    expect(selectSource({ ...base, controllerRecentlyMoved: false, controllerHits: true })).toBe('head');
  });
  it('a held transient-pointer pinch beats everything', () => {
    expect(selectSource({ ...base, transientHeld: true, controllerRecentlyMoved: true, controllerHits: true })).toBe('transient-pointer');
  });
  it('the mouse steers only outside XR, and only while hovering', () => {
    expect(selectSource({ ...base, mouseHovering: true })).toBe('head');
    expect(selectSource({ ...base, presenting: false, mouseHovering: true })).toBe('mouse');
    expect(selectSource({ ...base, presenting: false, mouseHovering: false })).toBe('none');
  });
});

describe('MotionDetector', () => {
  const deg = (a: number): [number, number, number] => [Math.sin((a * Math.PI) / 180), 0, -Math.cos((a * Math.PI) / 180)];

  it('the first sample and sub-threshold tremor are not motion', () => {
    const m = new MotionDetector(2, 1);
    expect(m.update(...deg(0), 0)).toBe(false);
    for (let i = 1; i <= 100; i++) expect(m.update(...deg(1.5 * Math.sin(i)), i * 0.01)).toBe(false);
  });

  it('turning past the threshold is motion for the window, then it expires', () => {
    const m = new MotionDetector(2, 1);
    m.update(...deg(0), 0);
    expect(m.update(...deg(3), 0.5)).toBe(true);
    expect(m.update(...deg(3), 1.4)).toBe(true);
    expect(m.update(...deg(3), 1.6)).toBe(false);
  });

  it('a slow steady sweep keeps counting as motion', () => {
    const m = new MotionDetector(2, 1);
    let moving = 0;
    for (let i = 0; i <= 300; i++) if (m.update(...deg(i * 0.05), i / 60)) moving++; // 3°/s
    expect(moving).toBeGreaterThan(250);
  });

  it('reset forgets the anchor; config is validated', () => {
    const m = new MotionDetector(2, 1);
    m.update(...deg(0), 0);
    m.reset();
    expect(m.update(...deg(30), 0.1)).toBe(false);
    expect(() => new MotionDetector(0, 1)).toThrow('MotionDetector thresholdDeg must be in (0, 90), got 0');
    expect(() => new MotionDetector(2, 0)).toThrow('MotionDetector windowSec must be > 0, got 0');
  });
});
