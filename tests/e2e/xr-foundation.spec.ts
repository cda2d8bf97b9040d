import { test, expect, type Page } from '@playwright/test';
import { decodeCalibrationPixel, LEFT_EYE_MARK, RIGHT_EYE_MARK } from '../../src/stereo/calibration';
import type {} from '../../src/app/testApi';

// Enters immersive-vr through IWER's emulated Quest 3 and reads back what each eye saw, inside
// the frame loop (the XR framebuffer is the canvas's: left eye = left half, right eye = right half).

const SHIFT = 8;

async function openEmulated(page: Page, query = ''): Promise<void> {
  await page.goto(`./?emulate=quest3&testHooks=1&source=calibration&shift=${SHIFT}${query}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  await expect(page.getByTestId('vr-button')).toHaveText('ENTER VR');
}

async function enterVR(page: Page): Promise<void> {
  await page.getByTestId('vr-button').click();
  await expect(page.getByTestId('vr-button')).toHaveText('EXIT VR');
  await page.waitForFunction(() => window.__dreamGoggles!.state().presenting);
}

/** Samples a grid of points in one eye's half and decodes the calibration pixels found there. */
async function sampleEye(page: Page, eye: 'left' | 'right') {
  const x0 = eye === 'left' ? 0 : 0.5;
  const points: [number, number][] = [];
  for (let i = 0; i < 9; i++) for (let j = 0; j < 5; j++) points.push([x0 + 0.15 + i * 0.025, 0.4 + j * 0.05]);
  const rgba = await page.evaluate((pts) => window.__dreamGoggles!.readPixels(pts), points);
  return rgba.map(([r, g, b]) => decodeCalibrationPixel(r, g, b));
}

test('immersive-vr in the emulated headset shows each eye its own pattern, right eye shifted', async ({ page }) => {
  await openEmulated(page);
  // Zero IPD: both eye cameras coincide, so any difference between the halves is the textures'.
  await page.evaluate(() => window.__dreamGoggles!.headset.setIpd(0));
  await enterVR(page);
  const state = await page.evaluate(() => window.__dreamGoggles!.state());
  expect(state.refSpace).toBe('local-floor');
  await page.waitForFunction((n) => window.__dreamGoggles!.state().frameCount > n, state.frameCount + 3);

  const left = await sampleEye(page, 'left');
  const right = await sampleEye(page, 'right');
  const pairs = left.map((l, i) => [l, right[i]] as const).filter(([l, r]) => l && r);
  expect(pairs.length).toBeGreaterThan(20);
  for (const [l, r] of pairs) {
    expect(l!.eye).toBe('left');
    expect(r!.eye).toBe('right');
    // Same screen point, same texel row; the right eye's copy shows the column SHIFT texels to the left.
    expect(r!.row).toBe(l!.row);
    expect((l!.column - r!.column + 256) % 256).toBe(SHIFT);
  }

  await page.screenshot({ path: test.info().outputPath('stereo-view.png') });
  const frame = await page.evaluate(() => window.__dreamGoggles!.readFrame().then((f) => ({ w: f.width, h: f.height })));
  expect(frame.w).toBeGreaterThan(frame.h); // two eyes side by side
});

test("the emulator's per-frame clear-value queries are answered from a shadow that matches the context", async ({ page }) => {
  await openEmulated(page);
  await enterVR(page);
  // A distinctive clear state set behind three.js's back (three only re-sets it when its own value changes).
  const n = await page.evaluate(() => {
    const gl = window.__dreamGoggles!.gl();
    gl.clearColor(0.2, 0.4, 0.6, 1);
    gl.clearDepth(0.75);
    gl.clearStencil(5);
    return window.__dreamGoggles!.state().frameCount;
  });
  await page.waitForFunction((k) => window.__dreamGoggles!.state().frameCount > k, n + 5);
  // Five frames of IWER clearing with its own values and restoring what it read later: the wrapped
  // getParameter (the shadow) against the prototype's own (the real, synchronous query).
  const r = await page.evaluate(() => {
    const gl = window.__dreamGoggles!.gl();
    const real = WebGL2RenderingContext.prototype.getParameter;
    const q = (get: (p: number) => unknown) => [gl.COLOR_CLEAR_VALUE, gl.DEPTH_CLEAR_VALUE, gl.STENCIL_CLEAR_VALUE]
      .map((p) => { const v = get(p); return ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v; });
    return { wrapped: gl.getParameter !== real, shadow: q((p) => gl.getParameter(p)), real: q((p) => real.call(gl, p)) };
  });
  expect(r.wrapped).toBe(true);
  expect(r.shadow).toEqual(r.real);
  // …and the restore put back what was set (a shadow array IWER's own clearColor overwrote would not).
  const [color, depth, stencil] = r.real as [number[], number, number];
  [0.2, 0.4, 0.6, 1].forEach((v, i) => expect(color[i]).toBeCloseTo(v, 5));
  expect(depth).toBeCloseTo(0.75, 5);
  expect(stencil).toBe(5);
});

test('on a software rasteriser the emulated eyes are drawn at half size (?xrScale=1: full), and the canvas gets its size back on exit', async ({ page }) => {
  const sizes: Record<string, { presenting: [number, number]; flat: [number, number]; inner: [number, number] }> = {};
  for (const [name, query] of [['default', ''], ['full', '&xrScale=1']] as const) {
    await openEmulated(page, query);
    const flat0 = await page.evaluate(() => window.__dreamGoggles!.state());
    await enterVR(page);
    const n0 = await page.evaluate(() => window.__dreamGoggles!.state().frameCount);
    await page.waitForFunction((n) => window.__dreamGoggles!.state().frameCount > n + 3, n0);
    const s = await page.evaluate(() => ({ ...window.__dreamGoggles!.state(), inner: [window.innerWidth, window.innerHeight] as [number, number] }));
    if (name === 'default') {
      // Both eyes still show their own pattern and the exact shift at half size.
      const left = await sampleEye(page, 'left');
      const right = await sampleEye(page, 'right');
      const pairs = left.map((l, i) => [l, right[i]] as const).filter(([l, r]) => l && r);
      expect(pairs.length).toBeGreaterThan(20);
      for (const [l, r] of pairs) { expect(l!.eye).toBe('left'); expect(r!.eye).toBe('right'); }
      await page.screenshot({ path: test.info().outputPath('stereo-view-half.png') });
    }
    await page.getByTestId('vr-button').click();
    await page.waitForFunction(() => !window.__dreamGoggles!.state().presenting);
    await page.waitForFunction((w) => window.__dreamGoggles!.state().width === w, flat0.width);
    const flat1 = await page.evaluate(() => window.__dreamGoggles!.state());
    sizes[name] = { presenting: [s.width, s.height], flat: [flat1.width, flat1.height], inner: s.inner };
    expect([flat1.width, flat1.height]).toEqual([flat0.width, flat0.height]);
  }
  console.log('xr framebuffer', JSON.stringify(sizes));
  const { inner } = sizes.default;
  expect(sizes.default.presenting).toEqual([Math.round(inner[0] / 2), Math.round(inner[1] / 2)]);
  expect(sizes.full.presenting).toEqual(inner);
});

test('turning the emulated head changes what the eyes see', async ({ page }) => {
  await openEmulated(page);
  await enterVR(page);
  const probe: [number, number][] = [[0.25, 0.5], [0.75, 0.5]];
  const before = await page.evaluate((p) => window.__dreamGoggles!.readPixels(p), probe);
  expect(decodeCalibrationPixel(...(before[0].slice(0, 3) as [number, number, number]))?.eye ?? 'left').toBe('left');
  await page.evaluate(() => window.__dreamGoggles!.headset.look(-90));
  await page.waitForFunction(() => Math.abs(window.__dreamGoggles!.headset.orientation()[1]) > 0.5);
  const h = await page.evaluate(() => window.__dreamGoggles!.state().frameCount);
  await page.waitForFunction((n) => window.__dreamGoggles!.state().frameCount > n + 2, h);
  const after = await page.evaluate((p) => window.__dreamGoggles!.readPixels(p), probe);
  // Looking 90° away from the screen: both eyes now see the dark surroundings, not the pattern.
  for (const px of after) {
    expect(decodeCalibrationPixel(px[0], px[1], px[2])).toBeNull();
    expect(px[0] + px[1] + px[2]).toBeLessThan(120);
  }
  await page.screenshot({ path: test.info().outputPath('head-turned.png') });
});

test('mouse drag in the emulated session turns the head', async ({ page }) => {
  await openEmulated(page);
  await enterVR(page);
  const q0 = await page.evaluate(() => window.__dreamGoggles!.headset.orientation()[1]);
  const box = (await page.locator('canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 200, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const q1 = await page.evaluate(() => window.__dreamGoggles!.headset.orientation()[1]);
  expect(q1).toBeLessThan(q0 - 0.2); // dragged right → yaw to the right (negative about +Y)
});

test('exit VR returns to the flat preview', async ({ page }) => {
  await openEmulated(page);
  await enterVR(page);
  await page.getByTestId('vr-button').click();
  await expect(page.getByTestId('vr-button')).toHaveText('ENTER VR');
  await page.waitForFunction(() => !window.__dreamGoggles!.state().presenting);
});

test('flat preview modes render: mono, side-by-side, red-cyan anaglyph', async ({ page }) => {
  await openEmulated(page);
  const select = page.getByTestId('mode');

  await select.selectOption('mono');
  let px = await page.evaluate(() => window.__dreamGoggles!.readPixels([[0.47, 0.45]]));
  expect(decodeCalibrationPixel(px[0][0], px[0][1], px[0][2])?.eye).toBe('left');
  await page.screenshot({ path: test.info().outputPath('mode-mono.png') });

  await select.selectOption('side-by-side');
  px = await page.evaluate(() => window.__dreamGoggles!.readPixels([[0.23, 0.45], [0.73, 0.45]]));
  expect(decodeCalibrationPixel(px[0][0], px[0][1], px[0][2])?.eye).toBe('left');
  expect(decodeCalibrationPixel(px[1][0], px[1][1], px[1][2])?.eye).toBe('right');
  await page.screenshot({ path: test.info().outputPath('mode-side-by-side.png') });

  await select.selectOption('anaglyph');
  const pts: [number, number][] = [[0.47, 0.45], [0.52, 0.47], [0.44, 0.52]];
  const ana = await page.evaluate((p) => window.__dreamGoggles!.readPixels(p), pts);
  await select.selectOption('mono');
  const mono = await page.evaluate((p) => window.__dreamGoggles!.readPixels(p), pts);
  let checked = 0;
  for (let i = 0; i < pts.length; i++) {
    const m = decodeCalibrationPixel(mono[i][0], mono[i][1], mono[i][2]);
    if (!m) continue; // a grid line
    checked++;
    // Red comes from the left eye (same as mono), blue carries the right eye's marker.
    expect(ana[i][0]).toBe(mono[i][0]);
    expect(Math.abs(ana[i][2] - RIGHT_EYE_MARK)).toBeLessThanOrEqual(8);
    expect(Math.abs(mono[i][2] - LEFT_EYE_MARK)).toBeLessThanOrEqual(8);
  }
  expect(checked).toBeGreaterThan(0);
  await select.selectOption('anaglyph');
  await page.screenshot({ path: test.info().outputPath('mode-anaglyph.png') });
});

test('plain page without emulation states what WebXR needs', async ({ page }) => {
  await page.goto('./?emulate=off&source=calibration', { waitUntil: 'commit' });
  // Headless Chromium offers navigator.xr but no immersive-vr device.
  await expect(page.getByTestId('vr-button')).toHaveText(/VR NOT SUPPORTED|WEBXR NOT AVAILABLE/);
  await expect(page.getByRole('alert')).toContainText(/emulate=quest3/);
});
