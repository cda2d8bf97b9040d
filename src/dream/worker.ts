/// <reference lib="webworker" />
// The dream worker: owns the backend, the models and every tensor. Loop: zoom about the current focus →
// dream → one async readback → post the keyframe as a transferred ImageBitmap. Commands are handled in
// order; state changes land between keyframes (a keyframe itself is synchronous tensor work).
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, useBackend } from '../tf/backend';
import { Dreamer, recipeObjective } from './dreamer';
import { loadDreamModel, validateManifest, type DreamModel, type Manifest } from './model';
import type { DreamCommand, DreamEvent, InitOptions, RgbaPixels } from './protocol';
import { RECIPES, validateRecipe, type Recipe } from './recipes';
import { noiseSeed } from './seed';
import { trackedFetch } from './progress';
import { ascentStep } from './step';
import type { Focus } from './zoom';
import { createDepthEstimator, createDepthStabilizer, type DepthEstimator, type DepthStabilizer } from '../depth';

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
let depth: { estimator: DepthEstimator; stabilizer: DepthStabilizer } | null = null;
let lastZoom = 1;

async function loadDepth(url: string): Promise<void> {
  try {
    const estimator = await createDepthEstimator({ modelUrl: url, fetchFn: trackedFetch('depth network', (p) => post({ type: 'progress', ...p })) });
    depth = { estimator, stabilizer: createDepthStabilizer() };
  } catch (e) {
    post({ type: 'notice', message: `depth model not loaded (${(e as Error).message}); the dream is shown without stereo depth` });
  }
}

/** Depth of one keyframe ([h,w,3] in [0,1]), stabilised against the previous one; async readback. */
async function keyframeDepth(img: tf.Tensor3D, index: number, zoom: number, f: Focus) {
  if (!depth) return undefined;
  if (index <= 1) depth.stabilizer.reset();
  const step = index <= 1 ? 1 : zoom / lastZoom;
  const d = tf.tidy(() => {
    const raw = depth!.estimator.estimate(img);
    return depth!.stabilizer.fuse(raw, { scale: Math.max(step, 1e-6), focus: [f[0], f[1]] });
  });
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
    p = loadDreamModel(entry, options.modelBaseUrl, trackedFetch(`dream network (${id})`, (pr) => post({ type: 'progress', ...pr })));
    p.catch(() => models.delete(id)); // let a later command retry
    models.set(id, p);
  }
  return p;
}

/** RGBA (ImageBitmap or pixels) → [1,h,w,3] in [0,1] at the keyframe size. */
function seedTensor(image: ImageBitmap | RgbaPixels, [w, h]: [number, number]): tf.Tensor4D {
  let px: RgbaPixels;
  if ('close' in image) {
    const ctx = new OffscreenCanvas(w, h).getContext('2d');
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

/** The warm-up is a real ascent step of the recipe at 64 px: it times the real work and proves every kernel exists. */
const warmupStep = (m: DreamModel, r: Recipe) => () =>
  ascentStep(m, noiseSeed(64, 64, 0), recipeObjective(r, m.entry), { stepSize: r.stepSize });

async function handle(cmd: DreamCommand): Promise<void> {
  switch (cmd.type) {
    case 'init': {
      options = cmd.options;
      focus = options.focus;
      const res = await fetch(new URL('../manifest.json', new URL(options.modelBaseUrl, self.location.href)).href).catch(() => null);
      if (!res?.ok) throw new Error(`cannot load models/manifest.json next to ${options.modelBaseUrl}`);
      manifest = validateManifest(await res.json());
      recipe = resolveRecipe(options.recipe);
      // Weights load onto the forced backend, else onto wasm (it always starts); the choice below moves them.
      if (!(await useBackend(options.backend ?? 'wasm', options))) throw new Error(`backend: '${options.backend ?? 'wasm'}' could not start`);
      const m = await model(recipe.model);
      const { backend, timingsMs } = await chooseBackend(warmupStep(m, recipe), { override: options.backend, wasmPath: options.wasmPath });
      const seed = noiseSeed(options.size[1], options.size[0], options.seed);
      dreamer = new Dreamer(m, recipe, seed, options.seed);
      seed.dispose();
      post({ type: 'ready', backend, timingsMs, recipes: Object.keys(RECIPES) });
      post({ type: 'recipe', recipe });
      // A lost WebGL context takes every tensor with it: say so, and DreamClient starts a fresh worker.
      (webglContext()?.canvas as EventTarget | undefined)?.addEventListener('webglcontextlost', () => {
        running = false;
        post({ type: 'fatal', message: 'the dream worker lost its WebGL context' });
      }, { once: true });
      if (options.depthModelUrl) void loadDepth(options.depthModelUrl);
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
      requireDreamer().setRecipe(r, m);
      recipe = r;
      post({ type: 'recipe', recipe: r });
      return;
    }
    case 'setSeedImage': {
      const d = requireDreamer();
      const seed = seedTensor(cmd.image, [d.size[1], d.size[0]]);
      d.setSeed(seed);
      seed.dispose();
      return;
    }
    case 'memory': {
      const m = tf.memory();
      post({ type: 'memory', numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() });
      return;
    }
    case 'fault': {
      if (cmd.fault === 'crash') { setTimeout(() => { throw new Error('injected fault: the dream worker crashed'); }); return; }
      const lose = webglContext()?.getExtension('WEBGL_lose_context');
      if (!lose) throw new Error(`fault 'loseContext': the '${tf.getBackend()}' backend has no WebGL context to lose`);
      lose.loseContext();
      return;
    }
    case 'dispose': {
      running = false;
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
    while (running && dreamer && recipe) {
      const t0 = performance.now();
      const frame = dreamer.keyframe(focus);
      const [, h, w] = frame.image.shape;
      const img = tf.squeeze(frame.image, [0]) as tf.Tensor3D;
      const rgba = await tf.browser.toPixels(img); // the keyframe's readbacks: its pixels and its depth, async
      let kd: Awaited<ReturnType<typeof keyframeDepth>>;
      try {
        kd = await keyframeDepth(img, frame.index, frame.zoom, frame.focus);
      } finally {
        img.dispose();
      }
      lastZoom = frame.zoom;
      const bitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(rgba.buffer as ArrayBuffer, rgba.byteOffset, rgba.length), w, h));
      const transfer: Transferable[] = kd ? [bitmap, kd.data.buffer] : [bitmap];
      post({ type: 'keyframe', bitmap, index: frame.index, zoom: frame.zoom, focus: frame.focus, width: w, height: h, recipe: recipe.name, ms: performance.now() - t0, depth: kd }, transfer);
      await new Promise((r) => setTimeout(r, 0)); // let queued commands in
    }
  } catch (e) {
    running = false;
    post({ type: 'error', message: (e as Error).message });
  } finally {
    looping = false;
  }
}

let queue = Promise.resolve();
self.onmessage = (ev: MessageEvent<DreamCommand>) => {
  const cmd = ev.data;
  queue = queue.then(() => handle(cmd)).catch((e: unknown) => post({ type: 'error', message: (e as Error)?.message ?? String(e), command: cmd?.type }));
};
