import { expect, test, type Page } from '@playwright/test';

interface Rec { events: { type: string; [k: string]: unknown }[]; keyframes: number; diffFromSeed: number[]; errors: string[] }
const rec = (page: Page) => page.evaluate(() => (window as unknown as { __dream: Rec }).__dream);

test('dream worker: ready, then keyframes that differ from the seed, the first a reset, the next a zoom of it', async ({ page }) => {
  // wasm: SwiftShader WebGL here is 4–30× slower; the auto warm-up is covered by the app, not this test.
  await page.goto('harness/dream-worker.html?backend=wasm&size=64&recipe=faces', { waitUntil: 'commit' });
  await expect.poll(async () => (await rec(page))?.keyframes ?? 0, { timeout: 90_000 }).toBeGreaterThan(1);
  const r = await rec(page);
  expect(r.errors).toEqual([]);
  const ready = r.events.find((e) => e.type === 'ready')!;
  expect(ready.backend).toBe('wasm');
  expect(typeof (ready.accelerator as { on: boolean }).on).toBe('boolean'); // the accelerator reports itself
  const [kf, next] = r.events.filter((e) => e.type === 'keyframe');
  expect(kf).toMatchObject({ index: 1, reset: true, stepZoom: 1, width: 64, height: 64, recipe: 'faces', focus: [0.4, 0.6] });
  expect(next).toMatchObject({ index: 2, reset: false, stepZoom: 1.05 }); // the faces recipe's zoom per keyframe
  expect(r.diffFromSeed[0]).toBeGreaterThan(2); // mean |Δ| in 0..255 units
  // The dreamed frame is still close to the seed's layout (it is the seed, zoomed and dreamed on).
  expect(r.diffFromSeed[0]).toBeLessThan(80);
});

test('dream worker: ImageBitmap seed, stop, and dispose ends the stream', async ({ page }) => {
  await page.goto('harness/dream-worker.html?backend=wasm&size=48&recipe=figures&seed=bitmap', { waitUntil: 'commit' });
  await expect.poll(async () => (await rec(page))?.keyframes ?? 0, { timeout: 90_000 }).toBeGreaterThan(0);
  expect((await rec(page)).errors).toEqual([]);
  expect((await rec(page)).diffFromSeed[0]).toBeLessThan(80);
  await page.evaluate(() => (window as unknown as { __client: { dispose(): void } }).__client.dispose());
  const n = (await rec(page)).keyframes;
  await page.waitForTimeout(3000);
  expect((await rec(page)).keyframes).toBe(n);
  // Using a disposed client is a programmer error with a precise message.
  const err = await page.evaluate(() => { try { (window as unknown as { __client: { start(): void } }).__client.start(); return ''; } catch (e) { return (e as Error).message; } });
  expect(err).toBe('DreamClient: used after dispose()');
});

test('dream worker: clear errors for an unknown node and a missing model', async ({ page }) => {
  await page.goto('harness/dream-worker.html?backend=wasm&size=32&recipe=faces&start=0', { waitUntil: 'commit' });
  await expect.poll(async () => (await rec(page))?.events.some((e) => e.type === 'ready'), { timeout: 60_000 }).toBe(true);
  await page.evaluate(() => (window as unknown as { __client: { setRecipe(r: unknown): void } }).__client.setRecipe({ name: 'bad', model: 'posenet', terms: [{ node: 'no/such/node', weight: 1 }] }));
  await expect.poll(async () => (await rec(page)).errors, { timeout: 30_000 }).toContain("recipe 'bad': unknown node 'no/such/node' in model 'posenet'");

  const missing = await page.context().newPage();
  await missing.goto('harness/dream-worker.html?backend=wasm&size=32&models=../models/nowhere/&start=0', { waitUntil: 'commit' });
  await expect.poll(async () => (await rec(missing))?.errors.join('\n') ?? '', { timeout: 60_000 }).toMatch(/model: (cannot fetch .*nowhere\/posenet\.json \(HTTP 404\)|.*nowhere\/posenet\.json is not valid JSON)/);
});

test('dream worker: without ?backend= it times a real step on each backend (not WebGL on a software rasteriser) and keeps the fastest', async ({ page }) => {
  await page.goto('harness/dream-worker.html?size=32&recipe=faces&start=0', { waitUntil: 'commit' });
  await expect.poll(async () => (await rec(page))?.events.some((e) => e.type === 'ready' || e.type === 'error'), { timeout: 100_000 }).toBe(true);
  const r = await rec(page);
  expect(r.errors).toEqual([]);
  const ready = r.events.find((e) => e.type === 'ready') as unknown as { backend: string; timingsMs: Record<string, number>; skipped?: Record<string, string> };
  expect(Object.keys(ready.timingsMs)).toContain('wasm');
  // Every candidate was timed or said why not: headless Chromium here has no WebGPU adapter (it fails to start)
  // and rasterises WebGL with SwiftShader, which the choice names and does not time (minutes of shader compiles).
  const gl = await page.evaluate(() => {
    const g = new OffscreenCanvas(1, 1).getContext('webgl2')!;
    const i = g.getExtension('WEBGL_debug_renderer_info');
    return String(g.getParameter(i ? i.UNMASKED_RENDERER_WEBGL : g.RENDERER));
  });
  if (/swiftshader/i.test(gl)) {
    expect(ready.skipped?.webgl).toBe(`software renderer (${gl})`);
    expect(Object.keys(ready.timingsMs)).not.toContain('webgl');
  } else expect(Object.keys(ready.timingsMs)).toContain('webgl');
  const fastest = Object.entries(ready.timingsMs).sort((a, b) => a[1] - b[1])[0][0];
  expect(ready.backend).toBe(fastest);
  test.info().annotations.push({ type: 'backend', description: JSON.stringify(ready) });
  // The next visit in this browser uses the remembered choice (IndexedDB): only that backend is warmed up.
  await page.reload({ waitUntil: 'commit' });
  await expect.poll(async () => (await rec(page))?.events.some((e) => e.type === 'ready' || e.type === 'error'), { timeout: 100_000 }).toBe(true);
  const again = (await rec(page)).events.find((e) => e.type === 'ready') as unknown as { backend: string; timingsMs: Record<string, number>; backendRemembered: boolean; phasesMs: Record<string, number> };
  expect(again.backendRemembered).toBe(true);
  expect(again.backend).toBe(ready.backend);
  expect(Object.keys(again.timingsMs)).toEqual([ready.backend]);
  expect(Object.keys(again.phasesMs)).toContain('warmup (remembered backend)');
});

test('dream worker: keyframes over the time limit lower the dream size, then its steps, and say so', async ({ page }) => {
  // A 1 ms limit: every keyframe is over it, so the governor lowers 96 → 64 px (its minimum), then the steps.
  await page.goto('harness/dream-worker.html?backend=wasm&size=96&recipe=faces&limit=1', { waitUntil: 'commit' });
  const degraded = async () => ((await rec(page))?.events ?? []).filter((e) => e.type === 'degraded') as unknown as { message: string; size: number; steps: number }[];
  await expect.poll(async () => (await degraded()).length, { timeout: 110_000 }).toBeGreaterThan(1);
  const r = await rec(page);
  expect(r.errors).toEqual([]);
  const [first, second] = await degraded();
  expect(first.size).toBe(64);
  expect(first.message).toMatch(/^dream lowered to 64 px to keep up \(keyframes took (\d+ ms|\d+\.\d s), limit 1 ms\)$/);
  expect(second.size).toBe(64);
  expect(second.steps).toBeLessThan(first.steps);
  expect(second.message).toMatch(new RegExp(`^dream lowered to ${second.steps} steps per octave at 64 px to keep up`));
  // Keyframes after the first lowering come out at 64 px (the harness records each keyframe's size).
  const kfs = r.events.filter((e) => e.type === 'keyframe') as unknown as { width: number; height: number }[];
  expect(kfs[0]).toMatchObject({ width: 96, height: 96 });
  expect(kfs[kfs.length - 1]).toMatchObject({ width: 64, height: 64 });
});

test('dream worker: start-up phases are reported', async ({ page }) => {
  await page.goto('harness/dream-worker.html?backend=wasm&size=64&recipe=faces', { waitUntil: 'commit' });
  await expect.poll(async () => (await rec(page))?.keyframes ?? 0, { timeout: 90_000 }).toBeGreaterThan(1);
  const r = await rec(page);
  const ready = r.events.find((e) => e.type === 'ready') as unknown as { phasesMs: Record<string, number>; backendRemembered: boolean };
  expect(Object.keys(ready.phasesMs)).toEqual(['manifest', 'backend', 'model', 'total']); // a forced backend is not warmed up
  expect(ready.backendRemembered).toBe(false); // an override is never remembered
  expect(ready.phasesMs.total).toBeGreaterThanOrEqual(ready.phasesMs.model);
});

test('dream worker: commands are answered between ascent steps, not after the whole keyframe', async ({ page }) => {
  // 192 px faces: a full keyframe is 3 octaves × 6 steps, long enough that a busy page's reaction to one keyframe
  // does not outlast the next (at small sizes it can). A 'memory' request sent as a keyframe arrives (the worker
  // has just started the next) must come back before that next keyframe does.
  await page.goto('harness/dream-worker.html?backend=wasm&size=192&recipe=faces', { waitUntil: 'commit' });
  await expect.poll(async () => (await rec(page))?.keyframes ?? 0, { timeout: 90_000 }).toBeGreaterThan(0);
  const behind = await page.evaluate(async () => {
    const w = window as unknown as { __client: { on(t: string, h: () => void): () => void; memory(): Promise<{ numTensors: number; dataIds: number }> }; __dream: Rec };
    const out: number[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((res) => { const off = w.__client.on('keyframe', () => { off(); res(); }); });
      const k = w.__dream.keyframes;
      const m = await w.__client.memory();
      if (!(m.numTensors > 0 && m.dataIds > 0)) throw new Error(`no memory report: ${JSON.stringify(m)}`);
      out.push(w.__dream.keyframes - k);
    }
    return out;
  });
  expect(behind).toEqual([0, 0, 0]);
  expect((await rec(page)).errors).toEqual([]);
});
