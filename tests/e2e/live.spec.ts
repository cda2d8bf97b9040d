import { test, expect, type Page } from '@playwright/test';
import type {} from '../../src/app/testApi';

// The assembled viewer: gaze → zoom focus → stereo screen, in the emulated headset.

async function openXR(page: Page, query = '&dream=off'): Promise<void> {
  await page.goto(`./?emulate=quest3&testHooks=1${query}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  await page.getByTestId('vr-button').click();
  await page.waitForFunction(() => window.__dreamGoggles!.state().presenting);
}

test('turning the emulated head to the right moves the zoom focus right within one frame', async ({ page }) => {
  await openXR(page);
  const r = await page.evaluate(async () => {
    const h = window.__dreamGoggles!;
    // a plain keyframe so the zoom runs
    const W = 64, data = new Uint8Array(W * W * 4).fill(200);
    h.pushKeyframe({ image: { data, width: W, height: W }, depth: null, stepZoom: 1, focus: [0.5, 0.5], reset: true });
    await new Promise((res) => setTimeout(res, 500));
    const before = { u: h.focus().u, cx: h.playback().current.cx };
    const half = (20 * Math.PI) / 360; // yaw −20°: look right
    return await new Promise<{ before: typeof before; after: { u: number; raw: number | null; frames: number } }>((resolve) => {
      let frames = 0;
      const off = h.onFrame(() => {
        frames++;
        if (frames === 1) {
          h.headset.setOrientation(0, -Math.sin(half), 0, Math.cos(half));
          return;
        }
        // the first frame rendered with the new pose: the zoom centre must already have moved
        off();
        const raw = h.gaze().raw; // this frame's, measured by the page's own frame work
        resolve({ before, after: { u: h.focus().u, raw: raw ? raw[0] : null, frames } });
      });
    });
  });
  expect(r.after.raw).not.toBeNull();
  expect(r.after.raw!).toBeGreaterThan(0.6); // the head ray hits right of centre at once
  expect(r.after.u).toBeGreaterThan(r.before.u); // and the smoothed zoom centre already follows
});

test('a controller select locks the focus and a second one releases it', async ({ page }) => {
  await openXR(page);
  // three.js forwards a select only from input sources it has mapped to a controller: wait for them.
  await page.waitForFunction(() => window.__dreamGoggles!.state().inputSources >= 2);
  const frames = (n: number) => page.evaluate((k) => new Promise<void>((res) => {
    const h = window.__dreamGoggles!;
    const t = h.state().frameCount + k;
    const off = h.onFrame(() => { if (h.state().frameCount >= t) { off(); res(); } });
  }), n);
  await frames(3);
  // IWER samples buttons once per frame and fires select on the press: hold until it lands, then release.
  const trigger = (v: number) => page.evaluate((x) => window.__dreamGoggles!.headset.button('right', 'trigger', x), v);
  await trigger(1);
  await page.waitForFunction(() => window.__dreamGoggles!.gaze().locked === true);
  await trigger(0);
  await frames(3);
  expect(await page.evaluate(() => window.__dreamGoggles!.gaze().locked)).toBe(true); // release does not unlock
  await trigger(1);
  await page.waitForFunction(() => window.__dreamGoggles!.gaze().locked === false);
  await trigger(0);
});
