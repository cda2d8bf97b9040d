// The README's recipe pictures, made by the viewer itself: for each recipe the page dreams from its
// default seed (wasm, 160 px keyframes) until KEYFRAMES keyframes have arrived, then the app's own
// stereo capture (src/ui/capture.ts) is saved as a side-by-side JPEG (left eye | right eye) in
// docs/recipes/<recipe>-stereo.jpg. For one recipe (CLIP) the app's recorder also makes a short
// side-by-side WebM, docs/recipes/<recipe>-sbs.webm (CLIP_SECONDS long, 1 Mbit/s, so it stays < 1 MB).
// The page is driven through its test API (?testHooks=1, src/app/testApi.ts).
// Run: npm run build && npm run docs:media (optionally RECIPES=faces,crowds).
import { test, expect } from '@playwright/test';
import { mkdirSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type {} from '../../src/app/testApi';

const RECIPES = (process.env.RECIPES ?? 'crowds,objects,faces,textures,figures').split(',');
const KEYFRAMES = Number(process.env.KEYFRAMES ?? 8);
const CLIP = process.env.CLIP ?? 'crowds';
const CLIP_SECONDS = Number(process.env.CLIP_SECONDS ?? 10);
const OUT = join(import.meta.dirname, '..', '..', 'docs', 'recipes');
// A small page: the flat preview costs less to draw, so the recorder gets more frames on a slow machine.
test.use({ viewport: { width: 480, height: 270 } });

/** The current stereo capture, scaled to w×(w/2), as `type`, base64. */
const grab = (w: number, type: string) => `(async () => {
  const { sbs } = await window.__dreamGoggles.snapshot();
  const bmp = await createImageBitmap(sbs);
  const cv = new OffscreenCanvas(${w}, ${w / 2});
  cv.getContext('2d').drawImage(bmp, 0, 0, ${w}, ${w / 2});
  const b = new Uint8Array(await (await cv.convertToBlob({ type: '${type}', quality: 0.86 })).arrayBuffer());
  let s = ''; for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
})()`;

for (const recipe of RECIPES) {
  test(`${recipe}: stereo picture${recipe === CLIP ? ' and side-by-side clip' : ''}`, async ({ page }) => {
    await page.goto(`./?emulate=quest3&testHooks=1&backend=wasm&recipe=${recipe}`, { waitUntil: 'commit' });
    await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 120_000 });
    await page.evaluate(() => { const w = window as unknown as { __kf: number }; w.__kf = 0; window.__dreamGoggles!.onDreamEvent('keyframe', () => { w.__kf++; }); });
    await page.waitForFunction((n) => (window as unknown as { __kf: number }).__kf >= n, KEYFRAMES, { timeout: 800_000, polling: 1000 });
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, `${recipe}-stereo.jpg`), Buffer.from(await page.evaluate(grab(480, 'image/jpeg')) as string, 'base64'));
    // A PNG copy outside the repository, to look at.
    writeFileSync(test.info().outputPath(`${recipe}-stereo.png`), Buffer.from(await page.evaluate(grab(480, 'image/png')) as string, 'base64'));
    if (recipe !== CLIP) return;
    const blob = await page.evaluate(async (seconds) => {
      const h = window.__dreamGoggles!;
      h.startRecording(1_000_000);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const b = new Uint8Array(await (await h.stopRecording()).arrayBuffer());
      let s = ''; for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
      return btoa(s);
    }, CLIP_SECONDS);
    const clip = join(OUT, `${recipe}-sbs.webm`);
    writeFileSync(clip, Buffer.from(blob, 'base64'));
    expect(statSync(clip).size).toBeLessThan(1_000_000);
  });
}
