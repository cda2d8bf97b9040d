import { test, expect, type Page, type Route } from '@playwright/test';
import { PNG } from 'pngjs';
import { blackPng } from '../fixtures/images';
import type {} from '../../src/app/testApi';

// Bad input never crashes the viewer: each case gets a clear on-page message and a working fallback
// (the previous seed, another recipe, flat stereo, the automatic backend, the flat preview).

const keyframes = async (page: Page) => Number((await page.getByTestId('status').textContent())?.match(/keyframe (\d+)/)?.[1] ?? 0);
const alerts = (page: Page) => page.getByRole('alert');
const hooks = (page: Page) => page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });

/** Uncaught page errors: none of these cases may throw. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** The displayed zoom window's width (1 = a keyframe's full view; shrinks while zooming). */
const zoomWidth = (page: Page) => page.evaluate(() => window.__dreamGoggles!.playback().current.w);

test('bad seed files: empty, not an image, SVG, truncated JPEG, 16000×16000 PNG, damaged data — a message each, the dream goes on with its seed', async ({ page }) => {
  const errors = pageErrors(page);
  await page.goto('./?emulate=quest3&testHooks=1&backend=wasm&size=48&seed=rings', { waitUntil: 'commit' });
  await hooks(page);
  await expect.poll(() => keyframes(page), { timeout: 90_000 }).toBeGreaterThan(0);
  const seedBefore = await page.evaluate(() => window.__dreamGoggles!.controls().state.seed);
  expect(seedBefore).toBe('rings');

  // Real files made here: a JPEG from the browser's encoder, cut in half; a real 16000×16000 PNG (32 KB);
  // a PNG whose header and end are right but whose pixel data is noise.
  const jpeg = Buffer.from(await page.evaluate(async () => {
    const c = new OffscreenCanvas(64, 48);
    const g = c.getContext('2d')!;
    g.fillStyle = '#c83'; g.fillRect(0, 0, 64, 48); g.fillStyle = '#38c'; g.fillRect(10, 10, 30, 20);
    return [...new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer())];
  }));
  const good = new PNG({ width: 32, height: 32 });
  good.data.fill(200);
  const damaged = PNG.sync.write(good);
  const idat = damaged.indexOf('IDAT');
  for (let i = idat + 4; i < damaged.length - 16; i++) damaged[i] = (i * 151) & 0xff; // zlib stream → noise

  const cases: { name: string; mimeType: string; buffer: Buffer; message: string | RegExp }[] = [
    { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0), message: 'empty.png is empty.' },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('shopping list: eggs, milk'), message: 'notes.txt is not a JPEG, PNG or WebP image.' },
    { name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'), message: 'logo.svg is an SVG drawing; the dream needs a photo-like image (JPEG, PNG or WebP).' },
    { name: 'cut.jpg', mimeType: 'image/jpeg', buffer: jpeg.subarray(0, Math.floor(jpeg.length / 2)), message: 'cut.jpg is cut off (an incomplete JPEG); try saving or downloading it again.' },
    { name: 'huge.png', mimeType: 'image/png', buffer: blackPng(16000, 16000), message: 'huge.png is 16000×16000 pixels (256 megapixels), too large to decode safely here; scale it to at most 64 megapixels and drop it again.' },
    { name: 'noise.png', mimeType: 'image/png', buffer: damaged, message: /noise\.png (could not be decoded|looks like a PNG but its header is damaged)/ },
  ];
  for (const c of cases) {
    await page.getByTestId('seed-file').setInputFiles({ name: c.name, mimeType: c.mimeType, buffer: c.buffer });
    await expect(alerts(page), c.name).toContainText(c.message);
    expect(await page.evaluate(() => window.__dreamGoggles!.controls().state.seed), c.name).toBe('rings');
  }
  // Dropped rather than picked: the same checks.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'dropped.svg', { type: 'image/svg+xml' }));
    document.documentElement.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(alerts(page)).toContainText('dropped.svg is an SVG drawing');

  // The dream never stopped: more keyframes, no engine error, and the same seed.
  const n = await keyframes(page);
  await expect.poll(() => keyframes(page), { timeout: 60_000 }).toBeGreaterThan(n);
  await expect(alerts(page)).not.toContainText('Dream engine');
  // Large but acceptable (12000×3000, 36 MP): the decoder scales it down; it becomes the seed.
  await page.getByTestId('seed-file').setInputFiles({ name: 'wide.png', mimeType: 'image/png', buffer: blackPng(12000, 3000) });
  await expect(alerts(page)).toContainText('wide.png (stays on this device', { timeout: 60_000 });
  // A good file after all that still works.
  await page.getByTestId('seed-file').setInputFiles({ name: 'ok.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  await expect(alerts(page)).toContainText('ok.jpg (stays on this device');
  await page.screenshot({ path: test.info().outputPath('bad-seed-files.png') });
  expect(errors).toEqual([]);
});

/** Serve the app with one request answered differently (route covers the worker's fetches too). */
async function serveBroken(page: Page, pattern: string | RegExp, answer: (route: Route) => Promise<void>): Promise<void> {
  await page.context().route(pattern, answer);
}

test('models/manifest.json missing or malformed: the message names the file, the seed keeps zooming', async ({ page }) => {
  const errors = pageErrors(page);
  for (const [label, answer, message] of [
    ['missing', (r: Route) => r.fulfill({ status: 404, body: 'not here' }), /Dream engine: models\/manifest\.json is missing \(HTTP 404 for http:\/\/localhost:\d+\/models\/manifest\.json\)/],
    ['malformed', (r: Route) => r.fulfill({ status: 200, contentType: 'application/json', body: '{"models": [ {"id": "x",' }), /Dream engine: models\/manifest\.json is not valid JSON \(/],
    ['wrong shape', (r: Route) => r.fulfill({ status: 200, contentType: 'application/json', body: '{"models": {"id": "x"}}' }), 'Dream engine: models/manifest.json is invalid: "models" must be an array'],
  ] as const) {
    await page.context().unrouteAll();
    await serveBroken(page, '**/models/manifest.json', answer);
    await page.goto('./?emulate=quest3&testHooks=1&backend=wasm&size=48&seed=waves', { waitUntil: 'commit' });
    await hooks(page);
    await expect(alerts(page), label).toContainText(message);
    await expect(page.getByTestId('status')).toContainText('no dream network (see the message) · the seed keeps zooming');
    // Fallback: the seed is on screen and keeps zooming (the stereo playback runs without keyframes).
    await page.waitForFunction(() => window.__dreamGoggles!.playback().hasKeyframe);
    const w0 = await zoomWidth(page);
    await expect.poll(() => zoomWidth(page), { timeout: 10_000 }).toBeLessThan(w0 * 0.98);
    expect(await keyframes(page)).toBe(0);
  }
  await page.screenshot({ path: test.info().outputPath('manifest-broken.png') });
  expect(errors).toEqual([]);
});

test('broken dream models (truncated shard, missing file, wrong feed node, missing layer) and a missing depth model: another recipe dreams, flat stereo, each said', async ({ page }) => {
  const errors = pageErrors(page);
  // crowds → movenet: its shard is cut; objects → nanodet: its file is missing; faces → posenet: its feed node
  // does not exist; textures → centernet: its layer does not exist. figures → blazepose is whole.
  await page.context().route('**/models/manifest.json', async (route) => {
    const res = await route.fetch();
    const m = (await res.json()) as { models: { id: string; file: string; feed: string; nodes: Record<string, string> }[] };
    for (const e of m.models) {
      if (e.id === 'nanodet') e.file = 'nanodet-gone.json';
      if (e.id === 'posenet') e.feed = 'no_such_feed';
      if (e.id === 'centernet') e.nodes.ec13_expand = 'no/such/layer';
    }
    await route.fulfill({ response: res, json: m });
  });
  await page.context().route('**/models/human/movenet-lightning.bin', async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, body: (await res.body()).subarray(0, 100_000) });
  });
  await page.context().route('**/models/depth/model.json', (route) => route.fulfill({ status: 404, body: '' }));

  await page.goto('./?emulate=quest3&testHooks=1&backend=wasm&size=48', { waitUntil: 'commit' });
  await hooks(page);
  await expect(alerts(page)).toContainText(
    /The 'crowds' dream could not start: model movenet-lightning: weight shards truncated: movenet-lightning\.bin \(100000 bytes\) hold 100000 bytes, movenet-lightning\.json needs 4650216\. Dreaming 'figures' instead\./,
    { timeout: 90_000 },
  );
  await expect.poll(() => keyframes(page), { timeout: 90_000 }).toBeGreaterThan(1);
  // The panel and the share link say what is dreaming, not what was asked for.
  expect(await page.evaluate(() => window.__dreamGoggles!.controls().state.recipe)).toBe('figures');
  expect(new URL(page.url()).searchParams.get('recipe')).toBe('figures');
  await expect(page.getByTestId('status')).toContainText('flat (no depth yet)');
  await expect(alerts(page)).toContainText(/depth model not loaded \(.*models\/depth\/model\.json.*\); the dream is shown without stereo depth/);

  // Choosing a broken recipe later (the panel): the message names the file; the running dream goes on.
  const recipeSelect = page.getByTestId('panel').getByRole('combobox', { name: 'recipe' });
  await recipeSelect.selectOption({ label: 'objects' });
  // (vite preview answers a missing file with its index.html, so here it is "not a model file", not a 404)
  await expect(alerts(page)).toContainText(/Dream engine: model: .*models\/human\/nanodet-gone\.json/);
  await recipeSelect.selectOption({ label: 'faces' });
  await expect(alerts(page)).toContainText("Dream engine: model posenet: feed node 'no_such_feed' is not in the graph of posenet.json");
  await recipeSelect.selectOption({ label: 'textures' });
  await expect(alerts(page)).toContainText("Dream engine: recipe 'textures': unknown node 'no/such/layer' in model 'centernet'");
  const n = await keyframes(page);
  await expect.poll(() => keyframes(page), { timeout: 60_000 }).toBeGreaterThan(n);
  await page.screenshot({ path: test.info().outputPath('models-broken.png') });
  expect(errors).toEqual([]);
});

test('every dream model broken: the error names the file, the seed keeps zooming', async ({ page }) => {
  const errors = pageErrors(page);
  await page.context().route('**/models/human/*.bin', (route) => route.fulfill({ status: 200, body: Buffer.alloc(64) }));
  await page.goto('./?emulate=quest3&testHooks=1&backend=wasm&size=48&seed=dusk', { waitUntil: 'commit' });
  await hooks(page);
  await expect(alerts(page)).toContainText(
    /Dream engine: no dream network could start \(5 recipes tried\); 'crowds': model movenet-lightning: weight shards truncated: movenet-lightning\.bin \(64 bytes\)/,
    { timeout: 90_000 },
  );
  await expect(page.getByTestId('status')).toContainText('no dream network (see the message) · the seed keeps zooming');
  const w0 = await zoomWidth(page);
  await expect.poll(() => zoomWidth(page), { timeout: 10_000 }).toBeLessThan(w0 * 0.98);
  expect(errors).toEqual([]);
});

test('an unknown ?backend= is said on the page, and nothing breaks', async ({ page }) => {
  const errors = pageErrors(page);
  await page.goto('./?emulate=quest3&testHooks=1&backend=foo&size=32&seed=rings', { waitUntil: 'commit' });
  await hooks(page);
  await expect(alerts(page)).toContainText("unknown backend 'foo' (use one of webgpu, webgl, wasm, cpu, auto): choosing a backend automatically.");
  await expect(page.getByTestId('vr-button')).toHaveText('ENTER VR');
  await page.waitForFunction(() => window.__dreamGoggles!.playback().hasKeyframe); // the seed is up meanwhile
  expect(errors).toEqual([]);
});

// The automatic choice itself, in the worker harness (same DreamClient and worker): in the app, this
// machine's SwiftShader WebGL warm-up competes with the page's own rendering and takes minutes.
test('an unknown or unavailable ?backend= falls back to the automatic choice, with a notice', async ({ page }) => {
  type Rec = { keyframes: number; errors: string[]; events: { type: string; message?: string; backend?: string; timingsMs?: Record<string, number>; skipped?: Record<string, string> }[] };
  const rec = (p: Page) => p.evaluate(() => (window as unknown as { __dream?: Rec }).__dream);
  await page.goto('harness/dream-worker.html?backend=foo&size=32&recipe=faces', { waitUntil: 'commit' });
  await expect.poll(async () => (await rec(page))?.keyframes ?? 0, { timeout: 110_000 }).toBeGreaterThan(0);
  let r = (await rec(page))!;
  expect(r.errors).toEqual([]);
  expect(r.events.find((e) => e.type === 'notice')?.message).toBe("unknown backend 'foo' (use one of webgpu, webgl, wasm, cpu, auto): choosing a backend automatically.");
  const ready = r.events.find((e) => e.type === 'ready')!;
  // the automatic choice: several candidates timed, or timed and named as skipped (WebGL on SwiftShader here)
  expect(Object.keys(ready.timingsMs!).length + Object.keys(ready.skipped ?? {}).length).toBeGreaterThan(1);

  // A real name this browser cannot run (headless Chromium here has no WebGPU adapter).
  await page.goto('harness/dream-worker.html?backend=webgpu&size=32&recipe=faces', { waitUntil: 'commit' });
  await expect.poll(async () => (await rec(page))?.keyframes ?? 0, { timeout: 110_000 }).toBeGreaterThan(0);
  r = (await rec(page))!;
  expect(r.errors).toEqual([]);
  expect(r.events.find((e) => e.type === 'notice')?.message).toMatch(/^The 'webgpu' backend (could not start in this browser|cannot run the dream here \(.*\)); choosing one automatically\.$/);
  expect(r.events.find((e) => e.type === 'ready')?.backend).not.toBe('webgpu');
});

test('no WebGL2: a message says what is needed, and nothing throws', async ({ page }) => {
  const errors = pageErrors(page);
  await page.addInitScript(() => {
    const real = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, id: string, ...rest: unknown[]) {
      return id === 'webgl2' ? null : (real as (...a: unknown[]) => unknown).call(this, id, ...rest);
    } as typeof real;
  });
  await page.goto('./?emulate=quest3', { waitUntil: 'commit' });
  await expect(alerts(page)).toContainText('This viewer needs WebGL2, which this browser or its graphics driver does not provide.');
  await expect(page.getByTestId('status')).toHaveText('no WebGL2');
  await expect(page.getByTestId('vr-button')).toHaveText('VR NOT SUPPORTED');
  expect(errors).toEqual([]);
});

/** Is the flat preview showing a picture (not a blank canvas)? Spread of grey levels over a screenshot of it. */
async function previewShowsPicture(page: Page): Promise<boolean> {
  const shot = PNG.sync.read(await page.locator('canvas').first().screenshot());
  let min = 255, max = 0;
  for (let i = 0; i < shot.data.length; i += 4 * 97) { const v = shot.data[i + 1]; min = Math.min(min, v); max = Math.max(max, v); }
  return max - min > 40;
}

test('no WebXR: the button and a message say so; the flat preview shows the seed', async ({ page }) => {
  const errors = pageErrors(page);
  await page.addInitScript(() => { delete (Navigator.prototype as { xr?: unknown }).xr; });
  await page.goto('./?emulate=off&testHooks=1&dream=off&seed=rings', { waitUntil: 'commit' });
  await expect(page.getByTestId('vr-button')).toHaveText('WEBXR NOT AVAILABLE');
  await expect(alerts(page)).toContainText('This browser has no WebXR. The flat preview still works');
  await expect.poll(() => previewShowsPicture(page), { timeout: 20_000 }).toBe(true);
  await page.screenshot({ path: test.info().outputPath('no-webxr.png') });
  expect(errors).toEqual([]);
});

test('plain HTTP on a LAN address: the page explains HTTPS (and does not fake a headset)', async ({ page, baseURL }) => {
  const errors = pageErrors(page);
  const lan = 'http://192.168.1.50:8080';
  // Serve the same build under a LAN address: Chromium treats it as an insecure context, as a headset would.
  await page.context().route(`${lan}/**`, async (route) => {
    const res = await route.fetch({ url: route.request().url().replace(lan, new URL(baseURL!).origin) });
    await route.fulfill({ response: res });
  });
  await page.goto(`${lan}/?testHooks=1&dream=off&seed=rings`, { waitUntil: 'commit' });
  expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
  await expect(page.getByTestId('vr-button')).toHaveText('WEBXR NEEDS HTTPS');
  await expect(alerts(page)).toContainText('WebXR needs a secure context: open the viewer over https:// (npm start -- --host serves HTTPS on the LAN) or on localhost.');
  await expect(page.getByTestId('status')).not.toContainText('emulated');
  await expect.poll(() => previewShowsPicture(page), { timeout: 20_000 }).toBe(true);
  expect(errors).toEqual([]);
});
