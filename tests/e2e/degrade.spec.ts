import { test, expect } from '@playwright/test';
import type {} from '../../src/app/testApi';

// Graceful degradation in the assembled viewer: with a keyframe limit no device can meet
// (?dreamLimit=0.001 s), the dream is lowered, the status line says so, and the render loop keeps going.

test('too-slow keyframes lower the dream, the status line says so, and frames keep coming', async ({ page }) => {
  await page.goto('./?emulate=quest3&testHooks=1&backend=wasm&size=96&dreamLimit=0.001', { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  await page.getByTestId('vr-button').click();
  await page.waitForFunction(() => window.__dreamGoggles!.state().presenting);
  const status = page.getByTestId('status');
  // 96 → 64 px first, then (two more slow keyframes later, which can come before the next poll) 2 steps at 64 px
  await expect(status).toContainText(/dream lowered to (\d+ steps per octave at )?64 px to keep up/, { timeout: 110_000 });
  // The status line keeps saying it on the keyframes that follow.
  await expect(status).toContainText(/keyframe \d+ .*dream lowered to/, { timeout: 60_000 });
  const f0 = await page.evaluate(() => window.__dreamGoggles!.state().frameCount);
  await expect.poll(() => page.evaluate(() => window.__dreamGoggles!.state().frameCount), { timeout: 30_000 }).toBeGreaterThan(f0 + 5);
  await page.screenshot({ path: 'test-results/degrade-status.png' });
});
