// One dream worker's whole state and its commands, without the Worker: the backend (backend-policy.ts), the
// models, the Dreamer, the recipe and focus, the keyframe loop, depth, graceful degradation and the frame guard's
// pacing. Commands come in through `receive` and are handled in order; events go out through the injected `post`.
// What a worker has and Node lacks (bitmaps, a canvas, a macrotask yield, ending the worker) is injected too, so
// unit tests drive a session in Node and worker.ts only moves messages.
//
// The loop: zoom about the current focus → dream → one async readback → post the keyframe (its pixels, a bitmap
// of them, and its depth). A keyframe is dreamed in slices (one ascent step each) with a yield between them, so
// commands are answered within a step; those that change the Dreamer wait for the keyframe's end.
import * as tf from '@tensorflow/tfjs';
import { budgetedDepth, createDepthCadence, createDepthEstimator, createDepthStabilizer, type DepthCadence, type DepthEstimator, type DepthStabilizer } from '../depth';
import { fetchManifest, loadDreamModel, passProfile, type DreamModel, type FetchLike, type Manifest } from '../model';
import { acceleratorStatus, chooseBackend, clearChoice, loadChoice, saveChoice, useBackend } from '../tf';
import { settleBackend, startBackend, type BackendOps, type BackendSetup } from './backend-policy';
import { DreamGovernor } from './degrade';
import { Dreamer, recipeObjective } from './dreamer';
import { fallbackNotice, firstWorkingRecipe } from './fallback';
import { WorkPacer } from './pace';
import { trackedFetch } from './progress';
import type { DreamCommand, DreamEvent, InitOptions, KeyframeDepth, RgbaPixels } from './protocol';
import { RECIPES, validateRecipe, type Recipe } from './recipes';
import { noiseSeed } from './seed';
import { ascentStep } from './step';
import type { Focus } from './zoom';

/** What a session needs from where it runs: a worker (worker.ts) or a unit test in Node. */
export interface SessionIO {
  /** Sends an event to the page; `transfer`: bitmaps and buffers moved, not copied. */
  post(event: DreamEvent, transfer?: Transferable[]): void;
  /** Reads the manifest and the models' files (the worker's fetch; in Node src/tf/file-fetch.ts). */
  fetch: FetchLike;
  /** What InitOptions' relative URLs resolve against (the worker script's location). */
  baseUrl: string;
  /** A keyframe's RGBA pixels (width·height·4, top row first) as the bitmap the page draws. */
  toBitmap(rgba: Uint8ClampedArray, width: number, height: number): Promise<ImageBitmap>;
  /** An ImageBitmap seed's RGBA pixels, drawn at width×height; closes the bitmap. */
  readBitmap(image: ImageBitmap, width: number, height: number): RgbaPixels;
  /** A macrotask yield: messages already queued for the worker are delivered before it resolves. */
  yieldTask(): Promise<void>;
  /** Ends the worker with `error` uncaught (the 'crash' fault: the page must see a dead worker). */
  crash(error: Error): void;
  /** Ends the worker, after 'dispose'. */
  close(): void;
  /** Backend start, warm-up timing and the remembered choice; src/tf's when absent. */
  backends?: BackendOps;
}

/** The first keyframe after a seed: one octave, two steps at half size (something dreamed on screen quickly). */
const QUICK_FIRST = { octaves: 1, steps: 2, scale: 0.5 };

/** The warm-up is a real ascent step of the recipe at 64 px: it times the real work and proves every kernel exists. */
const warmupStep = (m: DreamModel, r: Recipe) => () =>
  ascentStep(m, noiseSeed(64, 64, 0), recipeObjective(r, m.entry), { stepSize: r.stepSize });

const SRC_BACKENDS: BackendOps = { useBackend, chooseBackend, loadChoice, saveChoice, clearChoice };

/** Depth for each keyframe (one dreamed image → both eyes): the net, its stabiliser across the zoom, its budget. */
interface DepthState { estimator: DepthEstimator; stabilizer: DepthStabilizer; cadence: DepthCadence }

function resolveRecipe(r: string | Recipe): Recipe {
  if (typeof r !== 'string') return validateRecipe(r);
  const found = RECIPES[r];
  if (!found) throw new Error(`unknown recipe '${r}' (have ${Object.keys(RECIPES).join(', ')})`);
  return found;
}

/** The tfjs WebGL backend's context, when that backend is the one in use. */
function webglContext(): WebGL2RenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  return (tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } }).gpgpu?.gl ?? null;
}

const epochMs = () => performance.timeOrigin + performance.now();

export class DreamSession {
  private readonly backends: BackendOps;
  private options: InitOptions | null = null;
  private manifest: Manifest | null = null;
  private readonly models = new Map<string, Promise<DreamModel>>();
  private dreamer: Dreamer | null = null;
  private recipe: Recipe | null = null;
  private focus: Focus = [0.5, 0.5];
  private running = false;
  private looping = false;
  private loopEnded: Promise<void> = Promise.resolve();
  // Loaded after the first keyframe is out, so it never delays it; until then, or if it fails, keyframes go
  // out without depth (flat stereo).
  private depth: DepthState | null = null;
  private depthUrl: string | null = null;
  // Set while the Dreamer is mid-keyframe; commands that change it wait (see betweenKeyframes).
  private inFlight: Promise<void> | null = null;
  // Too-slow keyframes lower the dream's size, then its steps (degrade.ts).
  private governor: DreamGovernor | null = null;
  // Frame guard (pace.ts): rests between ascent steps while the page presents in XR.
  private readonly pacer = new WorkPacer();
  // 'memory' with `settled`: reported between keyframes, not from inside one (its readbacks hold transient tensors).
  private memoryAsked = false;
  private lostReported = false;
  private readonly watched = new WeakSet<object>();
  private queue: Promise<void> = Promise.resolve();
  // After 'dispose': nothing more is handled or sent (as from a closed worker).
  private closed = false;

  constructor(private readonly io: SessionIO) {
    this.backends = io.backends ?? SRC_BACKENDS;
  }

  /**
   * A command from the page. Commands are handled one after another, except two that must not wait behind queued
   * work (e.g. a recipe change waiting for a keyframe, or a slow init): the frame guard's pace and an injected
   * fault. Resolves when this command has been handled; its failure is posted as an 'error' event, never thrown.
   */
  receive(cmd: DreamCommand): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (cmd?.type === 'setPace') { this.setPace(cmd.duty, cmd.probeMs); return Promise.resolve(); }
    if (cmd?.type === 'fault') {
      return this.fault(cmd.fault).catch((e: unknown) => this.post({ type: 'error', message: (e as Error).message, command: cmd.type }));
    }
    this.queue = this.queue.then(() => (this.closed ? undefined : this.handle(cmd))).catch((e: unknown) => this.failed(e, cmd?.type));
    return this.queue;
  }

  private handle(cmd: DreamCommand): Promise<void> | void {
    switch (cmd?.type) {
      case 'init': return this.init(cmd.options);
      case 'start': return this.start();
      case 'stop': return this.stop();
      case 'setFocus': return this.setFocus(cmd.focus);
      case 'setRecipe': return this.setRecipe(cmd.recipe);
      case 'setSeedImage': return this.setSeedImage(cmd.image);
      case 'memory': return this.memory(cmd.settled === true);
      case 'dispose': return this.dispose();
      default: throw new Error(`unknown command ${JSON.stringify((cmd as { type?: unknown } | null)?.type)}`);
    }
  }

  private post(e: DreamEvent, transfer: Transferable[] = []): void {
    if (!this.closed) this.io.post(e, transfer);
  }

  /** Manifest, backend, the recipe's model (or the next that loads), backend choice, Dreamer: then 'ready'. */
  async init(o: InitOptions): Promise<void> {
    const t0 = performance.now();
    const phasesMs: Record<string, number> = {};
    let tp = t0;
    const phase = (name: string) => { const t = performance.now(); phasesMs[name] = Math.round(t - tp); tp = t; };
    const notice = (message: string) => this.post({ type: 'notice', message });
    this.options = o;
    this.focus = o.focus;
    this.manifest = await fetchManifest(o.manifestUrl ?? new URL('../manifest.json', new URL(o.modelBaseUrl, this.io.baseUrl)).href, this.io.fetch);
    const wanted = resolveRecipe(o.recipe);
    phase('manifest');
    // The weights load onto the forced (or remembered) backend, else onto wasm (it always starts); a choice moves them.
    const setup: BackendSetup = { wasmPath: o.wasmPath, ...(o.accelerator === false ? { accelerator: false } : {}) };
    const started = await startBackend(o.backend, setup, this.backends, notice);
    phase('backend');
    this.watchContext();
    // A recipe whose model is missing, cut or wrong stands aside for the next one that loads (fallback.ts).
    const working = await firstWorkingRecipe(wanted, Object.values(RECIPES), (r) => this.model(r.model));
    if (working.failures.length) notice(fallbackNotice(wanted.name, working));
    const recipe = working.recipe;
    this.recipe = recipe;
    phase('model');
    const { backend, timingsMs, skipped, fromMemory, phase: warmup } = await settleBackend(started, warmupStep(working.model, recipe), this.backends, notice);
    if (warmup) phase(warmup);
    const seed = noiseSeed(o.size[1], o.size[0], o.seed);
    this.dreamer = new Dreamer(working.model, recipe, seed, o.seed, { quickFirst: QUICK_FIRST });
    seed.dispose();
    this.governor = new DreamGovernor({ size: Math.max(...o.size), steps: recipe.steps }, { limitMs: o.keyframeLimitMs ?? undefined });
    phasesMs.total = Math.round(performance.now() - t0);
    this.post({
      type: 'ready', backend, timingsMs, ...(skipped ? { skipped } : {}), recipes: Object.keys(RECIPES), phasesMs,
      backendRemembered: fromMemory, scriptMs: Math.round(t0), accelerator: acceleratorStatus(),
    });
    this.post({ type: 'recipe', recipe });
    this.watchContext();
    this.depthUrl = o.depthModelUrl ?? null;
  }

  start(): void {
    this.running = true;
    this.post({ type: 'state', running: true });
    if (!this.looping) this.loopEnded = this.loop();
  }

  stop(): void {
    this.running = false;
    this.post({ type: 'state', running: false });
  }

  /** (u,v) in [0,1]²: the next keyframe zooms about it. */
  setFocus([u, v]: Focus): void {
    if (!(u >= 0 && u <= 1 && v >= 0 && v <= 1)) throw new Error(`setFocus: focus must be in [0,1]², got (${u}, ${v})`);
    this.focus = [u, v];
  }

  /** A recipe by name, or a whole one (validated); its model loads first if it is another. */
  async setRecipe(recipe: string | Recipe): Promise<void> {
    const r = resolveRecipe(recipe);
    const m = await this.model(r.model);
    await this.betweenKeyframes();
    this.requireDreamer().setRecipe(r, m);
    this.recipe = r;
    this.post({ type: 'recipe', recipe: r });
  }

  /** The zoom starts again from this picture: the next keyframe is index 1 and a reset. */
  async setSeedImage(image: ImageBitmap | RgbaPixels): Promise<void> {
    await this.betweenKeyframes();
    const d = this.requireDreamer();
    const seed = this.seedTensor(image, [d.size[1], d.size[0]]);
    d.setSeed(seed);
    seed.dispose();
  }

  /** Frame guard (pace.ts): the share of time the loop may work, or null for no pacing. */
  setPace(duty: number | null, probeMs?: number): void {
    this.pacer.set(duty, probeMs);
  }

  /** A 'memory' event: now, or with `settled` once the keyframe being made is out. */
  memory(settled: boolean): void {
    if (settled && this.looping) this.memoryAsked = true;
    else this.postMemory();
  }

  /** A test hook: only with `testHooks` in init. */
  async fault(fault: 'crash' | 'loseContext'): Promise<void> {
    if (this.options?.testHooks !== true) throw new Error(`fault '${fault}' refused: fault injection is a test hook, on only when init has testHooks: true`);
    const applied = () => this.post({ type: 'faultApplied', fault, atEpochMs: epochMs() });
    if (fault === 'crash') {
      applied();
      this.io.crash(new Error('injected fault: the dream worker crashed'));
      return;
    }
    const lose = webglContext()?.getExtension('WEBGL_lose_context');
    if (!lose) throw new Error(`fault 'loseContext': the '${tf.getBackend()}' backend has no WebGL context to lose`);
    applied();
    lose.loseContext();
  }

  /** Stops the loop, frees every tensor and model once the keyframe in flight is done, and ends the worker. */
  async dispose(): Promise<void> {
    this.closed = true;
    this.running = false;
    await this.loopEnded;
    this.dreamer?.dispose();
    this.dreamer = null;
    this.depth?.estimator.dispose();
    this.depth?.stabilizer.dispose();
    this.depth = null;
    for (const p of this.models.values()) void p.then((m) => m.dispose(), () => undefined);
    this.models.clear();
    this.io.close();
  }

  /** Rests as long as the pacer says (0 when not pacing); returns the ms rested. */
  private async pace(): Promise<number> {
    const ms = this.pacer.restAfter(performance.now());
    if (ms <= 0) return 0;
    this.post({ type: 'rest', atEpochMs: epochMs(), ms });
    await new Promise((r) => setTimeout(r, ms));
    return ms;
  }

  /** Resolves when no keyframe is being dreamed; apply Dreamer changes synchronously right after it. */
  private async betweenKeyframes(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async loadDepth(url: string): Promise<void> {
    try {
      const estimator = await createDepthEstimator({ modelUrl: url, fetchFn: trackedFetch('depth network', (p) => this.post({ type: 'progress', ...p }), this.io.fetch) });
      this.depth = { estimator, stabilizer: createDepthStabilizer(), cadence: createDepthCadence() };
    } catch (e) {
      this.post({ type: 'notice', message: `depth model not loaded (${(e as Error).message}); the dream is shown without stereo depth` });
    }
  }

  /**
   * Depth of one keyframe ([h,w,3] in [0,1]), stabilised against the previous one (warped by `stepZoom` about the
   * focus; a reset starts the stabiliser and the budget afresh); async readback. Within the depth budget
   * (src/depth/cadence.ts: a share of `dreamMs`, the keyframe's dream time) the net predicts it; otherwise it is
   * the previous map warped by the zoom.
   */
  private async keyframeDepth(img: tf.Tensor3D, reset: boolean, stepZoom: number, f: Focus, dreamMs: number): Promise<KeyframeDepth | undefined> {
    if (!this.depth) return undefined;
    const { estimator, stabilizer, cadence } = this.depth;
    if (reset) { stabilizer.reset(); cadence.reset(); }
    const step = { scale: Math.max(stepZoom, 1e-6), focus: [f[0], f[1]] as [number, number] };
    const d = budgetedDepth(estimator, stabilizer, cadence, img, step, dreamMs).depth;
    const [h, w] = d.shape;
    const data = (await d.data()) as Float32Array;
    d.dispose();
    return { data, width: w, height: h };
  }

  private model(id: string): Promise<DreamModel> {
    const entry = this.manifest?.models.find((m) => m.id === id);
    const o = this.options;
    if (!entry || !o) return Promise.reject(new Error(`model '${id}' is not in models/manifest.json`));
    let p = this.models.get(id);
    if (!p) {
      // compiled for the backend it loads onto (src/model/compile.ts)
      p = loadDreamModel(entry, o.modelBaseUrl, trackedFetch(`dream network (${id})`, (pr) => this.post({ type: 'progress', ...pr }), this.io.fetch), passProfile(tf.getBackend()));
      p.catch(() => this.models.delete(id)); // let a later command retry
      this.models.set(id, p);
    }
    return p;
  }

  /** RGBA (ImageBitmap or pixels) → [1,h,w,3] in [0,1] at the keyframe size. */
  private seedTensor(image: ImageBitmap | RgbaPixels, [w, h]: [number, number]): tf.Tensor4D {
    let px: RgbaPixels;
    if ('close' in image) {
      px = this.io.readBitmap(image, w, h);
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

  private postMemory(): void {
    this.memoryAsked = false;
    const m = tf.memory();
    this.post({ type: 'memory', numTensors: m.numTensors, numBytes: m.numBytes, dataIds: tf.engine().backend.numDataIds(), backend: tf.getBackend() });
  }

  /** An error, or — when the WebGL context is gone (its ops fail before the event arrives) — the fatal that restarts us. */
  private failed(e: unknown, command?: DreamCommand['type']): void {
    if (webglContext()?.isContextLost()) { this.contextLost(); return; }
    this.post({ type: 'error', message: (e as Error)?.message ?? String(e), command });
  }

  private contextLost(): void {
    this.running = false;
    if (this.lostReported) return;
    this.lostReported = true;
    this.post({ type: 'fatal', message: 'the dream worker lost its WebGL context', contextLost: true });
  }

  /** A lost WebGL context takes every tensor with it: say so, and DreamClient starts a fresh worker. */
  private watchContext(): void {
    const gl = webglContext();
    if (!gl || this.watched.has(gl)) return;
    this.watched.add(gl);
    (gl.canvas as EventTarget).addEventListener('webglcontextlost', () => {
      if (webglContext() === gl) this.contextLost(); // (not a backend no longer in use)
    });
  }

  private requireDreamer(): Dreamer {
    if (!this.dreamer) throw new Error("the worker is not initialised: send 'init' first");
    return this.dreamer;
  }

  private async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      this.pacer.begin(performance.now());
      while (this.running && this.dreamer && this.recipe) {
        const t0 = performance.now();
        let restMs = 0;
        const d = this.dreamer;
        let done!: () => void;
        this.inFlight = new Promise<void>((r) => { done = r; });
        let img: tf.Tensor3D, h: number, w: number, dreamMs = 0;
        let frame: ReturnType<Dreamer['keyframe']>;
        try {
          const steps = d.keyframeSteps(this.focus);
          for (let x = steps.next(); ; x = steps.next()) {
            if (x.done) { frame = x.value; break; }
            await this.io.yieldTask(); // commands (setFocus, stop, memory) are answered between ascent steps
            restMs += await this.pace();
          }
          img = tf.squeeze(frame.image, [0]) as tf.Tensor3D; // shares the data: survives a setSeed from here on
          [h, w] = img.shape;
          dreamMs = performance.now() - t0 - restMs;
        } finally {
          this.inFlight = null;
          done();
        }
        // The first keyframe after a seed (init, setSeedImage, a restarted worker's seed) is not a zoom of the last.
        const reset = frame.index === 1;
        const stepZoom = reset ? 1 : frame.stepZoom;
        const rgba = await tf.browser.toPixels(img); // the keyframe's readbacks: its pixels and its depth, async
        let depth: KeyframeDepth | undefined;
        try {
          depth = await this.keyframeDepth(img, reset, stepZoom, frame.focus, dreamMs);
        } finally {
          img.dispose();
        }
        const bitmap = await this.io.toBitmap(rgba, w, h);
        // The pixels go too (transferred, no copy when they fill their buffer): DreamClient seeds a restart with them.
        const pixels = rgba.byteOffset === 0 && rgba.byteLength === rgba.buffer.byteLength ? rgba : rgba.slice();
        const transfer: Transferable[] = depth ? [bitmap, pixels.buffer, depth.data.buffer] : [bitmap, pixels.buffer];
        const ms = performance.now() - t0;
        this.post({
          type: 'keyframe', bitmap, pixels, index: frame.index, stepZoom, reset, focus: frame.focus, width: w, height: h,
          recipe: this.recipe.name, ms, restMs, depth,
        }, transfer);
        if (this.memoryAsked) this.postMemory();
        if (this.depthUrl && !this.depth) { const u = this.depthUrl; this.depthUrl = null; void this.loadDepth(u); }
        // The quick first keyframe says nothing about the pace; later ones feed the governor.
        // (Its work, not the frame guard's rests: resting so the headset keeps its frame rate is not falling behind.)
        const lower = frame.index > 1 ? this.governor?.observe(ms - restMs) : null;
        if (lower) {
          await this.betweenKeyframes();
          if (this.dreamer === d) {
            d.resize(lower.level.size);
            d.maxSteps = lower.level.steps;
            this.post({ type: 'degraded', message: lower.message, size: lower.level.size, steps: lower.level.steps });
          }
        }
        await new Promise((r) => setTimeout(r, 0)); // let queued commands in
      }
    } catch (e) {
      this.running = false;
      this.failed(e);
    } finally {
      this.looping = false;
      if (this.memoryAsked) this.postMemory();
    }
  }
}
