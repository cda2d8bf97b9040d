import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type {} from '../../src/app/testApi';

// The product inside an (IWER-emulated) headset: controller buttons and thumbstick, hand pinches, the
// in-scene label, and capture while presenting. Dream engine off (?testHooks=1&dream=off): the stereo screen shows
// the seed, and what the controls do is read from the page's state.

async function enterVR(page: Page, query = '&seed=bokeh'): Promise<void> {
  await page.goto(`./?emulate=quest3&testHooks=1&dream=off${query}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  await page.waitForFunction(() => window.__dreamGoggles!.playback().hasKeyframe);
  await page.getByTestId('vr-button').click();
  await page.waitForFunction(() => window.__dreamGoggles!.state().presenting);
  await page.waitForFunction(() => window.__dreamGoggles!.state().inputSources >= 2);
}

/** Frames rendered so far (IWER samples buttons once per frame: a press must span a few). */
const frames = (page: Page) => page.evaluate(() => window.__dreamGoggles!.state().frameCount);
async function waitFrames(page: Page, n: number): Promise<void> {
  const start = await frames(page);
  await page.waitForFunction((s) => window.__dreamGoggles!.state().frameCount >= s, start + n);
}

async function press(page: Page, hand: 'left' | 'right', button: string): Promise<void> {
  await page.evaluate(([h, b]) => window.__dreamGoggles!.headset.button(h, b, 1), [hand, button] as const);
  await waitFrames(page, 3);
  await page.evaluate(([h, b]) => window.__dreamGoggles!.headset.button(h, b, 0), [hand, button] as const);
  await waitFrames(page, 3);
}

async function flick(page: Page, hand: 'left' | 'right', x: number, y: number): Promise<void> {
  await page.evaluate(([h, x, y]) => window.__dreamGoggles!.headset.thumbstick(h, x, y), [hand, x, y] as const);
  await waitFrames(page, 3);
  await page.evaluate(([h]) => window.__dreamGoggles!.headset.thumbstick(h, 0, 0), [hand] as const);
  await waitFrames(page, 3);
}

const state = (page: Page) => page.evaluate(() => {
  const h = window.__dreamGoggles!;
  const label = h.label();
  return { ...h.controls().state, label: label.text, shown: label.shown, speed: h.playback().config.speedScale };
});

/** The label became visible with this text (it fades after ~1.5 s: wait for the show, not a moment). */
async function expectLabel(page: Page, text: string, shownBefore: number): Promise<void> {
  await page.waitForFunction(([t, n]) => { const l = window.__dreamGoggles!.label(); return l.shown > n && l.text === t; }, [text, shownBefore] as const);
}

test('in VR, controller buttons and thumbstick pause, step the zoom speed and the recipe, with a fading in-scene label', async ({ page }) => {
  await enterVR(page);
  let s = await state(page);
  expect(s).toMatchObject({ paused: false, zoom: 1, recipe: 'crowds' });

  await press(page, 'right', 'a-button');
  await expectLabel(page, 'paused', s.shown);
  expect((await state(page)).paused).toBe(true);
  expect(await page.evaluate(() => window.__dreamGoggles!.playback().paused)).toBe(true);
  s = await state(page);
  await press(page, 'left', 'x-button'); // either hand
  await expectLabel(page, 'dreaming', s.shown);
  expect((await state(page)).paused).toBe(false);

  s = await state(page);
  await flick(page, 'right', 0, -1); // up: faster
  await expectLabel(page, 'zoom ×1.25', s.shown);
  expect(await state(page)).toMatchObject({ zoom: 1.25, speed: 1.25 });
  s = await state(page);
  await flick(page, 'right', 0, 1);
  await flick(page, 'right', 0, 1); // down twice: slower
  await expectLabel(page, 'zoom ×0.75', s.shown);
  expect(await state(page)).toMatchObject({ zoom: 0.75, speed: 0.75 });
  expect(new URL(page.url()).searchParams.get('zoom')).toBe('0.75');

  s = await state(page);
  await flick(page, 'right', 1, 0); // right: next recipe
  await expectLabel(page, 'recipe: objects', s.shown);
  expect((await state(page)).recipe).toBe('objects');
  await flick(page, 'left', -1, 0);
  await flick(page, 'left', -1, 0); // left twice: previous, wrapping round
  expect((await state(page)).recipe).toBe('figures');
  expect(new URL(page.url()).searchParams.get('recipe')).toBe('figures');

  // The trigger locks the focus (src/gaze); the label says so.
  s = await state(page);
  await press(page, 'right', 'trigger');
  await expectLabel(page, 'focus locked', s.shown);
  expect(await page.evaluate(() => window.__dreamGoggles!.gaze().locked)).toBe(true);
});

test('the in-VR label is drawn into both eyes, then fades away', async ({ page }) => {
  await enterVR(page);
  // Where the label's centre lands in each eye: project it with each XR eye camera (view, then projection
  // with the perspective divide; column-major matrices).
  const at = () => page.evaluate(() => {
    const h = window.__dreamGoggles!;
    const apply = (m: number[], [x, y, z]: number[]) => {
      const w = m[3] * x + m[7] * y + m[11] * z + m[15];
      return [0, 1, 2].map((r) => (m[r] * x + m[r + 4] * y + m[r + 8] * z + m[r + 12]) / w);
    };
    const centre = h.label().position;
    return h.eyes().slice(0, 2).map(({ projection, view }, eye) => {
      const [x, y] = apply(projection, apply(view, centre));
      return [eye * 0.5 + ((x + 1) / 2) * 0.5, (1 - y) / 2];
    }) as [number, number][];
  });
  const grid = (c: [number, number][]) => c.flatMap(([x, y]) => Array.from({ length: 45 }, (_, i) => [x + ((i % 15) - 7) * 0.006, y + (Math.floor(i / 15) - 1) * 0.01] as [number, number]));
  const read = async (pts: [number, number][]) => page.evaluate((p) => window.__dreamGoggles!.readPixels(p), pts);
  // Held on while the pixels are read (a loaded machine can take longer than the 1.5 s fade to get there).
  const defaults = await page.evaluate(() => window.__dreamGoggles!.setLabelTiming({ holdSec: 60, fadeSec: 61 }));
  const shown = await page.evaluate(() => window.__dreamGoggles!.label().shown);
  await press(page, 'right', 'a-button');
  await expectLabel(page, 'paused', shown);
  const centres = await at();
  for (const [x, y] of centres) { expect(y).toBeGreaterThan(0.5); expect(y).toBeLessThan(0.95); expect(x % 0.5).toBeGreaterThan(0.1); }
  const pts = grid(centres);
  const withLabel = await read(pts);
  await page.screenshot({ path: test.info().outputPath('vr-label.png') });
  await page.evaluate((d) => window.__dreamGoggles!.setLabelTiming(d), defaults);
  await page.waitForFunction(() => !window.__dreamGoggles!.label().visible, undefined, { timeout: 30_000 });
  const without = await read(pts);
  // Per eye: the label (dark plate, light text) changes the pixels under it.
  for (const eye of [0, 1]) {
    let diff = 0;
    for (let i = eye * 45; i < eye * 45 + 45; i++) diff += Math.abs(withLabel[i][0] - without[i][0]) + Math.abs(withLabel[i][1] - without[i][1]) + Math.abs(withLabel[i][2] - without[i][2]);
    expect(diff / 45 / 3, `eye ${eye}`).toBeGreaterThan(8);
  }
  // Redrawn only when the text changes: the same text again costs no canvas draw.
  const draws = await page.evaluate(() => window.__dreamGoggles!.label().draws);
  await page.evaluate(() => window.__dreamGoggles!.showLabel('paused'));
  expect(await page.evaluate(() => window.__dreamGoggles!.label().draws)).toBe(draws);
});

test('in VR, a left-hand pinch pauses and a right-hand pinch locks the focus', async ({ page }) => {
  await enterVR(page);
  await page.evaluate(() => window.__dreamGoggles!.headset.useHands());
  await page.waitForFunction(() => window.__dreamGoggles!.state().hands >= 2);
  const pinch = async (hand: 'left' | 'right') => {
    await page.evaluate((h) => window.__dreamGoggles!.headset.pinch(h, 1), hand);
    await waitFrames(page, 3);
    await page.evaluate((h) => window.__dreamGoggles!.headset.pinch(h, 0), hand);
    await waitFrames(page, 3);
  };
  let shown = (await state(page)).shown;
  await pinch('left');
  await expectLabel(page, 'paused', shown);
  expect((await state(page)).paused).toBe(true);
  shown = (await state(page)).shown;
  await pinch('right');
  await expectLabel(page, 'focus locked', shown);
  expect((await state(page)).paused).toBe(true); // the right hand does not pause
  await pinch('left');
  expect((await state(page)).paused).toBe(false);
  expect((await state(page)).label).toBe('dreaming');
});

test('from inside VR: B saves a side-by-side PNG twice the eye width, the thumbstick press records a WebM with a duration', async ({ page }) => {
  await enterVR(page, '&seed=rings&recipe=faces');
  const eye = await page.evaluate(() => window.__dreamGoggles!.capture());
  const dl = page.waitForEvent('download', (d) => d.suggestedFilename().endsWith('_sbs.png'));
  await press(page, 'right', 'b-button');
  const d = await dl;
  expect(d.suggestedFilename()).toMatch(/^dream-goggles_faces_.*_sbs\.png$/);
  const path = test.info().outputPath('vr-snapshot.png');
  await d.saveAs(path);
  const png = PNG.sync.read(readFileSync(path));
  expect([png.width, png.height]).toEqual([2 * eye.eyeWidth, eye.eyeHeight]);
  let sum = 0;
  for (let i = 0; i < png.data.length; i += 4 * 97) sum += png.data[i] + png.data[i + 1] + png.data[i + 2];
  expect(sum / (png.data.length / (4 * 97)) / 3).toBeGreaterThan(40); // the dream, not a blank canvas
  expect(await page.evaluate(() => window.__dreamGoggles!.state().presenting)).toBe(true);

  await press(page, 'right', 'thumbstick');
  await page.waitForFunction(() => window.__dreamGoggles!.capture().recording === true);
  expect((await state(page)).label).toBe('● recording');
  await waitFrames(page, 20);
  const vdl = page.waitForEvent('download', (x) => x.suggestedFilename().endsWith('_video.webm'));
  await press(page, 'left', 'thumbstick');
  const v = await vdl;
  const vpath = test.info().outputPath('vr-recording.webm');
  await v.saveAs(vpath);
  const bytes = readFileSync(vpath);
  expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]); // EBML
  const duration = await page.evaluate(async (b64) => {
    const v = document.createElement('video');
    v.muted = true;
    v.src = URL.createObjectURL(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'video/webm' }));
    await new Promise((res, rej) => { v.onloadedmetadata = res; v.onerror = () => rej(new Error('video did not load')); });
    if (v.duration === Infinity) { v.currentTime = 1e9; await new Promise((res) => { v.ondurationchange = res; setTimeout(res, 5000); }); }
    return v.duration;
  }, bytes.toString('base64'));
  expect(duration).toBeGreaterThan(0);
  expect(Number.isFinite(duration)).toBe(true);
});
