import { test, expect, type Page } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import { PNG } from 'pngjs';
import type {} from '../../src/app/testApi';

// The product around the dream: seeds, the panel, capture and the shareable URL. Dream engine off
// (?testHooks=1&dream=off) so these stay short: the stereo screen shows what the controls give it.

async function open(page: Page, query: string): Promise<void> {
  await page.goto(`./?emulate=quest3&testHooks=1&dream=off${query}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
}

/** RGBA at the centre of the flat (mono = left eye) view, next frame. */
const centre = (page: Page) => page.evaluate(async () => (await window.__dreamGoggles!.readPixels([[0.5, 0.5]]))[0]);

function solidPng(w: number, h: number, rgb: [number, number, number]): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) p.data.set([...rgb, 255], i * 4);
  return PNG.sync.write(p);
}

test('an image dropped on the page, or picked with the file input, becomes the seed on screen', async ({ page }) => {
  await open(page, '');
  const before = await centre(page);
  // Drop: a real File in a DataTransfer, as a browser delivers it.
  await page.evaluate(async () => {
    const c = new OffscreenCanvas(96, 64);
    const g = c.getContext('2d')!;
    g.fillStyle = 'rgb(220, 30, 30)';
    g.fillRect(0, 0, 96, 64);
    const blob = await c.convertToBlob({ type: 'image/png' });
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'red.png', { type: 'image/png' }));
    document.documentElement.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => window.__dreamGoggles!.controls().state.seed === 'user');
  await expect(page.getByRole('alert')).toContainText('red.png (stays on this device');
  await expect.poll(async () => (await centre(page))[0], { timeout: 10_000 }).toBeGreaterThan(150);
  const red = await centre(page);
  expect(red[1]).toBeLessThan(90);
  expect(red).not.toEqual(before);

  // File input: a wide blue PNG, centre-cropped to the keyframe.
  await page.getByTestId('seed-file').setInputFiles({ name: 'blue.png', mimeType: 'image/png', buffer: solidPng(120, 40, [20, 40, 230]) });
  await expect.poll(async () => (await centre(page))[2], { timeout: 10_000 }).toBeGreaterThan(150);
  expect((await centre(page))[0]).toBeLessThan(90);

  // A file that is not an image: a clear message, the seed stays.
  await page.getByTestId('seed-file').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just text') });
  await expect(page.getByRole('alert')).toContainText('notes.png is not a JPEG, PNG or WebP image.');
  await page.screenshot({ path: test.info().outputPath('panel.png') });
});

test('a stereo snapshot downloads a side-by-side PNG twice the eye width, and a depth PNG', async ({ page }) => {
  await open(page, '&seed=rings&recipe=faces');
  await page.waitForFunction(() => window.__dreamGoggles!.playback().hasKeyframe);
  const eye = await page.evaluate(() => window.__dreamGoggles!.capture());
  const downloads: Promise<import('@playwright/test').Download>[] = [page.waitForEvent('download'), page.waitForEvent('download', (d) => d.suggestedFilename().endsWith('_depth.png'))];
  await page.getByText('stereo snapshot (PNG)').click();
  const [sbsDl, depthDl] = await Promise.all(downloads);
  expect(sbsDl.suggestedFilename()).toMatch(/^dream-goggles_faces_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d_sbs\.png$/);
  const sbsPath = test.info().outputPath('snapshot-sbs.png');
  const depthPath = test.info().outputPath('snapshot-depth.png');
  await sbsDl.saveAs(sbsPath);
  await depthDl.saveAs(depthPath);
  const sbs = PNG.sync.read(readFileSync(sbsPath));
  expect(sbs.width).toBe(2 * eye.eyeWidth);
  expect(sbs.height).toBe(eye.eyeHeight);
  // Both halves show the seed (not the blank screen colour, not black).
  for (const x of [eye.eyeWidth / 2, eye.eyeWidth * 1.5]) {
    let sum = 0;
    for (let y = 0; y < sbs.height; y += 8) { const i = (y * sbs.width + x) * 4; sum += sbs.data[i] + sbs.data[i + 1] + sbs.data[i + 2]; }
    expect(sum / (sbs.height / 8) / 3).toBeGreaterThan(40);
  }
  const depth = PNG.sync.read(readFileSync(depthPath));
  expect([depth.width, depth.height]).toEqual([eye.eyeWidth, eye.eyeHeight]);
});

test('a recorded side-by-side WebM has a non-zero duration', async ({ page }) => {
  await open(page, '&seed=waves');
  await page.waitForFunction(() => window.__dreamGoggles!.playback().hasKeyframe);
  await page.getByText('record video (WebM)').click();
  await expect(page.getByText('■ stop recording')).toBeVisible();
  await page.waitForTimeout(1500);
  const dl = page.waitForEvent('download');
  await page.getByText('■ stop recording').click();
  const d = await dl;
  expect(d.suggestedFilename()).toMatch(/_video\.webm$/);
  const path = test.info().outputPath('recording.webm');
  await d.saveAs(path);
  const bytes = readFileSync(path);
  expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]); // EBML header
  const duration = await page.evaluate(async (b64) => {
    const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const v = document.createElement('video');
    v.muted = true;
    v.src = URL.createObjectURL(new Blob([bin], { type: 'video/webm' }));
    await new Promise((res, rej) => { v.onloadedmetadata = res; v.onerror = () => rej(new Error('video did not load')); });
    // MediaRecorder's WebM has no duration field: seeking far past the end makes the browser find it.
    if (v.duration === Infinity) {
      v.currentTime = 1e9;
      await new Promise((res) => { v.ondurationchange = res; setTimeout(res, 5000); });
    }
    return v.duration;
  }, bytes.toString('base64'));
  expect(duration).toBeGreaterThan(0);
  expect(Number.isFinite(duration)).toBe(true);
});

test('a recipe URL round-trips: the panel shows its values and the page URL encodes to the same', async ({ page }) => {
  const query = '&recipe=faces&seed=dusk&zoom=1.5&rng=42&mode=side-by-side';
  await open(page, query);
  const state = await page.evaluate(() => window.__dreamGoggles!.controls().state);
  expect(state).toMatchObject({ recipe: 'faces', seed: 'dusk', zoom: 1.5, rng: 42, mode: 'side-by-side' });
  const panel = page.getByTestId('panel');
  await expect(panel.getByRole('combobox', { name: 'recipe' }).locator('option:checked')).toHaveText('faces');
  await expect(panel.getByRole('combobox', { name: 'seed image' }).locator('option:checked')).toHaveText('dusk hills');
  await expect(panel.getByRole('textbox', { name: 'zoom speed' })).toHaveValue('1.5');
  await expect(panel.getByRole('textbox', { name: 'random seed (restarts)' })).toHaveValue('42');
  await expect(panel.getByRole('combobox', { name: 'stereo view' }).locator('option:checked')).toHaveText('side-by-side');
  await expect(page.getByTestId('mode')).toHaveValue('side-by-side');
  expect(await page.evaluate(() => window.__dreamGoggles!.state().mode)).toBe('side-by-side');
  expect(new URL(page.url()).search).toBe(`?emulate=quest3&testHooks=1&dream=off${query}`);
  expect(await page.evaluate(() => window.__dreamGoggles!.controls().shareSearch)).toBe(`?emulate=quest3&testHooks=1&dream=off${query}`);
  // A change in the panel is in the URL at once.
  await panel.getByRole('combobox', { name: 'recipe' }).selectOption({ label: 'crowds' });
  await expect.poll(() => new URL(page.url()).searchParams.get('recipe')).toBe('crowds');
});

test('with the dream running, a dropped image becomes the dream worker\'s seed', async ({ page }) => {
  test.setTimeout(300_000); // the dream network loads and warms up on two CPU cores
  await page.goto('./?emulate=quest3&testHooks=1&backend=wasm', { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  // The first keyframe moment: the (noise) seed is on screen before the network is ready.
  expect(await page.evaluate(() => window.__dreamGoggles!.playback().hasKeyframe)).toBe(true);
  // Mean colour of every keyframe from the worker, with its index.
  await page.evaluate(() => {
    const seen = ((window as any).__seen = [] as { index: number; rgb: number[] }[]);
    const ctx = new OffscreenCanvas(16, 16).getContext('2d', { willReadFrequently: true })!;
    window.__dreamGoggles!.onDreamEvent('keyframe', (k) => {
      ctx.drawImage(k.bitmap, 0, 0, 16, 16);
      const d = ctx.getImageData(0, 0, 16, 16).data;
      const rgb = [0, 0, 0];
      for (let i = 0; i < d.length; i += 4) { rgb[0] += d[i]; rgb[1] += d[i + 1]; rgb[2] += d[i + 2]; }
      seen.push({ index: k.index, rgb: rgb.map((x) => x / 256) });
    });
  });
  await page.waitForFunction(() => (window as any).__seen.length >= 1, undefined, { timeout: 240_000 });
  await page.evaluate(async () => {
    const c = new OffscreenCanvas(64, 64);
    const g = c.getContext('2d')!;
    g.fillStyle = 'rgb(230, 40, 30)';
    g.fillRect(0, 0, 64, 64);
    g.fillStyle = 'rgb(250, 200, 40)';
    g.fillRect(16, 16, 32, 32);
    const dt = new DataTransfer();
    dt.items.add(new File([await c.convertToBlob({ type: 'image/png' })], 'red.png', { type: 'image/png' }));
    (window as any).__before = (window as any).__seen.length;
    document.documentElement.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  // The worker restarts from the new seed: a keyframe with index 1 after the drop, and it is red.
  await page.waitForFunction(() => { const w = window as any; return w.__seen.slice(w.__before).some((k: { index: number }) => k.index === 1); }, undefined, { timeout: 120_000 });
  const { first, after } = await page.evaluate(() => { const w = window as any; return { first: w.__seen[0], after: w.__seen.slice(w.__before).find((k: { index: number }) => k.index === 1) }; });
  expect(after.rgb[0]).toBeGreaterThan(after.rgb[2] + 60);
  expect(after.rgb).not.toEqual(first.rgb);
});

test('with the dream running: the loading bar ends at the real files\' bytes, and each panel control changes what the worker does', async ({ page }) => {
  test.setTimeout(400_000); // the network loads and warms up on two CPU cores, then once more on the cpu backend
  // Every state of the loading bar while it is shown, from the first script on.
  await page.addInitScript(() => {
    const seen: string[] = ((window as any).progressSeen = []);
    new MutationObserver((ms) => {
      for (const m of ms) { const el = m.target as HTMLElement; if (el.dataset?.testid === 'progress' && !el.hidden) seen.push(`${el.dataset.what}|${el.dataset.loaded}|${el.dataset.total}`); }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['hidden', 'data-loaded'] });
  });
  await page.goto('./?emulate=quest3&testHooks=1&backend=wasm&size=64', { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  await page.screenshot({ path: test.info().outputPath('loading.png') });
  // Every worker event from here on, by type.
  await page.evaluate(() => {
    const h = window.__dreamGoggles!;
    const w = window as any;
    w.__events = [] as { type: string }[];
    for (const t of ['ready', 'state', 'recipe', 'progress'] as const) h.onDreamEvent(t, (e) => w.__events.push({ ...e }));
    w.__keyframes = [] as number[];
    h.onDreamEvent('keyframe', (k) => w.__keyframes.push(k.index));
  });
  await page.waitForFunction(() => window.__dreamGoggles!.controls().workerRecipe !== null, undefined, { timeout: 240_000 });

  // The loading bar: the dream network's bytes are exactly its files in dist/ (model.json + shards).
  const manifest = JSON.parse(readFileSync('dist/models/manifest.json', 'utf8')) as { models: { id: string; file: string }[] };
  const entry = manifest.models.find((m) => m.id === 'movenet-lightning')!; // crowds, the default recipe
  const json = JSON.parse(readFileSync(`dist/models/human/${entry.file}`, 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const real = statSync(`dist/models/human/${entry.file}`).size + json.weightsManifest.flatMap((g) => g.paths).reduce((n, p) => n + statSync(`dist/models/human/${p}`).size, 0);
  const loads = await page.evaluate(() => window.__dreamGoggles!.controls().loads);
  expect(loads['dream network (movenet-lightning)']).toEqual({ loaded: real, total: real });
  // The bar was on screen part-way through the dream network's files.
  const seen = (await page.evaluate(() => (window as any).progressSeen as string[])).map((x) => x.split('|'));
  expect(seen.some(([what, loaded, total]) => what === 'dream network (movenet-lightning)' && Number(loaded) < Number(total) && Number(total) === real)).toBe(true);
  // Hidden once loaded (the depth net may be loading now: wait for it too, then the bar is gone).
  await expect(page.getByTestId('progress')).toBeHidden({ timeout: 120_000 });
  const bar = page.getByTestId('progress');
  expect(Number(await bar.getAttribute('data-loaded'))).toBe(Number(await bar.getAttribute('data-total')));

  const panel = page.getByTestId('panel');
  const recipe = () => page.evaluate(() => window.__dreamGoggles!.controls().workerRecipe!);
  // Dream strength and octaves: the worker confirms the recipe it now runs.
  await panel.getByRole('textbox', { name: 'steps per octave' }).fill('3');
  await expect.poll(async () => (await recipe()).steps, { timeout: 60_000 }).toBe(3);
  await panel.getByRole('textbox', { name: 'step size' }).fill('0.03');
  await expect.poll(async () => (await recipe()).stepSize, { timeout: 60_000 }).toBe(0.03);
  await panel.getByRole('textbox', { name: 'octaves' }).fill('2');
  await expect.poll(async () => (await recipe()).octaves, { timeout: 60_000 }).toBe(2);
  expect(await recipe()).toMatchObject({ name: 'crowds', steps: 3, stepSize: 0.03, octaves: 2 });
  // Another recipe brings its own strength back.
  await panel.getByRole('combobox', { name: 'recipe' }).selectOption({ label: 'faces' });
  await expect.poll(async () => (await recipe()).name, { timeout: 120_000 }).toBe('faces');
  expect(await recipe()).toMatchObject({ steps: 6, stepSize: 0.015, octaves: 3 });
  await expect(panel.getByRole('textbox', { name: 'steps per octave' })).toHaveValue('6');
  // Pause / resume reach the worker as state events.
  const states = () => page.evaluate(() => (window as any).__events.filter((e: { type: string }) => e.type === 'state').map((e: { running: boolean }) => e.running) as boolean[]);
  await panel.getByRole('checkbox', { name: 'paused' }).check();
  await expect.poll(async () => (await states()).at(-1), { timeout: 60_000 }).toBe(false);
  await panel.getByRole('checkbox', { name: 'paused' }).uncheck();
  await expect.poll(async () => (await states()).at(-1), { timeout: 60_000 }).toBe(true);
  // Page-side controls: zoom speed, depth strength, comfort budget, stereo view.
  await panel.getByRole('textbox', { name: 'zoom speed' }).fill('1.5');
  await panel.getByRole('textbox', { name: 'depth strength' }).fill('0.5');
  await panel.getByRole('textbox', { name: 'comfort budget (°)' }).fill('0.6');
  await panel.getByRole('combobox', { name: 'stereo view' }).selectOption('anaglyph');
  expect(await page.evaluate(() => { const h = window.__dreamGoggles!; return [h.playback().config.speedScale, h.comfort().strength, h.comfort().maxDisparityDeg, h.state().mode]; })).toEqual([1.5, 0.5, 0.6, 'anaglyph']);
  // Reset seed: the seed goes to the worker again (it restarts from it: keyframe index 1).
  // (First a keyframe past the first, so an index 1 afterwards can only come from the new seed.)
  await page.waitForFunction(() => (window as any).__keyframes.some((i: number) => i >= 2), undefined, { timeout: 120_000 });
  await page.evaluate(() => { const w = window as any; w.__mark = w.__keyframes.length; });
  await panel.getByRole('button', { name: 'reset seed' }).click();
  await page.waitForFunction(() => { const w = window as any; return w.__keyframes.slice(w.__mark).includes(1); }, undefined, { timeout: 120_000 });
  // Backend: the worker is replaced by one on the cpu backend, still dreaming faces at the same strength.
  await page.evaluate(() => { const w = window as any; w.__before = w.__events.length; });
  await panel.getByRole('combobox', { name: 'backend (restarts)' }).selectOption('cpu');
  await page.waitForFunction(() => { const w = window as any; return w.__events.slice(w.__before).some((e: { type: string; backend?: string }) => e.type === 'ready' && e.backend === 'cpu'); }, undefined, { timeout: 180_000 });
  await page.waitForFunction(() => { const w = window as any; return w.__events.slice(w.__before).some((e: { type: string }) => e.type === 'recipe'); });
  expect(await recipe()).toMatchObject({ name: 'faces', steps: 6, octaves: 3 });
  await expect(page.getByRole('alert')).toContainText('Dreaming on cpu.');
});
