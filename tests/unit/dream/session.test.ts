import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendOps } from '../../../src/dream/backend-policy';
import type { DreamCommand, DreamEvent, InitOptions, KeyframeMessage } from '../../../src/dream/protocol';
import { validateRecipe } from '../../../src/dream/recipes';
import { DreamSession } from '../../../src/dream/session';
import { acceleratorStatus, chooseBackend, useBackend } from '../../../src/tf';
import { fileFetch } from '../../../src/tf/file-fetch';
import { MODEL_DIR, ROOT, SELFIE_NODE, WASM_DIR, wasm } from './helpers';

// A DreamSession driven without a Worker, in Node on wasm with the small real model `selfie`: what the worker
// does for each command and what its events carry. Bitmaps are stand-ins; everything else is the real engine.

const tiny = validateRecipe({ name: 'tiny', model: 'selfie', terms: [{ node: SELFIE_NODE, weight: 1 }], octaves: 2, steps: 2, stepSize: 0.02, jitter: 4, zoom: 1.1, colour: 0.3 });
const SIZE = 32;
const options = (over: Partial<InitOptions> = {}): InitOptions => ({
  modelBaseUrl: MODEL_DIR, manifestUrl: `${ROOT}/models/manifest.json`, wasmPath: WASM_DIR, backend: 'wasm',
  size: [SIZE, SIZE], recipe: tiny, focus: [0.4, 0.6], seed: 3, depthModelUrl: null, keyframeLimitMs: 0, ...over,
});

interface StandInBitmap { width: number; height: number; closed: boolean; close(): void }
const standIn = (width: number, height: number): StandInBitmap => ({ width, height, closed: false, close() { this.closed = true; } });

/** A session with recording stand-ins for what a worker provides. */
class Harness {
  readonly events: DreamEvent[] = [];
  readonly transfers: Transferable[][] = [];
  /** yieldTask calls so far, and their count when each keyframe was posted. */
  yields = 0;
  readonly yieldsAtKeyframe: number[] = [];
  onYield: ((n: number) => void) | null = null;
  readonly crashes: Error[] = [];
  readonly readBitmaps: StandInBitmap[] = [];
  closed = false;
  readonly session: DreamSession;

  constructor(backends?: BackendOps) {
    this.session = new DreamSession({
      post: (e, transfer = []) => {
        this.events.push(e);
        this.transfers.push(transfer);
        if (e.type === 'keyframe') this.yieldsAtKeyframe.push(this.yields);
      },
      fetch: fileFetch,
      baseUrl: pathToFileURL(`${ROOT}/`).href,
      toBitmap: async (_rgba, width, height) => standIn(width, height) as unknown as ImageBitmap,
      readBitmap: (image, width, height) => {
        this.readBitmaps.push(image as unknown as StandInBitmap);
        image.close();
        return { data: new Uint8ClampedArray(width * height * 4).fill(200), width, height };
      },
      yieldTask: () => {
        this.yields++;
        this.onYield?.(this.yields);
        return new Promise((r) => setImmediate(r));
      },
      crash: (e) => this.crashes.push(e),
      close: () => { this.closed = true; },
      ...(backends ? { backends } : {}),
    });
  }

  send(cmd: DreamCommand): Promise<void> { return this.session.receive(cmd); }
  of<T extends DreamEvent['type']>(type: T): Extract<DreamEvent, { type: T }>[] {
    return this.events.filter((e) => e.type === type) as Extract<DreamEvent, { type: T }>[];
  }
  get keyframes(): KeyframeMessage[] { return this.of('keyframe'); }
  get errors(): string[] { return this.of('error').map((e) => `${e.command ?? ''}: ${e.message}`); }

  /** Waits (real time) until `ok()`, failing after `ms`. */
  async until(ok: () => boolean, what: string, ms = 60_000): Promise<void> {
    const t0 = Date.now();
    while (!ok()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; events: ${this.events.map((e) => e.type).join(' ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  keyframesAtLeast(n: number): Promise<void> { return this.until(() => this.keyframes.length >= n, `${n} keyframes`); }

  /** Stops the loop and frees everything (what the client's dispose sends). */
  async end(): Promise<void> {
    await this.send({ type: 'stop' });
    await this.send({ type: 'dispose' });
  }
}

describe('DreamSession', () => {
  beforeAll(wasm);

  it('init: the manifest, the forced backend, the recipe\'s model, then ready (phases, accelerator) and the recipe', async () => {
    const h = new Harness();
    await h.send({ type: 'init', options: options() });
    expect(h.errors).toEqual([]);
    expect(h.events.map((e) => e.type).filter((t) => t !== 'progress')).toEqual(['ready', 'recipe']);
    const ready = h.of('ready')[0];
    expect(ready).toMatchObject({ backend: 'wasm', timingsMs: {}, backendRemembered: false, recipes: ['crowds', 'objects', 'faces', 'textures', 'figures'] });
    expect(Object.keys(ready.phasesMs!)).toEqual(['manifest', 'backend', 'model', 'total']); // a forced wasm is not warmed up
    expect(ready.accelerator).toEqual(acceleratorStatus());
    expect(h.of('recipe')[0].recipe).toEqual(tiny);
    // the model's bytes, counted as they came in, up to its whole size
    const progress = h.of('progress').filter((p) => p.what === 'dream network (selfie)');
    expect(progress.at(-1)!.loaded).toBe(progress.at(-1)!.total);
    expect(progress.at(-1)!.total).toBeGreaterThan(200_000);
    await h.end();
  });

  it('start: keyframes with their index, step zoom, reset, focus, size and pixels; the first after the seed is a reset', async () => {
    const h = new Harness();
    await h.send({ type: 'init', options: options() });
    await h.send({ type: 'start' });
    expect(h.of('state')).toEqual([{ type: 'state', running: true }]);
    await h.keyframesAtLeast(3);
    const [k1, k2, k3] = h.keyframes;
    expect(k1).toMatchObject({ index: 1, reset: true, stepZoom: 1, focus: [0.4, 0.6], width: SIZE, height: SIZE, recipe: 'tiny', restMs: 0 });
    expect(k2).toMatchObject({ index: 2, reset: false, stepZoom: 1.1 });
    expect(k3).toMatchObject({ index: 3, reset: false, stepZoom: 1.1 });
    expect(k1.depth).toBeUndefined(); // no depth model asked for
    expect(k1.pixels).toHaveLength(SIZE * SIZE * 4);
    expect(new Set(k1.pixels.filter((_, i) => i % 4 === 3))).toEqual(new Set([255]));
    expect(k2.pixels).not.toEqual(k1.pixels);
    expect(k1.bitmap).toMatchObject({ width: SIZE, height: SIZE });
    expect(k1.ms).toBeGreaterThan(0);
    // the bitmap and the pixels' buffer are transferred, not copied
    const t = h.transfers[h.events.indexOf(k1)];
    expect(t).toEqual([k1.bitmap, k1.pixels.buffer]);
    await h.end();
  });

  it('yields between ascent steps (2 in the quick first keyframe, octaves × steps after), and answers commands there', async () => {
    const h = new Harness();
    await h.send({ type: 'init', options: options() });
    let memoryAt = -1;
    h.onYield = (n) => {
      if (n !== 3) return; // the first step of keyframe 2
      memoryAt = h.events.length;
      void h.send({ type: 'memory' });
      void h.send({ type: 'memory', settled: true });
      void h.send({ type: 'setFocus', focus: [0.2, 0.8] });
      void h.send({ type: 'setRecipe', recipe: { ...tiny, zoom: 1.25 } });
    };
    await h.send({ type: 'start' });
    await h.keyframesAtLeast(3);
    expect(h.yieldsAtKeyframe.slice(0, 3)).toEqual([2, 6, 10]);
    const [, k2, k3] = h.keyframes;
    // 'memory' now: answered within the step, before keyframe 2 is out
    const memories = h.of('memory');
    expect(memories).toHaveLength(2);
    expect(h.events.indexOf(memories[0])).toBe(memoryAt);
    expect(h.events.indexOf(memories[0])).toBeLessThan(h.events.indexOf(k2));
    expect(memories[0]).toMatchObject({ backend: 'wasm' });
    expect(memories[0].numTensors).toBeGreaterThan(0);
    expect(memories[0].dataIds).toBeGreaterThan(0);
    // 'memory' settled: after the keyframe in flight is out
    expect(h.events.indexOf(memories[1])).toBeGreaterThan(h.events.indexOf(k2));
    // focus and recipe: from the next keyframe on (the one in flight keeps what it started with)
    expect([k2.focus, k2.stepZoom]).toEqual([[0.4, 0.6], 1.1]);
    expect([k3.focus, k3.stepZoom]).toEqual([[0.2, 0.8], 1.25]);
    expect(h.of('recipe').map((e) => e.recipe.zoom)).toEqual([1.1, 1.25]);
    expect(h.errors).toEqual([]);
    await h.end();
  });

  it('setSeedImage (pixels or a bitmap): the next keyframe starts afresh from it, index 1 and a reset', async () => {
    const h = new Harness();
    await h.send({ type: 'init', options: options() });
    await h.send({ type: 'start' });
    await h.keyframesAtLeast(2);
    const white = { data: new Uint8ClampedArray(8 * 8 * 4).fill(255), width: 8, height: 8 };
    const n = h.keyframes.length;
    await h.send({ type: 'setSeedImage', image: white });
    const fresh = () => h.keyframes.findIndex((k, i) => i >= n && k.reset);
    await h.until(() => fresh() >= 0 && h.keyframes.length > fresh() + 1, 'two keyframes from the new seed');
    // at most the keyframe in flight when the seed came goes out before the new seed's first
    expect(fresh() - n).toBeLessThanOrEqual(1);
    const [a, b] = h.keyframes.slice(fresh());
    expect(a).toMatchObject({ index: 1, reset: true, stepZoom: 1 });
    expect(b).toMatchObject({ index: 2, reset: false, stepZoom: 1.1 });
    // dreamed from white: far brighter than the noise seed's keyframes
    const mean = (k: KeyframeMessage) => k.pixels.reduce((s, v, i) => (i % 4 === 3 ? s : s + v), 0) / (k.pixels.length * 0.75);
    expect(mean(a)).toBeGreaterThan(mean(h.keyframes[0]) + 40);
    const bitmap = standIn(8, 8);
    await h.send({ type: 'setSeedImage', image: bitmap as unknown as ImageBitmap });
    expect(h.readBitmaps).toEqual([bitmap]);
    expect(bitmap.closed).toBe(true);
    const m = h.keyframes.length;
    await h.until(() => h.keyframes.slice(m).some((k) => k.reset), 'a keyframe from the bitmap seed');
    expect(h.keyframes.slice(m).find((k) => k.reset)).toMatchObject({ index: 1, stepZoom: 1 });
    await h.send({ type: 'setSeedImage', image: { data: new Uint8ClampedArray(5), width: 2, height: 2 } });
    expect(h.errors).toEqual(['setSeedImage: setSeedImage: pixels must be RGBA with data.length = width·height·4, got 5 for 2×2']);
    await h.end();
  });

  it('stop: no keyframes after the one in flight; start again goes on with the next index', async () => {
    const h = new Harness();
    await h.send({ type: 'init', options: options() });
    await h.send({ type: 'start' });
    await h.keyframesAtLeast(1);
    await h.send({ type: 'stop' });
    expect(h.of('state').map((s) => s.running)).toEqual([true, false]);
    await new Promise((r) => setTimeout(r, 300));
    const n = h.keyframes.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(h.keyframes).toHaveLength(n);
    await h.send({ type: 'start' });
    await h.keyframesAtLeast(n + 1);
    expect(h.keyframes[n]).toMatchObject({ index: n + 1, reset: false, stepZoom: 1.1 });
    await h.end();
  });

  it('setPace: the loop rests between steps, says so, and counts the rests in the keyframe', async () => {
    const h = new Harness();
    await h.send({ type: 'init', options: options() });
    await h.send({ type: 'setPace', duty: 0.5, probeMs: 40 });
    await h.send({ type: 'start' });
    await h.until(() => h.keyframes.some((k) => (k.restMs ?? 0) > 0), 'a keyframe with rests');
    const rests = h.of('rest');
    expect(rests.length).toBeGreaterThan(0);
    expect(rests[0].ms).toBeGreaterThan(0);
    expect(rests[0].atEpochMs).toBeGreaterThan(performance.timeOrigin);
    await h.send({ type: 'setPace', duty: null });
    await h.end();
  });

  it('errors name the command: bad focus, unknown recipe, unknown command, commands before init', async () => {
    const h = new Harness();
    await h.send({ type: 'setSeedImage', image: { data: new Uint8ClampedArray(16), width: 2, height: 2 } });
    await h.send({ type: 'setRecipe', recipe: 'tiny' });
    await h.send({ type: 'bogus' } as unknown as DreamCommand);
    await h.send(null as unknown as DreamCommand);
    await h.send({ type: 'init', options: options() });
    await h.send({ type: 'setFocus', focus: [1.5, 0] });
    await h.send({ type: 'setRecipe', recipe: 'nope' });
    await h.send({ type: 'setRecipe', recipe: { ...tiny, terms: [{ node: 'no/such/node', weight: 1 }] } });
    expect(h.errors).toEqual([
      "setSeedImage: the worker is not initialised: send 'init' first",
      "setRecipe: unknown recipe 'tiny' (have crowds, objects, faces, textures, figures)",
      'bogus: unknown command "bogus"',
      ': unknown command undefined',
      'setFocus: setFocus: focus must be in [0,1]², got (1.5, 0)',
      "setRecipe: unknown recipe 'nope' (have crowds, objects, faces, textures, figures)",
      "setRecipe: recipe 'tiny': unknown node 'no/such/node' in model 'selfie'",
    ]);
    await h.end();
  });

  it('a missing manifest fails init with the file named', async () => {
    const h = new Harness();
    await h.send({ type: 'init', options: options({ manifestUrl: `${ROOT}/models/nowhere.json` }) });
    expect(h.errors).toEqual([`init: models/manifest.json is missing (HTTP 404 for ${ROOT}/models/nowhere.json)`]);
    expect(h.of('ready')).toEqual([]);
  });

  it('fault is refused without testHooks; with them a crash is applied and ends the worker, and a lost context needs WebGL', async () => {
    const off = new Harness();
    await off.send({ type: 'init', options: options() });
    await off.send({ type: 'fault', fault: 'crash' });
    expect(off.errors).toEqual(["fault: fault 'crash' refused: fault injection is a test hook, on only when init has testHooks: true"]);
    expect(off.crashes).toEqual([]);
    expect(off.of('faultApplied')).toEqual([]);
    await off.end();

    const on = new Harness();
    await on.send({ type: 'init', options: options({ testHooks: true }) });
    await on.send({ type: 'fault', fault: 'crash' });
    expect(on.of('faultApplied')).toMatchObject([{ fault: 'crash' }]);
    expect(on.crashes.map((e) => e.message)).toEqual(['injected fault: the dream worker crashed']);
    await on.send({ type: 'fault', fault: 'loseContext' });
    expect(on.errors).toEqual(["fault: fault 'loseContext': the 'wasm' backend has no WebGL context to lose"]);
    await on.end();
  });

  it('depth: loaded after the first keyframe, then every keyframe carries a depth map at its size (transferred)', async () => {
    const h = new Harness();
    await h.send({ type: 'init', options: options({ depthModelUrl: `${ROOT}/models/depth/model.json` }) });
    await h.send({ type: 'start' });
    await h.until(() => h.keyframes.some((k) => k.depth), 'a keyframe with depth');
    expect(h.keyframes[0].depth).toBeUndefined(); // the depth net loads after the first keyframe is out
    const k = h.keyframes.find((x) => x.depth)!;
    expect(k.depth).toMatchObject({ width: SIZE, height: SIZE });
    expect(k.depth!.data).toHaveLength(SIZE * SIZE);
    expect(Math.min(...k.depth!.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...k.depth!.data)).toBeLessThanOrEqual(1);
    expect(h.transfers[h.events.indexOf(k)]).toContain(k.depth!.data.buffer);
    expect(h.of('progress').some((p) => p.what === 'depth network' && p.loaded === p.total)).toBe(true);
    await h.end();
  });

  it('a missing depth net: a notice, and keyframes go on without depth', async () => {
    const h = new Harness();
    await h.send({ type: 'init', options: options({ depthModelUrl: `${ROOT}/models/depth/nowhere.json` }) });
    await h.send({ type: 'start' });
    await h.until(() => h.of('notice').length > 0, 'a notice');
    await h.keyframesAtLeast(3);
    expect(h.of('notice')[0].message).toBe(`depth model not loaded (depth model: ${ROOT}/models/depth/nowhere.json answered 404); the dream is shown without stereo depth`);
    expect(h.keyframes.every((k) => k.depth === undefined)).toBe(true);
    await h.end();
  });

  it('keyframes over the time limit lower the dream\'s size and say so', async () => {
    const h = new Harness();
    await h.send({ type: 'init', options: options({ size: [96, 96], keyframeLimitMs: 1 }) });
    await h.send({ type: 'start' });
    await h.until(() => h.of('degraded').length > 0, 'a degraded event');
    expect(h.of('degraded')[0]).toMatchObject({ size: 64 });
    await h.keyframesAtLeast(h.keyframes.length + 1);
    expect(h.keyframes.at(-1)).toMatchObject({ width: 64, height: 64 });
    await h.end();
  });

  it('the automatic choice goes through the backend policy: a remembered backend is warmed up, with the accelerator switch', async () => {
    const configs: unknown[] = [];
    const backends: BackendOps = {
      useBackend: (name, config) => { configs.push(config); return useBackend(name, config); },
      chooseBackend: (job, opts) => { configs.push(opts); return chooseBackend(job, opts); },
      loadChoice: async () => ({ backend: 'wasm' }),
      saveChoice: async () => { throw new Error('nothing to save'); },
      clearChoice: async () => { throw new Error('nothing to clear'); },
    };
    const h = new Harness(backends);
    await h.send({ type: 'init', options: options({ backend: null, accelerator: false }) });
    expect(h.errors).toEqual([]);
    const ready = h.of('ready')[0];
    expect(ready).toMatchObject({ backend: 'wasm', backendRemembered: true });
    expect(Object.keys(ready.timingsMs)).toEqual(['wasm']);
    expect(Object.keys(ready.phasesMs!)).toEqual(['manifest', 'backend', 'model', 'warmup (remembered backend)', 'total']);
    expect(configs[0]).toEqual({ wasmPath: WASM_DIR, accelerator: false });
    expect(configs[1]).toEqual({ wasmPath: WASM_DIR, accelerator: false, candidates: ['wasm'] });
    await h.end();
  });

  it('dispose: waits for the keyframe in flight, frees every tensor and model, ends the worker, and ignores what comes after', async () => {
    const before = tf.memory().numTensors;
    const h = new Harness();
    await h.send({ type: 'init', options: options({ depthModelUrl: `${ROOT}/models/depth/model.json` }) });
    await h.send({ type: 'start' });
    await h.until(() => h.keyframes.some((k) => k.depth), 'a keyframe with depth');
    const n = h.events.length;
    await h.send({ type: 'dispose' });
    expect(h.closed).toBe(true);
    await new Promise((r) => setTimeout(r, 50)); // the models' disposal follows their load promises
    expect(tf.memory().numTensors).toBe(before);
    await h.send({ type: 'memory' });
    await h.send({ type: 'start' });
    await new Promise((r) => setTimeout(r, 100));
    expect(h.events).toHaveLength(n);
  });
});
