import { describe, it, expect } from 'vitest';
import {
  APP_PARAMS, configMessageText, DEFAULT_CALIBRATION_SHIFT_PX, messagesInUse, parseAppConfig, type AppConfig,
} from '../../../src/app/config';

const known = { recipes: ['crowds', 'faces'], seeds: ['noise', 'rings'] };
const parse = (search: string) => parseAppConfig(search, known);
const config = (search: string) => parse(search).config;

describe('parseAppConfig: defaults', () => {
  it('an empty query gives the product defaults and no messages', () => {
    const { config: c, messages } = parse('');
    expect(messages).toEqual([]);
    expect(c).toEqual({
      share: { recipe: 'crowds', seed: 'noise', zoom: 1, rng: 1, mode: 'mono' },
      given: {},
      stereoMethod: 'warp',
      size: null,
      backend: null,
      emulate: null,
      xrScale: null,
      reducedMotion: false,
      frameGuard: true,
      source: 'dream',
      calibrationShiftPx: DEFAULT_CALIBRATION_SHIFT_PX,
      keyframeLimitMs: null,
      accelerator: true,
      testHooks: false,
      dreamOff: false,
    } satisfies AppConfig);
  });

  it('knows every parameter the README lists, plus the accelerator and the test switches', () => {
    expect([...APP_PARAMS].sort()).toEqual([
      'accel', 'backend', 'dream', 'dreamLimit', 'emulate', 'frameGuard', 'mode', 'motion', 'recipe', 'rng', 'seed', 'shift',
      'size', 'source', 'stereo', 'testHooks', 'xrScale', 'zoom',
    ]);
  });
});

describe('parseAppConfig: values', () => {
  it('reads the share parameters (and says which the URL set)', () => {
    const c = config('?recipe=faces&seed=rings&zoom=1.5&rng=42&mode=sbs');
    expect(c.share).toEqual({ recipe: 'faces', seed: 'rings', zoom: 1.5, rng: 42, mode: 'side-by-side' });
    expect(c.given).toEqual(c.share);
    expect(config('?zoom=2').given).toEqual({ zoom: 2 });
  });

  it('?stereo=warp|mesh, any case and spacing', () => {
    expect(config('?stereo=mesh').stereoMethod).toBe('mesh');
    expect(config('?stereo=%20Warp%20').stereoMethod).toBe('warp');
  });

  it('?size=N: 32–512 px, read as an integer prefix; anything else is the client default, silently', () => {
    expect(config('?size=96').size).toEqual([96, 96]);
    expect(config('?size=32').size).toEqual([32, 32]);
    expect(config('?size=512').size).toEqual([512, 512]);
    expect(config('?size=64.7').size).toEqual([64, 64]);
    expect(config('?size=96px').size).toEqual([96, 96]);
    for (const bad of ['31', '513', 'big', '', '-64']) {
      expect(parse(`?size=${bad}`), bad).toMatchObject({ config: { size: null }, messages: [] });
    }
  });

  it('?backend=: a name, or auto / empty for the automatic choice', () => {
    expect(config('?backend=wasm').backend).toBe('wasm');
    expect(config('?backend=webgpu').backend).toBe('webgpu');
    expect(config('?backend=auto').backend).toBeNull();
    expect(config('?backend=').backend).toBeNull();
  });

  it('?emulate=quest3 (any case) forces the emulator, off or none forbids it', () => {
    expect(config('?emulate=quest3').emulate).toBe('quest3');
    expect(config('?emulate=Quest3').emulate).toBe('quest3');
    expect(config('?emulate=off').emulate).toBe('off');
    expect(config('?emulate=none').emulate).toBe('off');
  });

  it('?xrScale=F within 0.25–1', () => {
    expect(config('?xrScale=1').xrScale).toBe(1);
    expect(config('?xrScale=0.25').xrScale).toBe(0.25);
    expect(config('?xrScale=0.75').xrScale).toBe(0.75);
  });

  it('on/off switches: motion, frameGuard, source, accel; other values leave the default, silently', () => {
    expect(config('?motion=reduced').reducedMotion).toBe(true);
    expect(config('?frameGuard=off').frameGuard).toBe(false);
    expect(config('?source=calibration').source).toBe('calibration');
    expect(config('?accel=off').accelerator).toBe(false);
    expect(parse('?motion=slow&frameGuard=no&source=camera&accel=0')).toMatchObject({
      config: { reducedMotion: false, frameGuard: true, source: 'dream', accelerator: true }, messages: [],
    });
  });

  it('?shift=N: the calibration pattern\'s right-eye shift (negative allowed), else 8', () => {
    expect(config('?shift=3').calibrationShiftPx).toBe(3);
    expect(config('?shift=-5').calibrationShiftPx).toBe(-5);
    expect(config('?shift=left').calibrationShiftPx).toBe(DEFAULT_CALIBRATION_SHIFT_PX);
  });

  it('?dreamLimit=S: seconds ≥ 0 (0 = never lower the dream), as ms; else the worker default, silently', () => {
    expect(config('?dreamLimit=0.5').keyframeLimitMs).toBe(500);
    expect(config('?dreamLimit=0').keyframeLimitMs).toBe(0);
    expect(parse('?dreamLimit=-1')).toMatchObject({ config: { keyframeLimitMs: null }, messages: [] });
    expect(config('?dreamLimit=soon').keyframeLimitMs).toBeNull();
  });

  it('?dream=off counts only under the test switch ?testHooks=1', () => {
    expect(config('?dream=off')).toMatchObject({ testHooks: false, dreamOff: false });
    expect(config('?testHooks=1')).toMatchObject({ testHooks: true, dreamOff: false });
    expect(config('?testHooks=1&dream=off')).toMatchObject({ testHooks: true, dreamOff: true });
    expect(config('?testHooks=yes&dream=off')).toMatchObject({ testHooks: false, dreamOff: false });
  });
});

describe('parseAppConfig: messages for unusable values (the texts the page has always shown)', () => {
  it.each([
    ['?recipe=nope', 'recipe', 'url-0', 'Unknown recipe "nope" (recipes: crowds, faces).'],
    ['?seed=user', 'seed', 'url-0', 'This link was made with the sender\'s own image, which never leaves their device; using a default seed.'],
    ['?zoom=9', 'zoom', 'url-0', 'Zoom speed "9" is not a number in [0, 4].'],
    ['?rng=1.5', 'rng', 'url-0', 'Random seed "1.5" is not a whole number in [0, 2147483647].'],
    ['?mode=3d', 'mode', 'url-0', 'Unknown view mode "3d" (mono, side-by-side, anaglyph).'],
    ['?stereo=wobbly', 'stereo', 'stereo-method', 'Unknown stereo method "wobbly" (warp, mesh); using warp.'],
    ['?stereo=', 'stereo', 'stereo-method', 'Unknown stereo method "" (warp, mesh); using warp.'],
    ['?backend=foo', 'backend', "unknown backend 'foo' (use one of webgpu, webgl, wasm, cpu, auto): choosing a backend automatically.",
      "unknown backend 'foo' (use one of webgpu, webgl, wasm, cpu, auto): choosing a backend automatically."],
    ['?emulate=vive', 'emulate', 'emulator', 'Headset emulator not started: Unknown ?emulate=vive: supported are quest3 or off'],
    ['?emulate=OFF', 'emulate', 'emulator', 'Headset emulator not started: Unknown ?emulate=OFF: supported are quest3 or off'],
  ])('%s → one message', (search, param, key, text) => {
    const { messages } = parse(search);
    expect(messages).toEqual([{ param, key, text }]);
  });

  it('a bad value falls back to the default', () => {
    expect(config('?stereo=wobbly').stereoMethod).toBe('warp');
    expect(config('?backend=foo').backend).toBeNull();
    expect(config('?emulate=vive').emulate).toBe('off'); // no emulator, as before: the message says so
    expect(config('?recipe=nope&zoom=2').share).toMatchObject({ recipe: 'crowds', zoom: 2 });
  });

  it('?xrScale= outside 0.25–1: the page completes the message with the scale it chose for the renderer', () => {
    for (const bad of ['0', '0.1', '2', 'big', '', 'NaN', '-1']) {
      const { config: c, messages } = parse(`?xrScale=${encodeURIComponent(bad)}`);
      expect(c.xrScale, bad).toBeNull();
      expect(messages, bad).toEqual([{ param: 'xrScale', key: 'xr-scale', text: `?xrScale=${bad} is not a number from 0.25 to 1`, runtimeFallback: true }]);
    }
    const [m] = parse('?xrScale=big').messages;
    expect(configMessageText(m, 0.5)).toBe('?xrScale=big is not a number from 0.25 to 1; using 0.5.');
  });

  it('share messages keep their order and keys, and other messages follow', () => {
    const { messages } = parse('?zoom=fast&recipe=nope&stereo=3d&backend=x');
    expect(messages.map((m) => [m.param, m.key])).toEqual([
      ['recipe', 'url-0'], ['zoom', 'url-1'], ['stereo', 'stereo-method'], ['backend', messages[3].text],
    ]);
    expect(configMessageText(messages[0])).toBe(messages[0].text);
  });
});

describe('messagesInUse', () => {
  const all = '?recipe=nope&stereo=x&backend=x&xrScale=9&emulate=vive';
  const params = (search: string) => messagesInUse(parse(search)).map((m) => m.param);

  it('a dreaming page says everything', () => {
    expect(params(all)).toEqual(['recipe', 'stereo', 'backend', 'emulate', 'xrScale']);
  });

  it('a page without the dream engine says nothing about the engine\'s parameters', () => {
    expect(params(`${all}&testHooks=1&dream=off`)).toEqual(['recipe', 'stereo', 'emulate', 'xrScale']);
  });

  it('the calibration pattern says nothing about the dream\'s parameters', () => {
    expect(params(`${all}&source=calibration`)).toEqual(['emulate', 'xrScale']);
  });
});
