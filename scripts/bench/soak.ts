// `npm run soak -- [--minutes N] [--interval S] [--port P] [--url URL] [--query Q] [--json FILE]`
// A long headset session without a headset: our build under `vite preview` (or a server already running at
// --url), Debian's Chromium with the flags of playwright.config.ts, IWER's emulated Quest 3, Enter VR, and
// the dream left running; read through the page's test API (?testHooks=1, added to any --query). Every interval it reports the page's JS heap (CDP Runtime.getHeapUsage), the
// dream worker's tf.memory() (the 'memory' command of src/dream/protocol.ts), keyframes and frames, and the
// growth against the first sample (one interval after the first keyframe with depth: everything loaded). Exits 1 when the
// worker's tensor count or bytes moved, or the heap grew beyond noise. Every process started here is
// stopped here, by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import pwConfig from '../../playwright.config';
import type {} from '../../src/app/testApi';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT_DIR = '/tmp/soak-dist';
/** Heap growth counted as noise: GC timing moves the used heap by a few MB either way. */
const HEAP_NOISE_BYTES = 8 * 2 ** 20;

function args() {
  const a = process.argv.slice(2);
  const get = (name: string) => { const i = a.indexOf(`--${name}`); return i >= 0 ? a[i + 1] : undefined; };
  const num = (name: string, d: number) => { const v = Number(get(name) ?? d); if (!(v > 0)) throw new Error(`--${name} must be a positive number`); return v; };
  return {
    minutes: num('minutes', 30),
    intervalS: num('interval', 60),
    port: num('port', 4320),
    url: get('url'),
    // dreamLimit=0: no graceful degradation, so the dream's size (and its tensors' bytes) stays put.
    query: get('query') ?? '?emulate=quest3&backend=wasm&dreamLimit=0',
    json: get('json'),
  };
}

function node(cmd: string[], opts: { wait: boolean }): ChildProcess & { done?: Promise<void> } {
  const p = spawn(process.execPath, cmd, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }) as ChildProcess & { done?: Promise<void> };
  if (opts.wait) p.done = new Promise((res, rej) => p.on('exit', (c) => (c === 0 ? res() : rej(new Error(`${cmd.join(' ')} exited with ${c}`)))));
  return p;
}

async function waitHttp(url: string, server: ChildProcess): Promise<void> {
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    if (server.exitCode != null) throw new Error(`vite preview exited with ${server.exitCode} (port taken?)`);
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

interface Sample { minute: number; heapUsed: number; heapTotal: number; tensors: number; tensorBytes: number; dataIds: number; backend: string; keyframes: number; frames: number; presenting: boolean; restarts: number }

const mb = (b: number) => (b / 2 ** 20).toFixed(1);
const signed = (x: number, f: (v: number) => string) => (x >= 0 ? '+' : '-') + f(Math.abs(x));

async function main(): Promise<void> {
  const o = args();
  let server: ChildProcess | null = null;
  let base = o.url;
  const browser = { close: async () => undefined } as { close(): Promise<void> };
  let chrome = browser;
  try {
    if (!base) {
      console.log(`building into ${OUT_DIR} …`);
      await node(['node_modules/vite/bin/vite.js', 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'], { wait: true }).done;
      server = node(['node_modules/vite/bin/vite.js', 'preview', '--outDir', OUT_DIR, '--port', String(o.port), '--strictPort'], { wait: false });
      base = `http://localhost:${o.port}/`;
      await waitHttp(base, server);
    }
    const launch = pwConfig.use?.launchOptions ?? {};
    chrome = await chromium.launch({ executablePath: launch.executablePath ?? '/usr/bin/chromium', args: launch.args });
    const page = await (chrome as Awaited<ReturnType<typeof chromium.launch>>).newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const url = new URL(o.query, base);
    url.searchParams.set('testHooks', '1');
    await page.goto(url.href, { waitUntil: 'commit' });
    await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 120_000 });
    await page.evaluate(() => {
      const h = window.__dreamGoggles!;
      const s = { keyframes: 0, restarts: 0, depth: 0, degraded: '' };
      (window as any).__soak = s;
      h.onDreamEvent('keyframe', (k) => { s.keyframes++; if (k.depth) s.depth++; });
      h.onDreamEvent('restarting', () => s.restarts++);
      h.onDreamEvent('degraded', (e) => { s.degraded = e.message; });
    });
    await page.getByTestId('vr-button').click({ timeout: 120_000 });
    await page.waitForFunction(() => window.__dreamGoggles!.state().presenting, undefined, { timeout: 60_000 });
    // Warm-up: the depth net loads after the first keyframes; sample once keyframes carry depth.
    await page.waitForFunction(() => (window as any).__soak.depth > 0, undefined, { timeout: 600_000 });
    const cdp = await page.context().newCDPSession(page);
    console.log(`soak: ${o.minutes} min, a sample every ${o.intervalS} s, ${url.href}, in VR (emulated Quest 3)`);
    console.log('minute  heap MB (Δ)        worker tensors (Δ)  tensor MB (Δ)     heap data (Δ)  keyframes  fps   backend');

    const samples: Sample[] = [];
    const t0 = Date.now();
    let lastFrames = await page.evaluate(() => window.__dreamGoggles!.state().frameCount), lastT = t0;
    const total = Math.round((o.minutes * 60) / o.intervalS);
    for (let i = 1; i <= total; i++) {
      await new Promise((r) => setTimeout(r, t0 + i * o.intervalS * 1000 - Date.now()));
      await cdp.send('HeapProfiler.collectGarbage'); // what is still reachable, not what GC has not reached yet
      const heap = await cdp.send('Runtime.getHeapUsage');
      const page1 = await page.evaluate(async () => {
        const h = window.__dreamGoggles!;
        // The worker answers between keyframes; a hung worker must not hang the soak.
        const mem = await Promise.race([h.memory({ settled: true }), new Promise((r) => setTimeout(() => r(null), 60_000))]);
        return { mem, soak: (window as any).__soak, state: h.state() };
      });
      const m = page1.mem as { numTensors: number; numBytes: number; dataIds: number; backend: string } | null;
      const now = Date.now();
      const s: Sample = {
        minute: +((now - t0) / 60_000).toFixed(2), heapUsed: heap.usedSize, heapTotal: heap.totalSize,
        tensors: m?.numTensors ?? NaN, tensorBytes: m?.numBytes ?? NaN, dataIds: m?.dataIds ?? NaN, backend: m?.backend ?? 'no answer',
        keyframes: page1.soak.keyframes, frames: page1.state.frameCount, presenting: page1.state.presenting, restarts: page1.soak.restarts,
      };
      const fps = (s.frames - lastFrames) / ((now - lastT) / 1000);
      lastFrames = s.frames; lastT = now;
      samples.push(s);
      const f = samples[0];
      console.log(
        `${s.minute.toFixed(1).padStart(6)}  ${mb(s.heapUsed).padStart(6)} (${signed(s.heapUsed - f.heapUsed, mb).padStart(6)})  ` +
        `${String(s.tensors).padStart(6)} (${signed(s.tensors - f.tensors, String).padStart(4)})        ` +
        `${mb(s.tensorBytes).padStart(6)} (${signed(s.tensorBytes - f.tensorBytes, mb).padStart(5)})   ${String(s.dataIds).padStart(5)} (${signed(s.dataIds - f.dataIds, String).padStart(4)})  ${String(s.keyframes).padStart(6)}  ${fps.toFixed(1).padStart(4)}  ${s.backend}` +
        `${s.presenting ? '' : ' (not presenting)'}${s.restarts ? ` (${s.restarts} worker restarts)` : ''}${page1.soak.degraded ? ` (${page1.soak.degraded})` : ''}`,
      );
    }

    // Growth from the first sample to the last, and the verdict: tensors must not move at all; the heap
    // may move by GC noise only.
    const f = samples[0], l = samples.at(-1)!;
    const perHour = (d: number) => (l.minute > f.minute ? (d / (l.minute - f.minute)) * 60 : 0);
    const heapGrowth = l.heapUsed - f.heapUsed;
    const problems: string[] = [];
    if (l.tensors !== f.tensors || l.tensorBytes !== f.tensorBytes) problems.push(`worker tensors ${f.tensors} → ${l.tensors}, bytes ${f.tensorBytes} → ${l.tensorBytes}`);
    if (l.dataIds !== f.dataIds) problems.push(`worker backend data ${f.dataIds} → ${l.dataIds}`);
    if (heapGrowth > HEAP_NOISE_BYTES) problems.push(`JS heap grew ${mb(heapGrowth)} MB (noise allowance ${mb(HEAP_NOISE_BYTES)} MB)`);
    if (l.keyframes <= f.keyframes) problems.push('no keyframes after the first sample: the dream stopped');
    if (errors.length) problems.push(`page errors: ${errors.join('; ')}`);
    console.log(`growth over ${(l.minute - f.minute).toFixed(1)} min: heap ${signed(heapGrowth, mb)} MB (${signed(perHour(heapGrowth), mb)} MB/h), ` +
      `worker tensors ${signed(l.tensors - f.tensors, String)}, tensor bytes ${signed(l.tensorBytes - f.tensorBytes, mb)} MB, backend data ${signed(l.dataIds - f.dataIds, String)}, ${l.keyframes - f.keyframes} keyframes`);
    console.log(problems.length ? `GROWTH / PROBLEMS: ${problems.join(' · ')}` : 'no growth beyond noise');
    if (o.json) writeFileSync(o.json, JSON.stringify({ options: o, samples, problems }, null, 2));
    process.exitCode = problems.length ? 1 : 0;
  } finally {
    await chrome.close().catch(() => undefined);
    if (server?.pid) process.kill(server.pid);
  }
}

main().catch((e) => { console.error(e); process.exit(2); });
