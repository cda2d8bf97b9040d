import { describe, it, expect } from 'vitest';
import { keyframeRateText, restartMessage, statusWhere, StatusLine } from '../../../src/ui/status';

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

describe('statusWhere', () => {
  it('names the headset and says "ready" for a usable button, the button state otherwise', () => {
    expect(statusWhere(true, 'ENTER VR')).toBe('emulated Quest 3 · ready');
    expect(statusWhere(false, 'VR NOT SUPPORTED')).toBe('WebXR · vr not supported');
    expect(statusWhere(false, 'WEBXR NEEDS HTTPS')).toBe('WebXR · webxr needs https');
  });
});

describe('StatusLine', () => {
  const where = 'emulated Quest 3 · ready';

  it('says what the page waits for, from loading to the first keyframe', () => {
    const s = new StatusLine(where);
    expect(s.loading()).toBe(`${where} · loading the dream network… (the seed zooms meanwhile)`);
    expect(s.ready('wasm')).toBe(`${where} · wasm · dreaming the first keyframe…`);
    expect(s.keyframe(10, false, null)).toBe(`${where} · wasm · keyframe 1 · – keyframes/s · flat (no depth yet)`);
    expect(s.keyframe(10.5, true, null)).toBe(`${where} · wasm · keyframe 2 · 2.0 keyframes/s · stereo depth`);
  });

  it('measures the rate over the last eight arrivals, so a burst after a stall does not read hundreds per second', () => {
    const s = new StatusLine(where);
    s.ready('wasm');
    for (let i = 0; i < 8; i++) s.keyframe(i, true, null); // one a second
    for (let i = 0; i < 3; i++) s.keyframe(20 + i * 0.01, true, null); // three queued behind a stall
    expect(s.fields.keyframes).toBe(11);
    expect(s.fields.rate).toBeCloseTo(7 / (20.02 - 3), 9); // arrivals 3 … 7, 20, 20.01, 20.02
    expect(s.text).toContain('keyframe 11 · 0.4 keyframes/s');
  });

  it('keeps saying a lowered dream on later keyframes, and says a paced one', () => {
    const s = new StatusLine(where);
    s.ready('webgl');
    const lowered = 'dream lowered to 64 px to keep up';
    expect(s.degraded(lowered)).toBe(`${where} · webgl · ${lowered}`);
    expect(s.keyframe(1, true, 0.234)).toBe(`${where} · webgl · keyframe 1 · – keyframes/s · stereo depth · ${lowered} · dream paced to 23 % for the frame rate`);
    expect(s.keyframe(2, true, null)).toBe(`${where} · webgl · keyframe 2 · 1.0 keyframes/s · stereo depth · ${lowered}`);
  });

  it('says a restart (and the backend it falls back to), a failed start, the calibration pattern and a page without a dream', () => {
    const s = new StatusLine(where);
    s.ready('webgl');
    expect(s.restarting(1)).toBe(`${where} · webgl · dream worker restarting (try 1)…`);
    expect(s.restarting(2, 'wasm')).toBe(`${where} · webgl · dream worker restarting on wasm (try 2)…`);
    expect(s.failed()).toBe(`${where} · no dream network (see the message) · the seed keeps zooming`);
    expect(new StatusLine(where).calibration(8)).toBe(`${where} · calibration pattern, right eye shifted 8 px`);
    expect(new StatusLine(where).loading(false)).toBe(`${where} · dream engine off`);
  });
});

describe('restartMessage', () => {
  it('says why the worker stopped, the try, the backend it falls back to, and that the picture stays', () => {
    expect(restartMessage('dream worker failed: boom', 2)).toBe('The dream worker stopped (dream worker failed: boom); restarting it (try 2). The last picture stays on screen.');
    expect(restartMessage('the dream worker lost its WebGL context', 1, 'wasm')).toBe('The dream worker stopped (the dream worker lost its WebGL context); restarting it on wasm (try 1). The last picture stays on screen.');
  });
});
