import { test, expect } from '@playwright/test';
import type {} from '../../src/app/testApi';

// The real thing: the dream worker (wasm) dreams, predicts depth, and the headset shows both eyes.
// Saves both eyes at three moments of the zoom and an anaglyph frame as artifacts to look at.

test('both eyes of a live dream zoom at three moments, and an anaglyph frame', async ({ page }) => {
  test.setTimeout(420_000); // model loads, warm-up and keyframes on two CPU cores
  await page.goto('./?emulate=quest3&testHooks=1&backend=wasm', { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  // Wait for a keyframe that carries depth: from then on the eyes differ.
  await expect(page.getByTestId('status')).toContainText('stereo depth', { timeout: 360_000 });
  // …and that keyframe is the one on screen (the display runs a keyframe or two behind the worker)
  await page.waitForFunction(() => window.__dreamGoggles!.playback().showingDepth, undefined, { timeout: 120_000 });
  await page.getByTestId('vr-button').click();
  await page.waitForFunction(() => window.__dreamGoggles!.state().presenting);

  const moments: { logZoom: number; eyeDiff: number; scale: number }[] = [];
  for (let m = 0; m < 3; m++) {
    if (m > 0) {
      const k = await page.evaluate(() => window.__dreamGoggles!.playback().logZoom);
      await page.waitForFunction((z) => window.__dreamGoggles!.playback().logZoom > z + 0.03, k, { timeout: 120_000 });
    }
    await page.screenshot({ path: test.info().outputPath(`eyes-moment-${m + 1}.png`) });
    const frame = await page.evaluate(async () => {
      const h = window.__dreamGoggles!;
      // With the eye cameras together (IPD 0), any difference between the halves is the warp's disparity.
      const ipd = h.headset.ipd();
      h.headset.setIpd(0);
      await h.readFrame();
      const f = await h.readFrame();
      h.headset.setIpd(ipd);
      // Compare the central region of each eye: same dream, shifted by the disparity.
      const { width: W, height: H, pixels } = f;
      let diff = 0, n = 0;
      for (let y = Math.floor(H * 0.35); y < H * 0.65; y += 3) {
        for (let x = Math.floor(W * 0.15); x < W * 0.35; x += 3) {
          const a = (y * W + x) * 4, b = (y * W + x + W / 2) * 4;
          diff += Math.abs(pixels[a] - pixels[b]) + Math.abs(pixels[a + 1] - pixels[b + 1]) + Math.abs(pixels[a + 2] - pixels[b + 2]);
          n += 3;
        }
      }
      return { logZoom: h.playback().logZoom, eyeDiff: diff / n, scale: h.comfort().scale };
    });
    moments.push(frame);
  }
  console.log('dream view moments', JSON.stringify(moments));
  for (const m of moments) {
    expect(m.scale).toBeGreaterThan(0); // stereo depth on
    expect(m.eyeDiff).toBeGreaterThan(0.5); // the eyes differ (disparity) …
    expect(m.eyeDiff).toBeLessThan(25); // … but show the same dream
  }
  expect(moments[2].logZoom).toBeGreaterThan(moments[0].logZoom);

  await page.getByTestId('vr-button').click();
  await page.waitForFunction(() => !window.__dreamGoggles!.state().presenting);
  await page.getByTestId('mode').selectOption('anaglyph');
  await page.waitForTimeout(500);
  await page.screenshot({ path: test.info().outputPath('anaglyph.png') });
});

// The page exactly as `npm start` opens it (no ?backend=, a fresh browser profile, so no remembered choice): the
// automatic backend choice must bring a dreamed keyframe, not hang in a WebGL warm-up on a software rasteriser.
test('the default page, automatic backend: a dreamed keyframe arrives and the status line names the backend', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('./', { waitUntil: 'commit' });
  await expect(page.getByTestId('status')).toContainText(/· (wasm|webgl|webgpu) · keyframe [1-9]/, { timeout: 90_000 });
  await expect(page.locator('[data-key="dream-restart"]')).toHaveCount(0);
});
