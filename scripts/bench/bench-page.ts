// Page figures of `npm run bench` (B1, B4, B5): our own build and `vite preview` on our own port, Debian's
// Chromium via playwright-core with the flags of playwright.config.ts, IWER's emulated Quest 3, the dream
// worker forced to wasm, the page's test API (?testHooks=1, src/app/testApi.ts) to read and steer it. Every
// process started here is stopped here, by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Page } from 'playwright-core';
import type {} from '../../src/app/testApi';

// Same flags as playwright.config.ts (WebGL2 = ANGLE on SwiftShader).
const CHROMIUM_ARGS = [
  '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
];
const OUT_DIR = '/tmp/bench-dist';

export interface PageOptions { port: number; size: number; /** Seconds per B1 window. */ windowS: number; /** B1's paused windows, each between two dreaming ones. */ rounds: number; steer: number; build: boolean; root: string; profileS: number; /** Seconds of dreaming in VR before B1's first window (the frame guard settles). */ settleS: number; /** Stop after B4 (first keyframe). */ onlyB4?: boolean; /** Extra page query, e.g. 'stereo=mesh' (exploration; the results file records it). */ query?: string }
export interface LongTasks { count: number; totalMs: number; maxMs: number; durationsMs: number[] }
export interface PageResult {
  backend: string;
  readyS: number; firstKeyframeArrivedS: number; firstKeyframeS: number;
  /** The worker's own start-up phases (ms), from its 'ready' event, and when that event reached the page (s). */
  workerPhasesMs: Record<string, number> | null; workerReadyS: number;
  /** When the page's script created the dream worker (s from navigation start). */
  workerCreatedS: number;
  /** The first keyframe's wall time in the worker (its 'ms'). */
  firstKeyframeWorkerMs: number;
  /** Pooled over the dreaming windows and over the paused ones (B1's ratio is their quotient). */
  fpsDreaming: number; fpsPaused: number; keyframesInWindow: number; dreamWindowS: number;
  /** Share of the dreaming windows' time the worker worked (keyframes' ms less their rests; counted per keyframe). */
  workerBusy: number;
  /** Per paused window: the dreaming windows beside it (mean fps) ÷ its fps. */
  roundRatios: number[];
  /** The frame guard's duty at the end of each dreaming window (null: no guard, ?frameGuard=off). */
  guardDuty: (number | null)[];
  longTasks: LongTasks;
  /** The same over the paused window: what the renderer alone costs here. */
  longTasksPaused: LongTasks;
  steerFrames: { all: number[]; max: number; median: number };
  /** Main thread's self time by function (and caller) while dreaming: share of samples (CDP profile after the measurements). */
  mainThreadProfile: { fn: string; share: number }[];
}

function run(cmd: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, cmd, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd.join(' ')} exited with ${code}`))));
  });
}

async function waitHttp(url: string, timeoutMs: number, server: ChildProcess): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (server.exitCode != null) throw new Error(`vite preview exited with ${server.exitCode} (port taken?)`);
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url} within ${timeoutMs} ms`);
}

// Installed before any page script: long tasks (> 50 ms) on the main thread, with their start times; when
// the dream worker was created and its 'ready' event (start-up phases) arrived, whenever that happens.
const INIT = () => {
  const w = window as unknown as { __benchLong: { start: number; duration: number }[]; __benchWorker: { created: number; readyAt: number; phasesMs: Record<string, number> | null } };
  w.__benchLong = [];
  w.__benchWorker = { created: NaN, readyAt: NaN, phasesMs: null };
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url: string | URL, opts?: WorkerOptions) {
      super(url, opts);
      if (Number.isNaN(w.__benchWorker.created)) w.__benchWorker.created = performance.now();
      this.addEventListener('message', (ev: MessageEvent) => {
        const d = ev.data as { type?: string; phasesMs?: Record<string, number> } | null;
        if (d?.type === 'ready' && Number.isNaN(w.__benchWorker.readyAt)) { w.__benchWorker.readyAt = performance.now(); w.__benchWorker.phasesMs = d.phasesMs ?? null; }
      });
    }
  };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__benchLong.push({ start: e.startTime, duration: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
};

/* eslint-disable @typescript-eslint/no-explicit-any */
declare global { interface Window { __bench?: { readyAt: number; backend: string; keyframes: number; keyframeAt: number; workMs: number; firstArrived: number; firstShown: number; firstWorkerMs: number } } }

export async function pageBench(o: PageOptions): Promise<PageResult> {
  const vite = `${o.root}/node_modules/vite/bin/vite.js`;
  if (o.build) {
    const t = performance.now();
    await run([vite, 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'], o.root);
    console.log(`  built ${OUT_DIR} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  const server = spawn(process.execPath, [vite, 'preview', '--outDir', OUT_DIR, '--port', String(o.port), '--strictPort'], { cwd: o.root, stdio: 'ignore' });
  const browser = await (async () => {
    await waitHttp(`http://localhost:${o.port}/`, 30_000, server);
    return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  })().catch((e) => { server.kill('SIGTERM'); throw e; });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.addInitScript(INIT);
    return await measure(page, o);
  } finally {
    await browser.close().catch(() => undefined);
    server.kill('SIGTERM');
  }
}

async function measure(page: Page, o: PageOptions): Promise<PageResult> {
  await page.goto(`http://localhost:${o.port}/?emulate=quest3&testHooks=1&backend=wasm&size=${o.size}${o.query ? `&${o.query}` : ''}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => !!window.__dreamGoggles, undefined, { timeout: 60_000 });
  // performance.now() in the page counts from the navigation's start: B4's clock.
  await page.evaluate(() => {
    const h = window.__dreamGoggles!;
    const b = (window.__bench = { readyAt: NaN, backend: '?', keyframes: 0, keyframeAt: NaN, workMs: 0, firstArrived: NaN, firstShown: NaN, firstWorkerMs: NaN });
    h.onDreamEvent('ready', (e) => { b.readyAt = performance.now(); b.backend = e.backend; });
    h.onDreamEvent('keyframe', (e) => {
      b.keyframes++;
      b.workMs += e.ms - (e.restMs ?? 0); // the worker's time on it, less the frame guard's rests
      b.keyframeAt = performance.now();
      if (b.keyframes > 1) return;
      b.firstWorkerMs = e.ms;
      b.firstArrived = b.keyframeAt;
      const off = h.onFrame(() => { off(); b.firstShown = performance.now(); }); // the next frame draws it
    });
  });
  await page.getByTestId('vr-button').click();
  await page.waitForFunction(() => window.__dreamGoggles!.state().presenting, undefined, { timeout: 60_000 });
  await page.waitForFunction(() => !Number.isNaN(window.__bench!.firstShown), undefined, { timeout: 180_000, polling: 100 });
  const first = await page.evaluate(() => ({ ...window.__bench! }));
  const wk = await page.evaluate(() => (window as any).__benchWorker as { created: number; readyAt: number; phasesMs: Record<string, number> | null });
  if (Number.isNaN(first.readyAt)) first.readyAt = wk.readyAt; // 'ready' fired before we listened
  const startup = { firstKeyframeWorkerMs: first.firstWorkerMs, workerPhasesMs: wk.phasesMs, workerReadyS: wk.readyAt / 1000, workerCreatedS: wk.created / 1000 };
  if (o.onlyB4) {
    const none = { count: 0, totalMs: 0, maxMs: 0, durationsMs: [] };
    return {
      backend: first.backend, readyS: first.readyAt / 1000, firstKeyframeArrivedS: first.firstArrived / 1000, firstKeyframeS: first.firstShown / 1000, ...startup,
      fpsDreaming: NaN, fpsPaused: NaN, keyframesInWindow: 0, dreamWindowS: 0, workerBusy: NaN, roundRatios: [], guardDuty: [], longTasks: none, longTasksPaused: none, mainThreadProfile: [], steerFrames: { all: [], max: NaN, median: NaN },
    };
  }

  // B1: XR frames/s over windows dreaming and paused, alternating D P D … P D (o.rounds paused windows): the
  // machine's load drifts within a run and between runs by more than the effect measured, and short
  // alternating windows let the drift hit both sides alike.
  const window_ = (s: number) => page.evaluate(async (ms) => {
    const h = window.__dreamGoggles!;
    const f0 = h.state().frameCount, k0 = window.__bench!.keyframes, w0 = window.__bench!.workMs, t0 = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    const t1 = performance.now();
    const long = ((window as any).__benchLong as { start: number; duration: number }[]).filter((e) => e.start >= t0 && e.start < t1).map((e) => e.duration);
    const g = h.frameGuard();
    return { fps: ((h.state().frameCount - f0) * 1000) / (t1 - t0), keyframes: window.__bench!.keyframes - k0, workMs: window.__bench!.workMs - w0, s: (t1 - t0) / 1000, long, duty: g?.active ? g.duty : null };
  }, s * 1000);
  // The frame guard (src/dream/pace.ts) starts each session at duty 1 and finds its level within a few
  // seconds: B1 measures the steady state after o.settleS of dreaming in VR (its duty is recorded).
  if (o.settleS > 0) await page.waitForTimeout(o.settleS * 1000);
  type Span = Awaited<ReturnType<typeof window_>>;
  const dreaming: Span[] = [await window_(o.windowS)];
  const paused: Span[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const lastKeyframeMs = await page.evaluate(() => window.__bench!.keyframeAt);
    await page.evaluate(() => window.__dreamGoggles!.stopDream());
    // The keyframe in flight still finishes: wait for it (or 60 s), then a short settle.
    await page.waitForFunction((t) => window.__bench!.keyframeAt > t, lastKeyframeMs, { timeout: 60_000, polling: 50 }).catch(() => undefined);
    await page.waitForTimeout(300);
    paused.push(await window_(o.windowS));
    await page.evaluate(() => window.__dreamGoggles!.startDream());
    dreaming.push(await window_(o.windowS));
  }
  const pooled = (ws: Span[]) => ws.reduce((k, w) => k + w.fps * w.s, 0) / ws.reduce((k, w) => k + w.s, 0);
  const long = dreaming.flatMap((w) => w.long);

  // B5: with the dream running, let the focus settle, turn the head ±20° yaw between two frames and count
  // rendered frames until the zoom focus (the u the stereo screen and the worker get) has moved that way.
  const steer: number[] = [];
  for (let i = 0; i < o.steer; i++) {
    const yaw = i % 2 === 0 ? -20 : 20; // −20°: look right (u grows)
    const n = await page.evaluate(async (deg) => {
      const h = window.__dreamGoggles!;
      // settle: |Δu| < 1e-5 over a frame (or give up after 8 s)
      await new Promise<void>((res) => {
        let prev = h.focus().u;
        const end = performance.now() + 8000;
        const off = h.onFrame(() => { const u = h.focus().u; const d = Math.abs(u - prev); prev = u; if (d < 1e-5 || performance.now() > end) { off(); res(); } });
      });
      return await new Promise<number>((res) => {
        let frames = -1;
        let u0 = 0;
        const off = h.onFrame(() => {
          frames++;
          if (frames === 0) { // end of a frame: change the pose for the next one
            u0 = h.focus().u;
            const half = (deg * Math.PI) / 360;
            h.headset.setOrientation(0, Math.sin(half), 0, Math.cos(half));
            return;
          }
          const u = h.focus().u;
          const moved = deg < 0 ? u > u0 + 1e-6 : u < u0 - 1e-6;
          if (moved || frames >= 120) { off(); res(moved ? frames : Infinity); }
        });
      });
    }, yaw);
    steer.push(n);
  }
  const mainThreadProfile = o.profileS > 0 ? await profileMainThread(page, o.profileS) : [];
  const sorted = [...steer].sort((x, y) => x - y);
  return {
    backend: first.backend,
    readyS: first.readyAt / 1000, firstKeyframeArrivedS: first.firstArrived / 1000, firstKeyframeS: first.firstShown / 1000, ...startup,
    fpsDreaming: pooled(dreaming), fpsPaused: pooled(paused),
    keyframesInWindow: dreaming.reduce((k, w) => k + w.keyframes, 0), dreamWindowS: dreaming.reduce((k, w) => k + w.s, 0),
    workerBusy: dreaming.reduce((k, w) => k + w.workMs, 0) / (1000 * dreaming.reduce((k, w) => k + w.s, 0)),
    // Each paused window against the mean of the dreaming windows on either side of it.
    roundRatios: paused.map((p, i) => (dreaming[i].fps + dreaming[i + 1].fps) / 2 / p.fps),
    guardDuty: dreaming.map((w) => w.duty),
    longTasks: longTasks(long), longTasksPaused: longTasks(paused.flatMap((w) => w.long)),
    mainThreadProfile,
    steerFrames: { all: steer, max: sorted[sorted.length - 1], median: sorted[Math.floor(sorted.length / 2)] },
  };
}

const longTasks = (d: number[]): LongTasks =>
  ({ count: d.length, totalMs: Math.round(d.reduce((x, y) => x + y, 0)), maxMs: Math.round(Math.max(0, ...d)), durationsMs: d.map((x) => Math.round(x)) });

interface CpuProfile { nodes: { id: number; hitCount?: number; children?: number[]; callFrame: { functionName: string; url: string; lineNumber: number } }[] }

/** Sample the page's main thread for `s` seconds; share of samples per function and its caller (top 12). */
async function profileMainThread(page: Page, s: number): Promise<{ fn: string; share: number }[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  await page.waitForTimeout(s * 1000);
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  await cdp.detach();
  const name = (n: CpuProfile['nodes'][number] | undefined) => {
    if (!n) return '';
    const f = n.callFrame;
    return `${f.functionName || '(anonymous)'}${f.url ? ` ${f.url.split('/').pop()}:${f.lineNumber + 1}` : ''}`;
  };
  const parent = new Map<number, CpuProfile['nodes'][number]>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const total = profile.nodes.reduce((k, x) => k + (x.hitCount ?? 0), 0) || 1;
  const self = new Map<string, number>();
  for (const n of profile.nodes) {
    const caller = parent.get(n.id);
    const key = caller && caller.callFrame.url ? `${name(n)} ← ${name(caller)}` : name(n);
    self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0));
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([fn, hits]) => ({ fn, share: Math.round((1000 * hits) / total) / 1000 }));
}
