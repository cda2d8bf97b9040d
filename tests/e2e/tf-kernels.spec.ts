import { expect, test } from '@playwright/test';

interface Result { name: string; yErr: number; gxErr: number; kernelsFused: string[]; kernelsPlain: string[] }
interface Out { backend: string; registered: boolean; results: Result[]; accelerator: { on: boolean; reason: string | null } | null; stepKernels: string[]; error: string | null; done: boolean }

// WebGL here is SwiftShader on the CPU: what it shows is which kernels run and that the values agree, not speed.
test('webgl: conv + bias + activation runs as the backend\'s fused kernel, with the same output and input gradient as conv + Add + act', async ({ page }) => {
  await page.goto('harness/tf-kernels.html?backend=webgl', { waitUntil: 'commit' });
  await expect.poll(async () => (await page.evaluate(() => (window as unknown as { __kernels?: Out }).__kernels))?.done ?? false, { timeout: 90_000 }).toBe(true);
  const out = await page.evaluate(() => (window as unknown as { __kernels: Out }).__kernels);
  expect(out.error).toBeNull();
  expect(out.backend).toBe('webgl');
  expect(out.registered).toBe(true);
  expect(out.results).toHaveLength(10);
  for (const r of out.results) {
    expect.soft(r.yErr, r.name).toBeLessThan(1e-4);
    expect.soft(r.gxErr, r.name).toBeLessThan(1e-4);
    const depthwise = r.name.startsWith('depthwise');
    // fused: one forward kernel, no Add; the gradient is the input gradient only (no filter gradient)
    expect.soft(r.kernelsFused, r.name).toContain(depthwise ? 'DreamFusedDepthwiseConv2D' : 'DreamFusedConv2D');
    expect.soft(r.kernelsFused, r.name).not.toContain('Add');
    expect.soft(r.kernelsFused, r.name).not.toContain(depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter');
    expect.soft(r.kernelsPlain, r.name).toContain(depthwise ? 'DepthwiseConv2dNative' : 'Conv2D');
    expect.soft(r.kernelsPlain, r.name).toContain('Add');
    expect.soft(r.kernelsFused.length, r.name).toBeLessThan(r.kernelsPlain.length);
  }
});

// The wasm accelerator reads TF.js internals: its check runs here on the bundled TF.js the worker loads, not on Node's.
test('wasm in the browser build: the accelerator\'s check passes and its kernels run; fused conv agrees with conv + Add + act', async ({ page }) => {
  await page.goto('harness/tf-kernels.html?backend=wasm', { waitUntil: 'commit' });
  await expect.poll(async () => (await page.evaluate(() => (window as unknown as { __kernels?: Out }).__kernels))?.done ?? false, { timeout: 90_000 }).toBe(true);
  const out = await page.evaluate(() => (window as unknown as { __kernels: Out }).__kernels);
  expect(out.error).toBeNull();
  expect(out.backend).toBe('wasm');
  expect(out.accelerator).toEqual({ on: true, reason: null });
  expect(out.stepKernels).toEqual(['DreamAscentUpdate', 'DreamRoll']); // one kernel each, not their composites
  expect(out.registered).toBe(true);
  expect(out.results).toHaveLength(10);
  for (const r of out.results) {
    expect.soft(r.yErr, r.name).toBeLessThan(1e-4);
    expect.soft(r.gxErr, r.name).toBeLessThan(1e-4);
    expect.soft(r.kernelsFused, r.name).toContain(r.name.startsWith('depthwise') ? 'DreamFusedDepthwiseConv2D' : 'DreamFusedConv2D');
    expect.soft(r.kernelsFused.length, r.name).toBeLessThan(r.kernelsPlain.length);
  }
});
