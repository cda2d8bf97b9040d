import { test, expect, type Page } from '@playwright/test';
import type {} from '../../harness/gaze';
import { rayHitScreen } from '../../src/gaze/hit';
import { shapeTarget, DEFAULT_DEAD_ZONE, DEFAULT_FOCUS_MARGIN, type FocusUV } from '../../src/gaze/smoothing';
import { screenLayout } from '../../src/xr/screenLayout';

// Gaze steering against harness/gaze.html: IWER's emulated Quest 3 (head, controllers), a transient-pointer
// shim of our own (IWER has none; see TransientPointerShim in the harness) and the mouse on the flat preview.
// The harness records what GazeController.update returned on every frame, so "within one frame" is checked
// by frame number, not by time.

const LAYOUT = screenLayout(); // the viewer's default layout; the eye sits at the layout origin
const deg = (d: number) => (d * Math.PI) / 180;

/** Where a ray from the eye at yaw/pitch degrees (yaw > 0 = left, three.js convention) hits the screen. */
function expectedHit(yawDeg: number, pitchDeg = 0): [number, number] {
  const dir = { x: -Math.sin(deg(yawDeg)) * Math.cos(deg(pitchDeg)), y: Math.sin(deg(pitchDeg)), z: -Math.cos(deg(yawDeg)) * Math.cos(deg(pitchDeg)) };
  return rayHitScreen({ x: 0, y: 0, z: 0 }, dir, LAYOUT)!;
}

function shaped(uv: [number, number]): FocusUV {
  return shapeTarget(uv[0], uv[1], DEFAULT_DEAD_ZONE, DEFAULT_FOCUS_MARGIN, [0, 0]);
}

async function openHarness(page: Page): Promise<void> {
  await page.goto('./harness/gaze.html', { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__gaze?.state() != null, undefined, { timeout: 60_000 });
}

async function frames(page: Page, count: number): Promise<number> {
  const n = await page.evaluate(() => window.__gaze!.frameCount());
  await page.waitForFunction((target) => window.__gaze!.frameCount() >= target, n + count);
  return n + count;
}

async function enterVR(page: Page): Promise<void> {
  await page.getByTestId('enter').click();
  await page.waitForFunction(() => window.__gaze!.presenting());
  await frames(page, 3);
}

const state = (page: Page) => page.evaluate(() => window.__gaze!.state()!);

test('turning the head right moves the raw focus right within one frame; the smoothed focus follows', async ({ page }) => {
  await openHarness(page);
  await enterVR(page);
  const ahead = await state(page);
  expect(ahead.source).toBe('head');
  expect(ahead.raw![0]).toBeCloseTo(0.5, 3);
  expect(ahead.raw![1]).toBeCloseTo(0.5, 3);

  // Set the head pose between two frames and note the frame number in the same task.
  const n = await page.evaluate(() => {
    const g = window.__gaze!;
    const half = (-20 * Math.PI) / 360; // yaw −20°: turn right
    g.device.quaternion.set(0, Math.sin(half), 0, Math.cos(half));
    return g.frameCount();
  });
  await page.waitForFunction((m) => window.__gaze!.frameCount() >= m + 1, n);
  const next = await page.evaluate((m) => window.__gaze!.frame(m + 1), n);
  const want = expectedHit(-20);
  expect(want[0]).toBeGreaterThan(0.7);
  expect(next!.source).toBe('head');
  expect(next!.raw![0]).toBeCloseTo(want[0], 3); // the very next frame already has the new hit
  expect(next!.raw![1]).toBeCloseTo(0.5, 3);

  // The smoothed focus heads there: monotonically, never past the shaped target (critically damped).
  const target = shaped(want);
  await page.waitForFunction((u) => window.__gaze!.state()!.focus[0] > u - 0.01, target[0], { timeout: 30_000 });
  const end = await page.evaluate(() => window.__gaze!.frameCount());
  const track = await page.evaluate(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => window.__gaze!.frame(a + i)), [n, end]);
  let prev = -Infinity;
  for (const f of track) {
    if (!f) continue;
    expect(f.focus[0]).toBeGreaterThanOrEqual(prev - 1e-12);
    expect(f.focus[0]).toBeLessThanOrEqual(target[0] + 1e-9);
    prev = f.focus[0];
  }

  // IWER's remote control works the same way: look left.
  await page.evaluate(() => window.__gaze!.device.remote.dispatch('set_transform', { device: 'headset', orientation: { yaw: 15 } }));
  await page.waitForFunction((u) => Math.abs(window.__gaze!.state()!.raw![0] - u) < 1e-3, expectedHit(15)[0]);
});

test('a moving controller steers, its select toggles focus lock, a resting one hands back to the head', async ({ page }) => {
  await openHarness(page);
  await enterVR(page);
  expect((await state(page)).source).toBe('head');

  // Point the right controller 25° left of straight ahead: it moved more than 2°, so it takes over.
  await page.evaluate(() => {
    const half = (25 * Math.PI) / 360;
    window.__gaze!.device.controllers.right!.quaternion.set(0, Math.sin(half), 0, Math.cos(half));
  });
  await page.waitForFunction(() => window.__gaze!.state()!.source === 'controller');
  const c = await state(page);
  expect(c.raw![0]).toBeLessThan(0.35); // left of centre, where the head is not looking

  // Trigger press → select → locked. The focus stops where it was.
  await page.evaluate(() => window.__gaze!.device.controllers.right!.updateButtonValue('trigger', 1));
  await page.waitForFunction(() => window.__gaze!.state()!.locked);
  await page.evaluate(() => window.__gaze!.device.controllers.right!.updateButtonValue('trigger', 0));
  const lockedAt = (await state(page)).focus;
  // Turn the head far right and let the controller rest: the raw hit moves, the focus does not.
  await page.evaluate(() => window.__gaze!.device.remote.dispatch('set_transform', { device: 'headset', orientation: { yaw: -25 } }));
  await page.waitForFunction(() => { const s = window.__gaze!.state()!; return s.source === 'head' && s.raw![0] > 0.75; }, undefined, { timeout: 30_000 });
  await frames(page, 5);
  const held = await state(page);
  expect(held.locked).toBe(true);
  expect(held.focus[0]).toBeCloseTo(lockedAt[0], 9);
  expect(held.focus[1]).toBeCloseTo(lockedAt[1], 9);

  // Press again → unlocked → the focus follows the head to the right.
  await page.evaluate(() => window.__gaze!.device.controllers.right!.updateButtonValue('trigger', 1));
  await page.waitForFunction(() => !window.__gaze!.state()!.locked);
  await page.evaluate(() => window.__gaze!.device.controllers.right!.updateButtonValue('trigger', 0));
  await page.waitForFunction((u) => window.__gaze!.state()!.focus[0] > u + 0.1, lockedAt[0]);
});

test('Vision Pro transient-pointer (shim): the ray at selectstart sets the focus, the pinch drags it, selectend releases', async ({ page }) => {
  await openHarness(page);
  await enterVR(page);
  await page.evaluate(() => window.__gaze!.transient.start(20, 10)); // looking up-left when the pinch starts
  await page.waitForFunction(() => window.__gaze!.state()!.source === 'transient-pointer');
  const start = await state(page);
  const want = expectedHit(20, 10);
  expect(start.raw![0]).toBeCloseTo(want[0], 3);
  expect(start.raw![1]).toBeCloseTo(want[1], 3);
  expect(start.raw![1]).toBeLessThan(0.4); // up is v < 0.5 (image rows top first)

  // Drag: the hand moves, the ray follows, the focus follows the ray.
  await page.evaluate(() => window.__gaze!.transient.move(-20, -5));
  const dragged = expectedHit(-20, -5);
  await page.waitForFunction((u) => Math.abs(window.__gaze!.state()!.raw![0] - u) < 1e-3, dragged[0]);
  await page.waitForFunction((u) => window.__gaze!.state()!.focus[0] > u - 0.02, shaped(dragged)[0], { timeout: 30_000 });

  await page.evaluate(() => window.__gaze!.transient.end());
  await page.waitForFunction(() => window.__gaze!.state()!.source === 'head');
  expect((await state(page)).locked).toBe(false); // the pinch's own select does not toggle the lock
});

test('mouse hover steers the flat preview; a drag looks around instead; focus changes are throttled', async ({ page }) => {
  await openHarness(page);
  const box = (await page.locator('canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.3);
  await page.waitForFunction(() => window.__gaze!.state()!.source === 'mouse');
  const a = await state(page);
  expect(a.raw![0]).toBeLessThan(0.5);
  expect(a.raw![1]).toBeLessThan(0.5);
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.7, { steps: 3 });
  await page.waitForFunction(() => { const r = window.__gaze!.state()!.raw; return !!r && r[0] > 0.5 && r[1] > 0.5; });
  const hover = (await state(page)).raw!;
  await page.waitForFunction(([u, v]) => { const f = window.__gaze!.state()!.focus; return Math.hypot(f[0] - u, f[1] - v) < 0.003; }, shaped(hover));
  await page.screenshot({ path: test.info().outputPath('gaze-flat-hover.png') }); // marker settled near the pointer

  // Drag: the camera turns (look.ts) and the focus is not steered meanwhile.
  const yaw0 = await page.evaluate(() => window.__gaze!.viewer.camera.rotation.y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.7, { steps: 4 });
  await frames(page, 2);
  const dragging = await state(page);
  expect(dragging.source).toBe('none');
  expect(dragging.raw).toBeNull();
  await page.mouse.up();
  expect(await page.evaluate(() => window.__gaze!.viewer.camera.rotation.y)).toBeGreaterThan(yaw0 + 0.3);

  const events = await page.evaluate(() => window.__gaze!.focusEvents());
  expect(events.length).toBeGreaterThan(1);
  for (let i = 1; i < events.length; i++) {
    expect(Math.hypot(events[i][0] - events[i - 1][0], events[i][1] - events[i - 1][1])).toBeGreaterThan(0.005);
  }
  const count = await page.evaluate(() => window.__gaze!.frameCount());
  expect(events.length).toBeLessThan(count); // throttled: fewer emits than frames
});

test('screenshot: the focus marker on the dream screen in both eyes', async ({ page }) => {
  await openHarness(page);
  await enterVR(page);
  await page.evaluate(() => window.__gaze!.device.remote.dispatch('set_transform', { device: 'headset', orientation: { yaw: -12, pitch: 6 } }));
  const want = shaped(expectedHit(-12, 6));
  await page.waitForFunction(([u, v]) => { const f = window.__gaze!.state()!.focus; return Math.abs(f[0] - u) < 0.005 && Math.abs(f[1] - v) < 0.005; }, want, { timeout: 30_000 });
  await page.screenshot({ path: test.info().outputPath('gaze-marker-xr.png') });
  // Lock it: the marker turns amber.
  await page.evaluate(() => window.__gaze!.gaze.setLocked(true));
  await frames(page, 2);
  await page.screenshot({ path: test.info().outputPath('gaze-marker-xr-locked.png') });
});
