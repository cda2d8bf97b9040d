import { test, expect, type Page } from '@playwright/test';
import type { TestKeyframe } from '../../src/app/testApi';

// The stereo warp, read back from the emulated headset's framebuffer. Keyframes here are coded:
// R = keyframe column (0..255), G = row, so a read-back pixel says which keyframe point each eye
// shows. With the emulated IPD at 0 both eye cameras coincide and any difference between the
// halves at the same framebuffer point is the warp's disparity.

async function open(page: Page): Promise<void> {
  // xrScale=1: disparities are measured to a fraction of a pixel at the emulated headset's full size (on
  // SwiftShader the page otherwise draws the eyes at half size, where position codes blend across texels).
  await page.goto('./?emulate=quest3&testHooks=1&dream=off&xrScale=1', { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  await page.evaluate(() => window.__dreamGoggles!.headset.setIpd(0));
  await page.getByTestId('vr-button').click();
  await page.waitForFunction(() => window.__dreamGoggles!.state().presenting);
}

/** Installs page-side helpers: coded keyframes with a depth function. */
async function installCoder(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = window as unknown as Record<string, unknown>;
    g.codedKeyframe = (depthOf: (x: number, y: number) => number, stepZoom = 1, reset = true): TestKeyframe => {
      const W = 256, H = 64;
      const data = new Uint8Array(W * H * 4);
      const depth = new Float32Array(W * H);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const o = (y * W + x) * 4;
        data[o] = x; data[o + 1] = y * 4; data[o + 2] = 128; data[o + 3] = 255;
        depth[y * W + x] = depthOf((x + 0.5) / W, (y + 0.5) / H);
      }
      return { image: { data, width: W, height: H }, depth: { data: depth, width: W, height: H }, stepZoom, focus: [0.5, 0.5], reset };
    };
  });
}

/**
 * A finer code for sub-pixel measurements: a 1024-texel-wide keyframe, R = x / 4 (coarse), and G, B two
 * triangle waves of period 8 texels a quarter period apart (fine phase). Bilinear filtering of a
 * piecewise-linear wave with knots at texel centres is exact, so the decoded position is continuous.
 */
const FINE_W = 1024;

/**
 * Installs the fine code in the page: `fineKeyframe(depth(x, y), stepZoom, reset)` (x, y in texels of a
 * FINE_W × 16 keyframe) and `fineDecode(r, g, b)` → keyframe x in texels (texel centres at k + 0.5), or null off
 * the screen (the dark room: on screen g + b ≥ 150).
 */
async function installFineCoder(page: Page): Promise<void> {
  await page.evaluate((W) => {
    const H = 16;
    const tri = (p: number) => 60 * (4 - Math.abs((((p % 8) + 8) % 8) - 4)) + 15; // 15..255
    const g = window as unknown as Record<string, unknown>;
    g.fineKeyframe = (depthOf: (x: number, y: number) => number, stepZoom = 1, reset = true): TestKeyframe => {
      const data = new Uint8Array(W * H * 4);
      const depth = new Float32Array(W * H);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const o = (y * W + x) * 4;
        data[o] = x >> 2; data[o + 1] = tri(x); data[o + 2] = tri(x + 2); data[o + 3] = 255;
        depth[y * W + x] = depthOf(x, y);
      }
      return { image: { data, width: W, height: H }, depth: { data: depth, width: W, height: H }, stepZoom, focus: [0.5, 0.5], reset };
    };
    g.fineDecode = (r: number, gr: number, b: number): number | null => {
      if (gr + b < 120) return null;
      const dg = 4 - (gr - 15) / 60; // |p − 4|: two candidate phases; B (a quarter period on) picks one
      const p = Math.abs(tri(4 - dg + 2) - b) <= Math.abs(tri(4 + dg + 2) - b) ? 4 - dg : 4 + dg;
      // texel-centre coordinate: X = 8k + p + 0.5 nearest to the coarse estimate R·4 + 2 (±2 texels)
      return 8 * Math.round((r * 4 + 2 - p - 0.5) / 8) + p + 0.5;
    };
  }, FINE_W);
}

/** Decodes read-back pixels with the page's fineDecode. */
const decodeAll = (page: Page, px: number[][]) =>
  page.evaluate((q) => q.map((c) => (window as unknown as { fineDecode: (r: number, g: number, b: number) => number | null }).fineDecode(c[0], c[1], c[2])), px);

test('a synthetic depth step gives the expected per-eye disparity within 1 px, near covering far, holes filled with background', async ({ page }) => {
  await open(page);
  const K = 0.06; // disparity per unit depth, screen uv
  await installFineCoder(page);
  await page.evaluate(({ k, W }) => {
    const h = window.__dreamGoggles!;
    const fineKeyframe = (window as unknown as { fineKeyframe: (d: (x: number, y: number) => number, stepZoom?: number, reset?: boolean) => TestKeyframe }).fineKeyframe;
    h.pushKeyframe(fineKeyframe((x) => (x < W / 2 ? 0 : 1))); // near left half, far right half
    h.setPlayback({ paused: true, logSpeed: 0 });
    h.overrideComfort({ z0: 0.5, scale: k });
  }, { k: K, W: FINE_W });
  const n = 200;
  const fx = (i: number) => 0.12 + (0.26 * i) / n;
  const pts: [number, number][] = [];
  for (let i = 0; i < n; i++) pts.push([fx(i), 0.5]);
  for (let i = 0; i < n; i++) pts.push([fx(i) + 0.5, 0.5]);
  // the override is in the uniforms, and two more frames have been drawn with it
  await page.waitForFunction((k) => window.__dreamGoggles!.uniforms().scale === k, K);
  await page.waitForFunction((c) => window.__dreamGoggles!.state().frameCount > c, (await page.evaluate(() => window.__dreamGoggles!.state().frameCount)) + 2);
  const px = await page.evaluate((p) => window.__dreamGoggles!.readPixels(p), pts);
  const fbWidth = (await page.evaluate(() => window.__dreamGoggles!.state())).width;
  const codes = await decodeAll(page, px);
  const L = codes.slice(0, n), R = codes.slice(n);
  // Keyframe texels per framebuffer pixel, from the left eye's smooth near region.
  const nearIdx = L.map((v, i) => (v !== null && v < FINE_W / 2 - 60 ? i : -1)).filter((i) => i >= 0);
  const i0 = nearIdx[0], i1 = nearIdx[nearIdx.length - 1];
  const texelsPerPx = (L[i1]! - L[i0]!) / ((fx(i1) - fx(i0)) * fbWidth);
  expect(texelsPerPx).toBeGreaterThan(0.5);
  const expected = K * 0.5 * FINE_W; // |L − R| in keyframe texels: disparity K·(z0 − d) with z0 − d = ±0.5
  let near = 0, far = 0, holes = 0, worstPx = 0;
  for (let i = 0; i < n; i++) {
    const l = L[i], r = R[i];
    if (l === null || r === null) continue; // off the screen
    const avg = (l + r) / 2;
    if (avg < FINE_W / 2 - 40) { near++; worstPx = Math.max(worstPx, Math.abs(l - r + expected) / texelsPerPx); }
    else if (avg > FINE_W / 2 + 40) { far++; worstPx = Math.max(worstPx, Math.abs(l - r - expected) / texelsPerPx); }
    // Left eye: the near half moves right over the far half (occlusion). Right eye: the near half
    // moves left and uncovers a gap, which must show far (background) content, not near.
    if (l > FINE_W / 2 - 14 && l < FINE_W / 2 - 2) { holes++; expect(r).toBeGreaterThanOrEqual(FINE_W / 2); }
  }
  console.log('depth step', JSON.stringify({ near, far, holes, worstPx, texelsPerPx, expectedPx: expected / texelsPerPx }));
  expect(near).toBeGreaterThan(20);
  expect(far).toBeGreaterThan(20);
  expect(holes).toBeGreaterThan(0);
  expect(worstPx).toBeLessThanOrEqual(1); // the per-eye disparity is what the depth asks for, within 1 px
  await page.screenshot({ path: test.info().outputPath('depth-step-eyes.png') });
});

test('while two keyframes cross-fade, both are seen through the new one\'s disparity: no edge seen twice', async ({ page }) => {
  await open(page);
  const K = 0.06;
  // The same fine-coded picture twice: the old keyframe all far (d = 1), the new one all near (d = 0).
  // Held half-way through the fade, each eye's pixel is a blend of the two; it decodes to one clean
  // position only when both are sampled at the same point, and the two eyes' positions then differ by
  // the new keyframe's disparity (the old one's has the opposite sign).
  await installFineCoder(page);
  await page.evaluate((k) => {
    const h = window.__dreamGoggles!;
    const fineKeyframe = (window as unknown as { fineKeyframe: (d: (x: number, y: number) => number, stepZoom?: number, reset?: boolean) => TestKeyframe }).fineKeyframe;
    h.setPlayback({ fadeSeconds: 1e6 }); // the fade starts on the next frame and stays where we put it
    h.pushKeyframe(fineKeyframe(() => 1, 1, true));
    h.setPlayback({ paused: true, logSpeed: 0 });
    h.overrideComfort({ z0: 0.5, scale: k });
    h.pushKeyframe(fineKeyframe(() => 0, 1, false));
  }, K);
  await page.waitForFunction(() => window.__dreamGoggles!.playback().previousSlot >= 0);
  await page.evaluate(() => window.__dreamGoggles!.setPlayback({ fade: 0.5 }));
  await page.waitForFunction((c) => window.__dreamGoggles!.state().frameCount > c, (await page.evaluate(() => window.__dreamGoggles!.state().frameCount)) + 2);
  expect(await page.evaluate(() => window.__dreamGoggles!.uniforms().fade)).toBeCloseTo(0.5, 3);
  const n = 100;
  const pts: [number, number][] = [];
  for (let i = 0; i < n; i++) pts.push([0.15 + (0.2 * i) / n, 0.5]);
  for (let i = 0; i < n; i++) pts.push([0.65 + (0.2 * i) / n, 0.5]);
  const px = await page.evaluate((p) => window.__dreamGoggles!.readPixels(p), pts);
  const fbWidth = (await page.evaluate(() => window.__dreamGoggles!.state())).width;
  const codes = await decodeAll(page, px);
  const L = codes.slice(0, n), R = codes.slice(n);
  const ok = L.map((l, i) => (l !== null && R[i] !== null ? i : -1)).filter((i) => i >= 0);
  expect(ok.length).toBeGreaterThan(50);
  const i0 = ok[0], i1 = ok[ok.length - 1];
  const texelsPerPx = (L[i1]! - L[i0]!) / (((0.2 * (i1 - i0)) / n) * fbWidth);
  expect(texelsPerPx).toBeGreaterThan(0.5);
  const expected = K * 0.5 * FINE_W; // near: L − R = −K·(z0 − 0)·W texels
  let worstPx = 0;
  for (const i of ok) worstPx = Math.max(worstPx, Math.abs(L[i]! - R[i]! + expected) / texelsPerPx);
  console.log('cross-fade', JSON.stringify({ points: ok.length, worstPx, expectedPx: expected / texelsPerPx }));
  expect(worstPx).toBeLessThanOrEqual(1);
});

test('disparity stays inside the 1° budget over 200 frames of zooming, gazing and new keyframes', async ({ page }) => {
  test.setTimeout(300_000); // 200 XR frames with read-backs on SwiftShader
  await open(page);
  await installFineCoder(page);
  const result = await page.evaluate(async (W) => {
    const h = window.__dreamGoggles!;
    // The fine position code of the depth-step test (installFineCoder), made and decoded in the page.
    const { fineKeyframe, fineDecode: decode } = window as unknown as { fineKeyframe: (d: (x: number, y: number) => number, stepZoom: number, reset: boolean) => TestKeyframe; fineDecode: (r: number, g: number, b: number) => number | null };
    const H = 16;
    // a bumpy depth field over the full 0..1 range, different for every keyframe
    const keyframe = (s: number, stepZoom: number, reset: boolean) =>
      fineKeyframe((x, y) => 0.5 + 0.5 * Math.sin((11 * (x + 0.5)) / W + s) * Math.cos((7 * (y + 0.5)) / H + 2 * s), stepZoom, reset);
    h.pushKeyframe(keyframe(0, 1, true));
    const f0 = h.focus();
    h.setFocus(f0.u, f0.v); // a scripted gaze path below
    let seed = 1;
    const timer = setInterval(() => h.pushKeyframe(keyframe(seed++, 1.08, false)), 700);
    const gl = h.gl();
    const px = new Uint8Array(4);
    const fov = 65; // DEFAULT_SCREEN_LAYOUT.horizontalFovDeg
    let maxDeg = 0, frames = 0, samples = 0;
    await new Promise<void>((resolve) => {
      const off = h.onAfterRender(() => {
        const t = frames / 30;
        h.setFocus(0.5 + 0.35 * Math.sin(t), 0.5 + 0.3 * Math.cos(0.7 * t));
        const FW = gl.drawingBufferWidth, FH = gl.drawingBufferHeight;
        const p = h.playback();
        const w = p.current.w;
        // While two keyframes cross-fade a pixel is a blend of two codes: measure only settled frames.
        const settled = p.fade >= 1;
        for (let i = 0; settled && i < 24; i++) {
          const fx = 0.16 + (0.18 * i) / 24;
          const y = Math.floor(FH * (0.4 + 0.2 * ((i * 7) % 24) / 24));
          gl.readPixels(Math.floor(fx * FW), y, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
          const l = decode(px[0], px[1], px[2]);
          gl.readPixels(Math.floor((fx + 0.5) * FW), y, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
          const r = decode(px[0], px[1], px[2]);
          if (l === null || r === null) continue;
          samples++;
          // keyframe texels → fraction of the screen (the window shows w of the keyframe) → degrees
          const deg = (Math.abs(l - r) / W / w) * fov;
          if (deg > maxDeg) maxDeg = deg;
        }
        if (++frames >= 200) { off(); resolve(); }
      });
    });
    clearInterval(timer);
    const c = h.comfort();
    return { maxDeg, samples, z0: c.z0, scale: c.scale, logZoom: h.playback().logZoom };
  }, FINE_W);
  console.log('disparity budget', JSON.stringify(result));
  expect(result.samples).toBeGreaterThan(1000);
  expect(result.scale).toBeGreaterThan(0); // stereo was on
  expect(result.maxDeg).toBeGreaterThan(0.3); // and measurable
  expect(result.maxDeg).toBeLessThanOrEqual(1.02); // the 1° budget (0.02° ≈ 0.15 px of read-back slack)
  expect(result.logZoom).toBeGreaterThan(0);
});

test('the displayed zoom advances smoothly between keyframes: never backwards, never faster than allowed', async ({ page }) => {
  test.setTimeout(300_000); // 150 XR frames on SwiftShader
  await open(page);
  await installCoder(page);
  const r = await page.evaluate(async () => {
    const h = window.__dreamGoggles!;
    const code = (window as unknown as { codedKeyframe: (d: (x: number, y: number) => number, stepZoom?: number, reset?: boolean) => TestKeyframe }).codedKeyframe;
    h.pushKeyframe(code(() => 0.5));
    // Irregular arrivals: bursts and gaps, as a busy worker delivers them.
    const gaps = [150, 600, 80, 80, 900, 300, 120, 1200, 200, 200];
    let i = 0, cum = 1, stopped = false;
    const pushNext = () => {
      if (stopped) return;
      cum *= 1.1;
      h.pushKeyframe(code(() => 0.5, 1.1, false));
      setTimeout(pushNext, gaps[i++ % gaps.length]);
    };
    setTimeout(pushNext, 100);
    const p0 = h.playback();
    const max = p0.config.maxLogSpeed;
    const steps: number[] = [];
    let last = p0.logZoom, lastT = -1, worst = 0, backwards = 0, switches = 0, lastSlot = p0.currentSlot;
    await new Promise<void>((resolve) => {
      const off = h.onFrame((tMs: number) => {
        // measures the step of the frame about to be drawn (the page's own frame work ran before this)
        const p = h.playback();
        const z = p.logZoom;
        if (lastT >= 0) {
          const dt = Math.min(0.1, (tMs - lastT) / 1000);
          const step = z - last;
          steps.push(step);
          if (step < 0) backwards++;
          worst = Math.max(worst, step / Math.max(dt, 1e-3) / max);
        }
        if (p.currentSlot !== lastSlot) { switches++; lastSlot = p.currentSlot; }
        last = z; lastT = tMs;
        if (steps.length >= 150) { off(); resolve(); }
      });
    });
    stopped = true;
    return { backwards, worst, switches, total: h.playback().logZoom, frames: steps.length };
  });
  console.log('zoom smoothness', JSON.stringify(r));
  expect(r.frames).toBe(150);
  expect(r.backwards).toBe(0);
  expect(r.worst).toBeLessThanOrEqual(1.0001);
  expect(r.switches).toBeGreaterThan(0);
  expect(r.total).toBeGreaterThan(0);
});
