import { test, expect, type Page, type Request, type ConsoleMessage } from '@playwright/test';
import { readFileSync } from 'node:fs';

// Security and privacy of the built site: the Content-Security-Policy holds (no violations while the whole
// page works: dream worker with wasm and with webgl, three.js, lil-gui, the emulated headset, capture), and
// the page talks to its own origin only — no third party, no upload of a person's image.

interface Watch { requests: Request[]; violations: string[] }

/** Records every request (page and workers) and every CSP complaint (page events, page and worker consoles). */
function watch(page: Page): Watch {
  const w: Watch = { requests: [], violations: [] };
  page.context().on('request', (r) => w.requests.push(r));
  const onConsole = (m: ConsoleMessage) => { if (/Content Security Policy|Refused to/i.test(m.text())) w.violations.push(m.text()); };
  page.on('console', onConsole);
  // Workers report violations to their own global, not to the page's console: listen there too (installed as
  // the worker starts, before its init reaches TF.js; a blocked step would also stop the dream, which the
  // tests watch).
  page.on('worker', (worker) => {
    worker.on('console', onConsole);
    void worker.evaluate(() => self.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation in a worker: ${e.effectiveDirective} blocked ${e.blockedURI}`);
    })).catch(() => undefined);
  });
  page.on('pageerror', (e) => { if (/Content Security Policy|EvalError/i.test(e.message)) w.violations.push(e.message); });
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  return w;
}

const keyframes = async (page: Page) => Number((await page.getByTestId('status').textContent())?.match(/keyframe (\d+)/)?.[1] ?? 0);

test('the built pages carry the CSP: self only, no eval, wasm allowed, no inline script or style', async ({ page, baseURL }) => {
  for (const html of ['dist/index.html', 'dist/harness/dream-worker.html', 'dist/harness/gaze.html']) {
    const text = readFileSync(html, 'utf8');
    const csp = text.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1]?.replaceAll('&#39;', "'");
    expect(csp, html).toBeTruthy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/'unsafe-eval'|'unsafe-inline'|https?:|\*/);
    expect(text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline scripts
    expect(text).not.toMatch(/<style/);
    // the meta comes before anything it governs
    expect(text.indexOf('Content-Security-Policy')).toBeLessThan(text.indexOf('<script'));
  }
  // The meta tag alone (no header) blocks eval on the page.
  await page.route('**/*', async (route) => {
    const res = await route.fetch();
    const headers = { ...res.headers() };
    delete headers['content-security-policy'];
    await route.fulfill({ response: res, headers });
  });
  await page.goto(`${baseURL}?emulate=off&source=calibration`, { waitUntil: 'commit' });
  await page.waitForSelector('[data-testid=status]');
  // (Playwright's own evaluate bypasses the CSP, so the page is made to try things itself.)
  const r = await page.evaluate(async () => {
    const seen: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    const w = window as unknown as Record<string, unknown>;
    (setTimeout as unknown as (code: string, ms: number) => void)('window.__evalRan = true', 0); // string timer = eval
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.body.appendChild(script);
    const img = document.createElement('img');
    img.src = 'https://example.invalid/pixel.png';
    document.body.appendChild(img);
    await new Promise((res) => setTimeout(res, 500));
    return { seen, evalRan: w.__evalRan === true, inlineRan: w.__inlineRan === true };
  });
  expect(r.evalRan).toBe(false);
  expect(r.inlineRan).toBe(false);
  expect(r.seen).toEqual(expect.arrayContaining(['script-src eval', 'script-src-elem inline', 'img-src https://example.invalid/pixel.png']));
});

test('a whole session (load, dream keyframes, drop an image, snapshot, record, enter VR) talks only to its own origin and breaks no CSP rule', async ({ page, baseURL }) => {
  const w = watch(page);
  const origin = new URL(baseURL!).origin;
  await page.goto(`./?emulate=quest3&backend=wasm&size=64`, { waitUntil: 'commit' });
  await expect.poll(() => keyframes(page), { timeout: 90_000 }).toBeGreaterThan(1);

  // A person's image, dropped: it must show, and never travel (no request below carries a body).
  await page.evaluate(async () => {
    const c = new OffscreenCanvas(80, 60);
    const g = c.getContext('2d')!;
    g.fillStyle = 'rgb(30, 200, 60)';
    g.fillRect(0, 0, 80, 60);
    const dt = new DataTransfer();
    dt.items.add(new File([await c.convertToBlob({ type: 'image/png' })], 'mine.png', { type: 'image/png' }));
    document.documentElement.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByRole('alert')).toContainText('mine.png (stays on this device');
  const afterDrop = await keyframes(page);
  await expect.poll(() => keyframes(page), { timeout: 60_000 }).toBeGreaterThan(afterDrop);

  await page.screenshot({ path: test.info().outputPath('session-under-csp.png') }); // lil-gui styled from its file
  const snap = page.waitForEvent('download');
  await page.getByText('stereo snapshot (PNG)').click();
  expect((await snap).suggestedFilename()).toMatch(/_sbs\.png$/);
  await page.getByText('record video (WebM)').click();
  await page.waitForTimeout(1000);
  const video = page.waitForEvent('download');
  await page.getByText('■ stop recording').click();
  expect((await video).suggestedFilename()).toMatch(/\.webm$/);

  await page.getByTestId('vr-button').click();
  await expect(page.getByTestId('vr-button')).toHaveText('EXIT VR');
  const inVR = await keyframes(page);
  await expect.poll(() => keyframes(page), { timeout: 60_000 }).toBeGreaterThan(inVR);

  // The dream worker runs under the policy too (it comes with the worker script's response header): a
  // string timer, which is eval, does not run there.
  const dreamWorker = page.workers().find((x) => /worker/.test(x.url()));
  expect(dreamWorker, page.workers().map((x) => x.url()).join(', ')).toBeTruthy();
  const workerEval = await dreamWorker!.evaluate(() => new Promise<number>((res) => {
    const g = self as unknown as { __ran: number };
    g.__ran = 0;
    (setTimeout as unknown as (code: string, ms: number) => void)('self.__ran = 1', 0);
    setTimeout(() => res(g.__ran), 300);
  }));
  expect(workerEval).toBe(0);
  expect(w.violations.some((v) => /eval/.test(v))).toBe(true); // and it was reported
  w.violations = w.violations.filter((v) => !/eval/.test(v));

  const seen = w.requests.map((r) => `${r.method()} ${r.url()}`);
  test.info().annotations.push({ type: 'requests', description: [...new Set(seen.map((s) => s.replace(/\?.*$/, '')))].join('\n') });
  // The worker's own fetches are in the record (models, wasm), or the check below would prove little.
  expect(seen.some((s) => /models\/manifest\.json$/.test(s))).toBe(true);
  expect(seen.some((s) => /\.wasm$/.test(s))).toBe(true);
  expect(seen.some((s) => /models\/depth\//.test(s))).toBe(true);
  for (const r of w.requests) {
    const u = new URL(r.url());
    if (u.protocol === 'blob:' || u.protocol === 'data:') continue; // in-page objects, never network
    expect(u.origin, r.url()).toBe(origin);
    expect(r.method(), r.url()).toBe('GET');
    expect(r.postDataBuffer(), r.url()).toBeNull();
  }
  expect(w.violations).toEqual([]);
});

// The worker harness: the same DreamClient and worker as the app, without the page's own WebGL rendering
// (here every WebGL context shares one SwiftShader GPU process, and the app's XR loop starves a webgl worker).
test('the webgl backend path dreams under the CSP too (page and worker)', async ({ page }) => {
  const w = watch(page);
  await page.goto('harness/dream-worker.html?backend=webgl&size=32&recipe=crowds', { waitUntil: 'commit' });
  const rec = () => page.evaluate(() => (window as unknown as { __dream?: { keyframes: number; errors: string[]; events: { type: string; backend?: string }[] } }).__dream);
  await expect.poll(async () => (await rec())?.keyframes ?? 0, { timeout: 110_000 }).toBeGreaterThan(1);
  const r = (await rec())!;
  expect(r.errors).toEqual([]);
  expect(r.events.find((e) => e.type === 'ready')?.backend).toBe('webgl');
  expect(w.violations).toEqual([]);
});
