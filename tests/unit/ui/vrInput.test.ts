import { describe, it, expect } from 'vitest';
import { VRInputMapper, stepRecipe, stepZoom, VR_BUTTON, type VRAction } from '../../../src/ui/vrInput';
import { labelOpacity, DEFAULT_VR_LABEL_OPTIONS } from '../../../src/ui/vrLabel';

const pad = (pressed: number[] = []) => Array.from({ length: 7 }, (_, i) => ({ pressed: pressed.includes(i) }));
const axes = (x = 0, y = 0) => [0, 0, x, y];

function run(frames: [number[], number[]][], hand: 0 | 1 = 1, m = new VRInputMapper()): VRAction[] {
  const out: VRAction[] = [];
  for (const [b, a] of frames) m.poll(hand, pad(b), a, (x) => out.push(x));
  return out;
}

describe('in-VR controller mapping', () => {
  it('fires a button once per press, not every frame it is held', () => {
    const held = Array.from({ length: 5 }, () => [[VR_BUTTON.ax], axes()] as [number[], number[]]);
    expect(run([...held, [[], axes()], [[VR_BUTTON.ax], axes()]])).toEqual(['pause', 'pause']);
    expect(run([[[VR_BUTTON.by], axes()], [[VR_BUTTON.by, VR_BUTTON.thumbstick], axes()]])).toEqual(['snapshot', 'record']);
  });

  it('thumbstick: up faster, down slower, right next, left previous — once per flick, with hysteresis', () => {
    expect(run([[[], axes(0, -0.9)], [[], axes(0, -0.95)], [[], axes(0, -0.5)], [[], axes(0, -0.9)]])).toEqual(['faster']); // never released below 0.35
    expect(run([[[], axes(0, -0.9)], [[], axes(0, -0.1)], [[], axes(0, -0.9)]])).toEqual(['faster', 'faster']);
    expect(run([[[], axes(0, 0.8)], [[], axes(0.9, 0)], [[], axes(0, 0)], [[], axes(-0.9, 0)]])).toEqual(['slower', 'next-recipe', 'previous-recipe']);
    expect(run([[[], axes(0.6, 0)], [[], axes(0.65, 0)]])).toEqual([]); // below the engage threshold
  });

  it('a diagonal flick is one action (the dominant axis)', () => {
    expect(run([[[], axes(0.75, -0.8)], [[], axes(0, 0)]])).toEqual(['faster']);
  });

  it('keeps the two hands apart, and reset() forgets held buttons', () => {
    const m = new VRInputMapper();
    const out: VRAction[] = [];
    m.poll(0, pad([VR_BUTTON.ax]), axes(), (a) => out.push(a));
    m.poll(1, pad([VR_BUTTON.ax]), axes(), (a) => out.push(a));
    m.poll(0, pad([VR_BUTTON.ax]), axes(), (a) => out.push(a));
    expect(out).toEqual(['pause', 'pause']);
    m.reset();
    m.poll(0, pad([VR_BUTTON.ax]), axes(), (a) => out.push(a));
    expect(out).toEqual(['pause', 'pause', 'pause']);
  });

  it('steps the zoom speed by quarters within the range, and recipes with wrap-around', () => {
    expect(stepZoom(1, 1, [0.25, 2])).toBe(1.25);
    expect(stepZoom(1, -1, [0.25, 2])).toBe(0.75);
    expect(stepZoom(1.1, 1, [0.25, 2])).toBe(1.25);
    expect(stepZoom(1.1, -1, [0.25, 2])).toBe(1);
    expect(stepZoom(2, 1, [0.25, 2])).toBe(2);
    expect(stepZoom(0.25, -1, [0.25, 2])).toBe(0.25);
    const names = ['crowds', 'objects', 'faces'];
    expect(stepRecipe(names, 'crowds', 1)).toBe('objects');
    expect(stepRecipe(names, 'faces', 1)).toBe('crowds');
    expect(stepRecipe(names, 'crowds', -1)).toBe('faces');
  });
});

describe('in-scene label fade', () => {
  it('is fully shown, then fades to nothing by fadeSec', () => {
    const o = DEFAULT_VR_LABEL_OPTIONS;
    expect(labelOpacity(0, o)).toBe(1);
    expect(labelOpacity(o.holdSec, o)).toBe(1);
    const mid = labelOpacity((o.holdSec + o.fadeSec) / 2, o);
    expect(mid).toBeGreaterThan(0.4);
    expect(mid).toBeLessThan(0.6);
    expect(labelOpacity(o.fadeSec, o)).toBe(0);
    expect(labelOpacity(o.fadeSec + 10, o)).toBe(0);
    expect(labelOpacity(Infinity, o)).toBe(0);
  });
});
