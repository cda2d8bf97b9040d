import { test, expect } from '@playwright/test';
import { DEFAULT_FRAME_GUARD } from '../../src/dream/pace';
import type {} from '../../src/app/testApi';

// The frame guard (src/dream/pace.ts) in the emulated headset: while presenting, the dream worker rests
// between ascent steps (at least a probe every 2 s) and the page sets its duty from the frames; in the flat
// preview it never rests. Whether the duty goes below 1 depends on how much this machine's renderer and the
// worker share; what is checked here is the wiring and that keyframes keep coming.
test('in VR the dream worker rests for the frame guard (the panel switches it), and the flat preview never paces it', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('./?emulate=quest3&testHooks=1&backend=wasm&size=64', { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  await page.evaluate(() => {
    const h = window.__dreamGoggles!;
    const w = ((window as any).__guard = { rests: [] as { at: number; ms: number }[], keyframes: [] as { restMs: number; at: number }[] });
    h.onDreamEvent('rest', (e) => w.rests.push({ at: performance.now(), ms: e.ms }));
    h.onDreamEvent('keyframe', (e) => w.keyframes.push({ restMs: e.restMs ?? -1, at: performance.now() }));
  });
  // Flat preview: dreaming, no rests.
  await page.waitForFunction(() => (window as any).__guard.keyframes.length >= 3, undefined, { timeout: 90_000 });
  let g = await page.evaluate(() => (window as any).__guard);
  expect(g.rests).toEqual([]);
  expect(g.keyframes.every((k: { restMs: number }) => k.restMs === 0)).toBe(true);

  await page.getByTestId('vr-button').click();
  await page.waitForFunction(() => window.__dreamGoggles!.state().presenting);
  const entered = await page.evaluate(() => performance.now());
  // Probes every 2 s at least; then the guard has frames from rests to compare with.
  await page.waitForFunction((t) => (window as any).__guard.rests.filter((r: { at: number }) => r.at > t).length >= 3, entered, { timeout: 60_000 });
  await page.waitForFunction((t) => (window as any).__guard.keyframes.filter((k: { at: number }) => k.at > t + 6000).length >= 1, entered, { timeout: 90_000 });
  const inVR = await page.evaluate(() => {
    const g = window.__dreamGoggles!.frameGuard()!;
    return { active: g.active, duty: g.duty, probeMs: g.probeMs, ratio: g.fpsRatio, status: document.querySelector('[data-testid="status"]')?.textContent ?? '' };
  });
  console.log(`frame guard in VR: duty ${inVR.duty.toFixed(2)}, probe ${inVR.probeMs} ms, last fps ratio ${inVR.ratio.toFixed(2)}`);
  expect(inVR.active).toBe(true);
  expect(inVR.duty).toBeGreaterThanOrEqual(DEFAULT_FRAME_GUARD.minDuty); // never stops the dream
  expect(inVR.duty).toBeLessThanOrEqual(1);
  expect(Number.isFinite(inVR.ratio)).toBe(true); // it compared rest-time frames with all frames
  g = await page.evaluate(() => (window as any).__guard);
  expect(g.keyframes.some((k: { restMs: number; at: number }) => k.at > entered && k.restMs > 0)).toBe(true);
  if (inVR.duty < 1) expect(inVR.status).toMatch(/dream paced to \d+ % for the frame rate/);

  // The panel's "frame rate first (VR)" off: still presenting, the dream runs flat out (no more rests).
  await page.evaluate(() => window.__dreamGoggles!.setPanel('frame rate first (VR)', false));
  expect(new URL(page.url()).searchParams.get('frameGuard')).toBe('off');
  await page.waitForFunction(() => !window.__dreamGoggles!.frameGuard()!.active);
  await page.waitForTimeout(1500);
  let quiet = await page.evaluate(() => performance.now());
  await page.waitForTimeout(5000);
  g = await page.evaluate(() => (window as any).__guard);
  expect(await page.evaluate(() => window.__dreamGoggles!.state().presenting)).toBe(true);
  expect(g.rests.filter((r: { at: number }) => r.at > quiet)).toEqual([]);
  expect(g.keyframes.filter((k: { at: number; restMs: number }) => k.at > quiet && k.restMs === 0).length).toBeGreaterThan(0);
  // …and on again: rests come back.
  await page.evaluate(() => window.__dreamGoggles!.setPanel('frame rate first (VR)', true));
  expect(new URL(page.url()).searchParams.get('frameGuard')).toBeNull();
  quiet = await page.evaluate(() => performance.now());
  await page.waitForFunction((t) => (window as any).__guard.rests.some((r: { at: number }) => r.at > t), quiet, { timeout: 30_000 });

  // Back to the flat preview: no more rests (one already under way may still be reported).
  await page.getByTestId('vr-button').click();
  await page.waitForFunction(() => !window.__dreamGoggles!.state().presenting);
  await page.waitForTimeout(1500);
  const left = await page.evaluate(() => performance.now());
  await page.waitForTimeout(5000);
  g = await page.evaluate(() => (window as any).__guard);
  expect(g.rests.filter((r: { at: number }) => r.at > left)).toEqual([]);
});
