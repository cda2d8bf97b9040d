import { test, expect, type Page } from '@playwright/test';
import type {} from '../../src/app/testApi';

// The test scaffolding is not part of the product: only `?testHooks=1` installs window.__dreamGoggles,
// loads the test API's code, lets ?dream=off switch the dream engine off and tells the dream worker to
// accept injected faults. A normal visit gets none of that and still works.

/** Records the options of every dream worker's 'init' command, from the page's side of postMessage. */
async function recordWorkerInit(page: Page): Promise<() => Promise<Record<string, unknown>[]>> {
  await page.addInitScript(() => {
    const seen: Record<string, unknown>[] = ((window as unknown as { __inits: Record<string, unknown>[] }).__inits = []);
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, msg: unknown, ...rest: unknown[]) {
      const m = msg as { type?: string; options?: Record<string, unknown> } | null;
      if (m?.type === 'init' && m.options) seen.push({ ...m.options });
      return (post as (...a: unknown[]) => void).call(this, msg, ...rest);
    } as typeof post;
  });
  return () => page.evaluate(() => (window as unknown as { __inits: Record<string, unknown>[] }).__inits);
}

test('without ?testHooks=1: no test API, ?dream=off is ignored, the worker is told no test hooks, and the page works', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const inits = await recordWorkerInit(page);
  await page.goto('./?emulate=quest3&dream=off&backend=wasm&size=32', { waitUntil: 'commit' });
  // Wired: the status line speaks of the dream network (not "dream engine off": ?dream=off did nothing).
  await expect(page.getByTestId('status')).toContainText('emulated Quest 3 · ready ·', { timeout: 60_000 });
  await expect(page.getByTestId('status')).not.toContainText('dream engine off');
  await expect(page.getByTestId('status')).toContainText(/loading the dream network|dreaming the first keyframe|keyframe \d+/);
  await page.waitForTimeout(1000); // (the test API would have been installed by now)
  expect(await page.evaluate(() => '__dreamGoggles' in window)).toBe(false);
  expect(requests.filter((u) => /testHooks/.test(u))).toEqual([]); // its code is not even loaded
  await expect.poll(inits, { timeout: 30_000 }).toHaveLength(1);
  const [init] = await inits();
  expect(init.testHooks).toBe(false);
  expect(init.accelerator).toBe(true);
  // A normal visit works: the seed is on screen and VR can be entered and left.
  await page.getByTestId('vr-button').click();
  await expect(page.getByTestId('vr-button')).toHaveText('EXIT VR');
  await page.getByTestId('vr-button').click();
  await expect(page.getByTestId('vr-button')).toHaveText('ENTER VR');
  expect(await page.evaluate(() => window.__dreamGoggles === undefined)).toBe(true);
});

test('with ?testHooks=1: the test API, the worker told to accept injected faults, and ?accel=off reaching it', async ({ page }) => {
  const inits = await recordWorkerInit(page);
  await page.goto('./?emulate=quest3&testHooks=1&accel=off&backend=wasm&size=32', { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  expect(await page.evaluate(() => window.__dreamGoggles!.state().stereoMethod)).toBe('warp');
  const [init] = await inits();
  expect(init).toMatchObject({ testHooks: true, accelerator: false, backend: 'wasm', size: [32, 32] });
  // …and ?dream=off, under the switch, is a stereo screen without a worker.
  await page.goto('./?emulate=quest3&testHooks=1&dream=off', { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  await expect(page.getByTestId('status')).toContainText('dream engine off');
  expect(await inits()).toEqual([]);
  await expect(page.evaluate(() => window.__dreamGoggles!.dream())).rejects.toThrow('no dream engine on this page');
});
