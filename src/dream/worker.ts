/// <reference lib="webworker" />
// The dream worker: owns the backend, the models and every tensor. Loop: zoom about the current focus →
// dream → one async readback → post the keyframe as a transferred ImageBitmap. Commands are handled in
// order. A keyframe is dreamed in slices (one ascent step each) with a yield to the event loop between
// them, so commands are answered within a step; those that change the Dreamer wait for the keyframe's end.
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, clearChoice, loadChoice, saveChoice, useBackend, type BackendName } from '../tf';
import { DreamGovernor } from './degrade';
import { WorkPacer } from './pace';
import { Dreamer, recipeObjective } from './dreamer';
import { fetchManifest, loadDreamModel, passProfile, type DreamModel, type Manifest } from '../model';
import { fallbackNotice, firstWorkingRecipe } from './fallback';
import type { DreamCommand, DreamEvent, InitOptions, RgbaPixels } from './protocol';
import { RECIPES, validateRecipe, type Recipe } from './recipes';
import { noiseSeed } from './seed';
import { trackedFetch } from './progress';
import { ascentStep } from './step';
import type { Focus } from './zoom';
import { budgetedDepth, createDepthCadence, createDepthEstimator, createDepthStabilizer, type DepthCadence, type DepthEstimator, type DepthStabilizer } from '../depth';

declare const self: DedicatedWorkerGlobalScope;
const post = (e: DreamEvent, transfer: Transferable[] = []) => self.postMessage(e, transfer);

let options: InitOptions | null = null;
let manifest: Manifest | null = null;
const models = new Map<string, Promise<DreamModel>>();
let dreamer: Dreamer | null = null;
let recipe: Recipe | null = null;
let focus: Focus = [0.5, 0.5];
let running = false;
let looping = false;
// Depth for each keyframe (one dreamed image → both eyes). Loaded after the first dream is ready so it
// never delays it; until then, or if it fails, keyframes go out without depth (flat stereo).
let depth: { estimator: DepthEstimator; stabilizer: DepthStabilizer; cadence: DepthCadence } | null = null;
let lastZoom = 1;
let depthUrl: string | null = null; // loaded after the first keyframe is out, so it never delays it
// Set while the Dreamer is mid-keyframe; commands that change it wait (see betweenKeyframes).
let inFlight: Promise<void> | null = null;
// Graceful degradation: too-slow keyframes lower the dream's size, then its steps (src/dream/degrade.ts).
let governor: DreamGovernor | null = null;
// Frame guard (src/dream/pace.ts): rests between ascent steps while the page presents in XR.
const pacer = new WorkPacer();

/** Rests as long as the pacer says (0 when not pacing); returns the ms rested. */
async function pace(): Promise<number> {
  const ms = pacer.restAfter(performance.now());
  if (ms <= 0) return 0;
  post({ type: 'rest', atEpochMs: performance.timeOrigin + performance.now(), ms });
  await new Promise((r) => setTimeout(r, ms));
  return ms;
}

/** Resolves when no keyframe is being dreamed; apply Dreamer changes synchronously right after it. */
async function betweenKeyframes(): Promise<void> {
  while (inFlight) await inFlight;
}

/** A macrotask yield (MessageChannel: setTimeout(0) is clamped to ≥ 4 ms when nested). */
const yieldTask = (() => {
  let ch: MessageChannel | null = null;
  const waiting: (() => void)[] = [];
  return () => new Promise<void>((resolve) => {
    if (!ch) { ch = new MessageChannel(); ch.port1.onmessage = () => waiting.shift()?.(); }
    waiting.push(resolve);
    ch.port2.postMessage(0);
  });
})();

async function loadDepth(url: string): Promise<void> {
  try {
    const estimator = await createDepthEstimator({ modelUrl: url, fetchFn: trackedFetch('depth network', (p) => post({ type: 'progress', ...p })) });
    depth = { estimator, stabilizer: createDepthStabilizer(), cadence: createDepthCadence() };
  } catch (e) {
    post({ type: 'notice', message: `depth model not loaded (${(e as Error).message}); the dream is shown without stereo depth` });
  }
}

/**
 * Depth of one keyframe ([h,w,3] in [0,1]), stabilised against the previous one; async readback. Within the
 * depth budget (src/depth/cadence.ts: a share of `dreamMs`, the keyframe's dream time) the net predicts it;
 * otherwise it is the previous map warped by the zoom.
 */
async function keyframeDepth(img: tf.Tensor3D, index: number, zoom: number, f: Focus, dreamMs: number) {
  if (!depth) return undefined;
  const { estimator, stabilizer, cadence } = depth;
  if (index <= 1) { stabilizer.reset(); cadence.reset(); }
  const step = { scale: Math.max(index <= 1 ? 1 : zoom / lastZoom, 1e-6), focus: [f[0], f[1]] as [number, number] };
  const d = budgetedDepth(estimator, stabilizer, cadence, img, step, dreamMs).depth;
  const [h, w] = d.shape;
  const data = (await d.data()) as Float32Array;
  d.dispose();
  return { data, width: w, height: h };
}

function resolveRecipe(r: string | Recipe): Recipe {
  if (typeof r !== 'string') return validateRecipe(r);
  const found = RECIPES[r];
  if (!found) throw new Error(`unknown recipe '${r}' (have ${Object.keys(RECIPES).join(', ')})`);
  return found;
}

function model(id: string): Promise<DreamModel> {
  const entry = manifest?.models.find((m) => m.id === id);
  if (!entry || !options) return Promise.reject(new Error(`model '${id}' is not in models/manifest.json`));
  let p = models.get(id);
  if (!p) {
    // compiled for the backend it loads onto (src/model/compile.ts)
    p = loadDreamModel(entry, options.modelBaseUrl, trackedFetch(`dream network (${id})`, (pr) => post({ type: 'progress', ...pr })), passProfile(tf.getBackend()));
    p.catch(() => models.delete(id)); // let a later command retry
    models.set(id, p);
  }
  return p;
}

/** RGBA (ImageBitmap or pixels) → [1,h,w,3] in [0,1] at the keyframe size. */
function seedTensor(image: ImageBitmap | RgbaPixels, [w, h]: [number, number]): tf.Tensor4D {
  let px: RgbaPixels;
  if ('close' in image) {
    // A CPU-backed canvas: a GPU one reads back through the GPU process, which the page's WebGL shares (seconds on SwiftShader).
    const ctx = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('setSeedImage: no 2D canvas in this worker');
    ctx.drawImage(image, 0, 0, w, h);
    px = ctx.getImageData(0, 0, w, h);
    image.close();
  } else {
    px = image;
    if (!(px.width > 0 && px.height > 0) || px.data.length !== px.width * px.height * 4) {
      throw new Error(`setSeedImage: pixels must be RGBA with data.length = width·height·4, got ${px.data.length} for ${px.width}×${px.height}`);
    }
  }
  return tf.tidy(() => {
    const rgb = tf.slice(tf.tensor3d(Uint8Array.from(px.data), [px.height, px.width, 4], 'int32'), [0, 0, 0], [px.height, px.width, 3]);
    const x = tf.div(tf.expandDims(tf.cast(rgb, 'float32'), 0), 255) as tf.Tensor4D;
    return tf.image.resizeBilinear(x, [h, w], false, true);
  });
}

/** The first keyframe after a seed: one octave, two steps at half size (something dreamed on screen quickly). */
const QUICK_FIRST = { octaves: 1, steps: 2, scale: 0.5 };

/** The warm-up is a real ascent step of the recipe at 64 px: it times the real work and proves every kernel exists. */
const warmupStep = (m: DreamModel, r: Recipe) => () =>
  ascentStep(m, noiseSeed(64, 64, 0), recipeObjective(r, m.entry), { stepSize: r.stepSize });

async function handle(cmd: DreamCommand): Promise<void> {
  switch (cmd.type) {
    case 'init': {
      const t0 = performance.now();
      const phasesMs: Record<string, number> = {};
      let tp = t0;
      const phase = (name: string) => { const t = performance.now(); phasesMs[name] = Math.round(t - tp); tp = t; };
      options = cmd.options;
      focus = options.focus;
      manifest = await fetchManifest(new URL('../manifest.json', new URL(options.modelBaseUrl, self.location.href)).href, (u) => fetch(u));
      const wanted = resolveRecipe(options.recipe);
      phase('manifest');
      // Without an override, the choice this browser made last time (IndexedDB) skips timing every backend.
      const remembered = options.backend ? null : await loadChoice();
      const first: BackendName = options.backend ?? remembered?.backend ?? 'wasm';
      // Weights load onto the forced (or remembered) backend, else onto wasm (it always starts); a choice moves them.
      if (!(await useBackend(first, options))) {
        if (options.backend) { // a URL asked for it: say so and choose as if it had not
          post({ type: 'notice', message: `The '${options.backend}' backend could not start in this browser; choosing one automatically.` });
          options = { ...options, backend: null };
        }
        if (!(await useBackend('wasm', options))) throw new Error("backend: 'wasm' could not start");
      }
      phase('backend');
      watchContext();
      // A recipe whose model is missing, cut or wrong stands aside for the next one that loads (src/dream/fallback.ts).
      const working = await firstWorkingRecipe(wanted, Object.values(RECIPES), (r) => model(r.model));
      if (working.failures.length) post({ type: 'notice', message: fallbackNotice(wanted.name, working) });
      recipe = working.recipe;
      const m = working.model;
      phase('model');
      const job = warmupStep(m, recipe);
      // A forced wasm is not warmed up: it is the backend of last resort (nothing to compare or fall back to),
      // and the first keyframe runs the same kernels (time to first keyframe, issue 6 B4).
      const skipWarmup = options.backend === 'wasm';
      let choice = skipWarmup ? { backend: 'wasm' as BackendName, timingsMs: {} } : remembered
        ? await chooseBackend(job, { candidates: [remembered.backend], wasmPath: options.wasmPath }).catch(() => null)
        : null;
      const fromCache = choice?.backend === remembered?.backend && choice != null;
      if (!fromCache && !skipWarmup) {
        if (remembered) void clearChoice();
        const opts = options;
        choice = await chooseBackend(job, { override: opts.backend, wasmPath: opts.wasmPath }).catch((e: Error) => {
          if (!opts.backend) throw e;
          post({ type: 'notice', message: `The '${opts.backend}' backend cannot run the dream here (${e.message}); choosing one automatically.` });
          options = { ...opts, backend: null };
          return chooseBackend(job, { wasmPath: opts.wasmPath });
        });
        if (!options.backend && Object.keys(choice.timingsMs).length + Object.keys(choice.skipped ?? {}).length > 1) void saveChoice(choice.backend, choice.timingsMs);
      }
      const { backend, timingsMs, skipped } = choice!;
      if (!skipWarmup) phase(fromCache ? 'warmup (remembered backend)' : options.backend ? 'warmup' : 'backend choice');
      const seed = noiseSeed(options.size[1], options.size[0], options.seed);
      dreamer = new Dreamer(m, recipe, seed, options.seed, { quickFirst: QUICK_FIRST });
      seed.dispose();
      governor = new DreamGovernor({ size: Math.max(...options.size), steps: recipe.steps }, { limitMs: options.keyframeLimitMs ?? undefined });
      phasesMs.total = Math.round(performance.now() - t0);
      post({ type: 'ready', backend, timingsMs, ...(skipped ? { skipped } : {}), recipes: Object.keys(RECIPES), phasesMs, backendRemembered: fromCache, scriptMs: Math.round(t0) });
      post({ type: 'recipe', recipe });
      watchContext();
      depthUrl = options.depthModelUrl ?? null;
      return;
    }
    case 'start': running = true; post({ type: 'state', running }); void loop(); return;
    case 'stop': running = false; post({ type: 'state', running }); return;
    case 'setFocus': {
      const [u, v] = cmd.focus;
      if (!(u >= 0 && u <= 1 && v >= 0 && v <= 1)) throw new Error(`setFocus: focus must be in [0,1]², got (${u}, ${v})`);
      focus = [u, v];
      return;
    }
    case 'setRecipe': {
      const r = resolveRecipe(cmd.recipe);
      const m = await model(r.model);
      await betweenKeyframes();
      requireDreamer().setRecipe(r, m);
      recipe = r;
      post({ type: 'recipe', recipe: r });
      return;
    }
    case 'setSeedImage': {
      await betweenKeyframes();
      const d = requireDreamer();
      const seed = seedTensor(cmd.image, [d.size[1], d.size[0]]);
      d.setSeed(seed);
      seed.dispose();
      return;
    }
    case 'memory': if (cmd.settled && looping) memoryAsked = true; else postMemory(); return;
    case 'fault': {
      const applied = () => post({ type: 'faultApplied', fault: cmd.fault, atEpochMs: performance.timeOrigin + performance.now() });
      if (cmd.fault === 'crash') { applied(); setTimeout(() => { throw new Error('injected fault: the dream worker crashed'); }); return; }
      const lose = webglContext()?.getExtension('WEBGL_lose_context');
      if (!lose) throw new Error(`fault 'loseContext': the '${tf.getBackend()}' backend has no WebGL context to lose`);
      applied();
      lose.loseContext();
      return;
    }
    case 'dispose': {
      running = false;
      await betweenKeyframes();
      dreamer?.dispose();
      dreamer = null;
      depth?.estimator.dispose();
      depth?.stabilizer.dispose();
      depth = null;
      for (const p of models.values()) void p.then((m) => m.dispose(), () => undefined);
      models.clear();
      self.close();
    }
  }
}

// 'memory' with `settled`: reported between keyframes, not from inside one (its readbacks hold transient tensors).
let memoryAsked = false;
function postMemory(): void {
  memoryAsked = false;
  const m = tf.memory();
  post({ type: 'memory', numTensors: m.numTensors, numBytes: m.numBytes, dataIds: tf.engine().backend.numDataIds(), backend: tf.getBackend() });
}

/** An error, or — when the WebGL context is gone (its ops fail before the event arrives) — the fatal that restarts us. */
function failed(e: unknown, command?: DreamCommand['type']): void {
  if (webglContext()?.isContextLost()) { contextLost(); return; }
  post({ type: 'error', message: (e as Error)?.message ?? String(e), command });
}

let lostReported = false;
function contextLost(): void {
  running = false;
  if (lostReported) return;
  lostReported = true;
  post({ type: 'fatal', message: 'the dream worker lost its WebGL context', contextLost: true });
}

/** A lost WebGL context takes every tensor with it: say so, and DreamClient starts a fresh worker. */
const watched = new WeakSet<object>();
function watchContext(): void {
  const gl = webglContext();
  if (!gl || watched.has(gl)) return;
  watched.add(gl);
  (gl.canvas as EventTarget).addEventListener('webglcontextlost', () => {
    if (webglContext() === gl) contextLost(); // (not a backend no longer in use)
  });
}

/** The tfjs WebGL backend's context, when that backend is the one in use. */
function webglContext(): WebGL2RenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  return (tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } }).gpgpu?.gl ?? null;
}

function requireDreamer(): Dreamer {
  if (!dreamer) throw new Error("the worker is not initialised: send 'init' first");
  return dreamer;
}

async function loop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    pacer.begin(performance.now());
    while (running && dreamer && recipe) {
      const t0 = performance.now();
      let restMs = 0;
      const d = dreamer;
      let done!: () => void;
      inFlight = new Promise<void>((r) => { done = r; });
      let img: tf.Tensor3D, h: number, w: number, dreamMs = 0;
      let frame: ReturnType<Dreamer['keyframe']>;
      try {
        const steps = d.keyframeSteps(focus);
        for (let x = steps.next(); ; x = steps.next()) {
          if (x.done) { frame = x.value; break; }
          await yieldTask(); // commands (setFocus, stop, memory) are answered between ascent steps
          restMs += await pace();
        }
        img = tf.squeeze(frame.image, [0]) as tf.Tensor3D; // shares the data: survives a setSeed from here on
        [h, w] = img.shape;
        dreamMs = performance.now() - t0 - restMs;
      } finally {
        inFlight = null;
        done();
      }
      const rgba = await tf.browser.toPixels(img); // the keyframe's readbacks: its pixels and its depth, async
      let kd: Awaited<ReturnType<typeof keyframeDepth>>;
      try {
        kd = await keyframeDepth(img, frame.index, frame.zoom, frame.focus, dreamMs);
      } finally {
        img.dispose();
      }
      lastZoom = frame.zoom;
      const bitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(rgba.buffer as ArrayBuffer, rgba.byteOffset, rgba.length), w, h));
      // The pixels go too (transferred, no copy when they fill their buffer): DreamClient seeds a restart with them.
      const pixels = rgba.byteOffset === 0 && rgba.byteLength === rgba.buffer.byteLength ? rgba : rgba.slice();
      const transfer: Transferable[] = kd ? [bitmap, pixels.buffer, kd.data.buffer] : [bitmap, pixels.buffer];
      const ms = performance.now() - t0;
      post({ type: 'keyframe', bitmap, pixels, index: frame.index, zoom: frame.zoom, focus: frame.focus, width: w, height: h, recipe: recipe.name, ms, restMs, depth: kd }, transfer);
      if (memoryAsked) postMemory();
      if (depthUrl && !depth) { const u = depthUrl; depthUrl = null; void loadDepth(u); }
      // The quick first keyframe says nothing about the pace; later ones feed the governor.
      // (Its work, not the frame guard's rests: resting so the headset keeps its frame rate is not falling behind.)
      const lower = frame.index > 1 ? governor?.observe(ms - restMs) : null;
      if (lower) {
        await betweenKeyframes();
        if (dreamer === d) {
          d.resize(lower.level.size);
          d.maxSteps = lower.level.steps;
          post({ type: 'degraded', message: lower.message, size: lower.level.size, steps: lower.level.steps });
        }
      }
      await new Promise((r) => setTimeout(r, 0)); // let queued commands in
    }
  } catch (e) {
    running = false;
    failed(e);
  } finally {
    looping = false;
    if (memoryAsked) postMemory();
  }
}

let queue = Promise.resolve();
self.onmessage = (ev: MessageEvent<DreamCommand>) => {
  const cmd = ev.data;
  // Injected faults strike at once, not after the queued work (e.g. in the middle of a slow init).
  // So does the frame guard's pace: it must not wait behind a recipe change that waits for a keyframe.
  if (cmd?.type === 'setPace') { pacer.set(cmd.duty, cmd.probeMs); return; }
  if (cmd?.type === 'fault') { handle(cmd).catch((e: unknown) => post({ type: 'error', message: (e as Error).message, command: cmd.type })); return; }
  queue = queue.then(() => handle(cmd)).catch((e: unknown) => failed(e, cmd?.type));
};
