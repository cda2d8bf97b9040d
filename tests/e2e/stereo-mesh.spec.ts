import { test, expect, type Page } from '@playwright/test';
import type {} from '../../src/app/testApi';

// The "mesh" stereo method (?stereo=mesh): one depth-displaced screen that both eyes see through
// the emulated headset's own projections. Keyframes carry the sub-pixel position code of
// stereo.spec.ts (R coarse, G/B two quadrature triangle waves), so a read-back pixel says which
// keyframe column each eye sees there. For a keyframe column we find where it appears in each eye
// and turn that into a horizontal angle with the eye camera's projection: angle(left) − angle(right)
// is its vergence. Relative to the undisplaced screen (scale 0) that is the mesh's disparity:
// positive (crossed) = the point appears further left in the right eye than in the left eye.

const FINE_W = 1024;
const IPD = 0.063;
const FOV = 65; // DEFAULT_SCREEN_LAYOUT.horizontalFovDeg = comfort screenFovDeg
const K = 1 / FOV / 0.5; // the whole 1° budget at z0 = 0.5 (the governor's cap)

const tri = (p: number) => 60 * (4 - Math.abs((((p % 8) + 8) % 8) - 4)) + 15; // 15..255
function decodeFine(r: number, g: number, b: number): number | null {
  if (g + b < 120) return null; // the dark room, not the screen
  const coarse = r * 4 + 2;
  const dg = 4 - (g - 15) / 60;
  let best = 0, bestErr = Infinity;
  for (const p of [4 - dg, 4 + dg]) {
    const err = Math.abs(tri(p + 2) - b);
    if (err < bestErr) { bestErr = err; best = p; }
  }
  const k = Math.round((coarse - best - 0.5) / 8);
  return 8 * k + best + 0.5;
}

async function open(page: Page, search: string): Promise<void> {
  // xrScale=1: the vergence is measured to a fraction of a pixel, at the emulated headset's full size
  // (on SwiftShader the page would otherwise draw the eyes at half size).
  await page.goto(`./?emulate=quest3&testHooks=1&dream=off&xrScale=1&${search}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  await page.evaluate((ipd) => window.__dreamGoggles!.headset.setIpd(ipd), IPD);
  await page.getByTestId('vr-button').click();
  await page.waitForFunction(() => window.__dreamGoggles!.state().presenting);
}

/** Near third (depth 0), middle third at z0 (0.5), far third (1). */
async function pushSteps(page: Page): Promise<void> {
  await page.evaluate((W) => {
    const h = window.__dreamGoggles!;
    const H = 16;
    const tri = (p: number) => 60 * (4 - Math.abs((((p % 8) + 8) % 8) - 4)) + 15;
    const data = new Uint8Array(W * H * 4);
    const depth = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      data[o] = x >> 2; data[o + 1] = tri(x); data[o + 2] = tri(x + 2); data[o + 3] = 255;
      depth[y * W + x] = x < W / 3 ? 0 : x < (2 * W) / 3 ? 0.5 : 1;
    }
    h.pushKeyframe({ image: { data, width: W, height: H }, depth: { data: depth, width: W, height: H }, stepZoom: 1, focus: [0.5, 0.5], reset: true });
    h.setPlayback({ paused: true, logSpeed: 0 });
  }, FINE_W);
}

/** Sets the disparity scale, waits two frames drawn with it, and measures each target column's vergence (degrees). */
async function measure(page: Page, scale: number, targets: number[]): Promise<{ vergence: (number | null)[]; fbWidth: number }> {
  await page.evaluate((k) => window.__dreamGoggles!.overrideComfort({ z0: 0.5, scale: k }), scale);
  await page.waitForFunction((k) => window.__dreamGoggles!.uniforms().scale === k, scale);
  await page.waitForFunction((c) => window.__dreamGoggles!.state().frameCount > c, (await page.evaluate(() => window.__dreamGoggles!.state().frameCount)) + 2);
  const { width: FW } = await page.evaluate(() => window.__dreamGoggles!.state());
  const half = Math.floor(FW / 2);
  const pts: [number, number][] = [];
  for (let x = 0; x < FW; x++) pts.push([(x + 0.5) / FW, 0.5]);
  const px = await page.evaluate((p) => window.__dreamGoggles!.readPixels(p), pts);
  // The eye cameras' projections: horizontal angle of an eye-viewport x.
  const proj = await page.evaluate(() => window.__dreamGoggles!.eyes().map((c) => [c.projection[0], c.projection[8]] as [number, number]));
  const angleOf = (eye: number, xInEye: number) => {
    const ndc = (2 * xInEye) / half - 1;
    return (Math.atan((ndc + proj[eye][1]) / proj[eye][0]) * 180) / Math.PI;
  };
  const codes = [0, 1].map((eye) => px.slice(eye * half, eye * half + half).map((p) => decodeFine(p[0], p[1], p[2])));
  // Where the column X appears in an eye: the sub-pixel crossing of the decoded code.
  const where = (eye: number, X: number): number | null => {
    const c = codes[eye];
    for (let i = 0; i + 1 < c.length; i++) {
      const a = c[i], b = c[i + 1];
      if (a === null || b === null || b - a <= 0 || b - a > 6) continue; // off screen, or a wall between depths
      if (a <= X && X < b) return angleOf(eye, i + 0.5 + (X - a) / (b - a));
    }
    return null;
  };
  const vergence = targets.map((X) => {
    const l = where(0, X), r = where(1, X);
    return l === null || r === null ? null : l - r;
  });
  return { vergence, fbWidth: FW };
}

test('mesh method: a depth step gives crossed disparity in front, uncrossed behind, none at the gaze depth, within the 1° budget', async ({ page }) => {
  test.setTimeout(180_000);
  await open(page, 'stereo=mesh');
  expect(await page.evaluate(() => window.__dreamGoggles!.state().displacedShown)).toBe(true);
  await pushSteps(page);
  // keyframe columns in the middle of each third, and two more each side of the centre
  const targets = [FINE_W / 6, FINE_W / 6 + 40, FINE_W / 2 - 40, FINE_W / 2 + 40, (5 * FINE_W) / 6, (5 * FINE_W) / 6 - 40];
  const flat = await measure(page, 0, targets);
  await page.screenshot({ path: test.info().outputPath('mesh-flat-eyes.png') });
  const deep = await measure(page, K, targets);
  await page.screenshot({ path: test.info().outputPath('mesh-depth-eyes.png') });
  const rel = deep.vergence.map((v, i) => (v === null || flat.vergence[i] === null ? null : v - flat.vergence[i]!));
  console.log('mesh disparity', JSON.stringify({ fbWidth: flat.fbWidth, flat: flat.vergence, deep: deep.vergence, relativeDeg: rel }));
  for (const v of [...flat.vergence, ...rel]) expect(v).not.toBeNull();
  const [n1, n2, m1, m2, f1, f2] = rel as number[];
  // Flat: the undisplaced screen's own vergence (b/D at 2.5 m ≈ 1.44°, a little less off centre).
  for (const v of flat.vergence as number[]) { expect(v).toBeGreaterThan(1.2); expect(v).toBeLessThan(1.5); }
  // The near third comes forward: crossed, i.e. further left in the right eye than in the left eye.
  for (const v of [n1, n2]) { expect(v).toBeGreaterThan(0.6); expect(v).toBeLessThanOrEqual(1.03); }
  // The far third goes back: uncrossed, within the budget.
  for (const v of [f1, f2]) { expect(v).toBeLessThan(-0.6); expect(v).toBeGreaterThanOrEqual(-1.03); }
  // The middle third is at the gaze depth z0: it stays on the screen (zero parallax).
  for (const v of [m1, m2]) expect(Math.abs(v)).toBeLessThan(0.03);
});

test('flat depth in mesh mode makes no disparity: the eyes see exactly the plain screen of the warp method', async ({ page }) => {
  test.setTimeout(180_000);
  const targets = [FINE_W / 6, FINE_W / 2, (5 * FINE_W) / 6];
  // Default method (warp), depth scale 0: both eyes see the undisplaced screen, only its own vergence.
  await open(page, '');
  expect(await page.evaluate(() => window.__dreamGoggles!.state().displacedShown)).toBe(false);
  await pushSteps(page);
  const warp = await measure(page, 0, targets);
  // Mesh method, same depth step, scale 0 (the governor's flat): no disparity added anywhere.
  await open(page, 'stereo=mesh');
  expect(await page.evaluate(() => window.__dreamGoggles!.state().displacedShown)).toBe(true);
  await pushSteps(page);
  const mesh = await measure(page, 0, targets);
  console.log('flat vergence', JSON.stringify({ warp: warp.vergence, mesh: mesh.vergence }));
  for (let i = 0; i < targets.length; i++) {
    expect(warp.vergence[i]).not.toBeNull();
    expect(mesh.vergence[i]).not.toBeNull();
    expect(Math.abs(mesh.vergence[i]! - warp.vergence[i]!)).toBeLessThan(0.01);
  }
});

test('mesh mode keeps the flat preview modes working, the panel switches it live, and a bad method name says so and falls back to the warp', async ({ page }) => {
  test.setTimeout(180_000);
  for (const mode of ['sbs', 'anaglyph', 'mono']) {
    await page.goto(`./?emulate=quest3&testHooks=1&dream=off&stereo=mesh&mode=${mode}`, { waitUntil: 'commit' });
    await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => window.__dreamGoggles!.state().displacedShown)).toBe(true);
    await pushSteps(page);
    await page.evaluate((k) => window.__dreamGoggles!.overrideComfort({ z0: 0.5, scale: k }), K);
    await page.waitForFunction((k) => { const u = window.__dreamGoggles!.uniforms(); return u.angleScale! > 0 && u.scale === k; }, K);
    await page.waitForFunction((c) => window.__dreamGoggles!.state().frameCount > c, (await page.evaluate(() => window.__dreamGoggles!.state().frameCount)) + 2);
    // The screen is drawn (not the dark room) at each shown eye's centre.
    const pts: [number, number][] = mode === 'sbs' ? [[0.25, 0.5], [0.75, 0.5]] : [[0.5, 0.5]];
    const px = await page.evaluate((p) => window.__dreamGoggles!.readPixels(p), pts);
    for (const p of px) expect(p[1] + p[2]).toBeGreaterThan(120);
    if (mode === 'anaglyph') for (const p of px) { expect(p[0]).toBeGreaterThan(0); expect(p[1] + p[2]).toBeGreaterThan(0); }
    await page.screenshot({ path: test.info().outputPath(`mesh-preview-${mode}.png`) });
  }
  // The panel's control switches it live and puts it in the URL (and back).
  await page.goto('./?emulate=quest3&testHooks=1&dream=off', { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  const select = page.getByTestId('panel').getByRole('combobox', { name: 'stereo method' });
  expect(await page.evaluate(() => window.__dreamGoggles!.state().displacedShown)).toBe(false);
  await select.selectOption('mesh');
  expect(await page.evaluate(() => window.__dreamGoggles!.state())).toMatchObject({ displacedShown: true, stereoMethod: 'mesh' });
  await expect.poll(() => new URL(page.url()).searchParams.get('stereo')).toBe('mesh');
  await select.selectOption('warp');
  expect(await page.evaluate(() => window.__dreamGoggles!.state())).toMatchObject({ displacedShown: false, stereoMethod: 'warp' });
  await page.goto('./?emulate=quest3&testHooks=1&dream=off&stereo=wobbly', { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  await expect(page.getByText('Unknown stereo method "wobbly"')).toBeVisible();
  expect(await page.evaluate(() => window.__dreamGoggles!.state().displacedShown)).toBe(false);
});
