// Engine figures of `npm run bench` (B2, B3), in Node on the wasm backend: one process, side by side.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpuShares, type CpuBucket, type CpuProfile } from './cpu-shares';
import { ancestors, countFlops, shapeNodes, type FlopCount } from './flops';
import { compileGraph, PASS_PROFILES, type DreamModel, type GraphNode, type ModelEntry, type PassProfile, type WeightSpec } from '../../src/model';
import { activationsOf, type Objective } from '../../src/dream/objectives';
import { Dreamer, recipeObjective, recipeTransform } from '../../src/dream/dreamer';
import type { Recipe } from '../../src/dream/recipes';
import { noiseSeed } from '../../src/dream/seed';
import { ascentStep } from '../../src/dream/step';
import { seededRng } from '../../src/dream/transforms';
import { zoom } from '../../src/dream/zoom';
import { budgetedDepth, createDepthCadence, createDepthEstimator, createDepthStabilizer } from '../../src/depth';
import { fileFetch } from '../../src/tf/file-fetch';
import { MODEL_DIR, ROOT } from '../dream-node';

/** The bench's median: the upper middle one of the values (the row values have always used this one). */
export const median = (x: readonly number[]): number => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)];

/** Median of the timings (ms) of `runs` awaited calls after `warm` untimed ones. */
export async function timeMs(fn: () => Promise<void>, runs: number, warm = 1): Promise<number> {
  for (let i = 0; i < warm; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) { const t0 = performance.now(); await fn(); t.push(performance.now() - t0); }
  return median(t);
}

/** One [n,n]·[n,n] matmul per call (2n³ FLOPs), awaited. */
function matmulJob(n: number): KeyframeLoop {
  const a = tf.randomUniform([n, n]), b = tf.randomUniform([n, n]);
  return { keyframe: async () => { const c = tf.matMul(a, b); await c.data(); c.dispose(); }, dispose: () => { a.dispose(); b.dispose(); } };
}
const matmulRate = (n: number, ms: number) => (2 * n ** 3) / (ms / 1000) / 1e9;

/** The backend's dense matmul throughput: [n,n]·[n,n], 2n³ FLOPs per call. */
export async function matmulGflops(n: number, runs: number): Promise<{ gflops: number; ms: number; n: number }> {
  const job = matmulJob(n);
  const ms = await timeMs(job.keyframe, runs);
  job.dispose();
  return { gflops: matmulRate(n, ms), ms, n };
}

/** The graph's nodes after the load-time fixes and `profile`'s passes: the nodes the engine executes (on wasm by default). */
export function fixedNodes(entry: ModelEntry, profile: PassProfile = PASS_PROFILES.wasm): GraphNode[] {
  const json = JSON.parse(readFileSync(`${MODEL_DIR}${entry.file}`, 'utf8')) as { modelTopology: { node: GraphNode[] }; weightsManifest: { paths: string[]; weights: WeightSpec[] }[] };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  // The weights too: nhwc-islands reads constants (transpose perms, pads) to rewrite the graph as the engine does.
  const shards = json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(`${MODEL_DIR}${p}`));
  const data = new Uint8Array(shards.reduce((n, b) => n + b.byteLength, 0));
  shards.reduce((off, b) => (data.set(b, off), off + b.byteLength), 0);
  return compileGraph({ nodes: json.modelTopology.node, weightSpecs: specs, weightData: data.buffer }, { fixes: entry.graphFixes, layout: entry.input.layout, feed: entry.feed }, profile).nodes;
}

/**
 * FLOPs of one ascent step of `obj` at size×size: shapes come from one forward pass that asks the graph for
 * every counted node and its inputs (constants' shapes from the weight specs).
 */
export function stepFlops(model: DreamModel, nodes: GraphNode[], obj: Objective, size: number): FlopCount {
  const entry = model.entry;
  const json = JSON.parse(readFileSync(`${MODEL_DIR}${entry.file}`, 'utf8')) as { weightsManifest: { weights: WeightSpec[] }[] };
  const constShapes = new Map(json.weightsManifest.flatMap((g) => g.weights).map((w) => [w.name, w.shape]));
  const byName = new Map(nodes.map((n) => [n.name, n]));
  // Model-space node names: the objective's (already full names) and what they need; skip constants and the feed's upstream.
  // Nodes upstream of the feed (movenet's int32 preprocessing) are never executed: skip them.
  const upstream = ancestors(nodes, [entry.feed]);
  upstream.delete(entry.feed);
  const want = shapeNodes(nodes, obj.nodes).filter((n) => !constShapes.has(n) && byName.get(n)?.op !== 'Const' && !upstream.has(n));
  const shapes = new Map<string, readonly number[]>(constShapes);
  tf.tidy(() => {
    // One forward pass for all of them. activations() returns rank-4 NCHW outputs as NHWC: undo that.
    const outs = model.activations(noiseSeed(size, size, 1), want);
    const nchw = entry.activationLayout === 'NCHW';
    want.forEach((n, i) => { const s = outs[i].shape; shapes.set(n, nchw && s.length === 4 ? [s[0], s[3], s[1], s[2]] : s); });
  });
  return countFlops(nodes, (n) => shapes.get(n), obj.nodes);
}

/** One ascent step per call as the worker runs it (jitter, fwd, grad, normalise, step), each on the last one's output, with an async readback. */
function stepJob(model: DreamModel, recipe: Recipe, size: number): KeyframeLoop {
  const obj = recipeObjective(recipe, model.entry);
  const cfg = { stepSize: recipe.stepSize, transform: recipeTransform(recipe, size), rng: seededRng(1) };
  let x = noiseSeed(size, size, 1);
  return { keyframe: async () => { const y = ascentStep(model, x, obj, cfg); await y.data(); x.dispose(); x = y; }, dispose: () => x.dispose() };
}

/**
 * B2's pair, side by side: one ascent step (as stepMs) and the matmul reference, called alternately (step,
 * matmul, step, …) after `warm` untimed calls of each, so the machine's drift hits both; medians. The warm-up
 * matters: a step's first few calls pay for wasm tier-up and XNNPACK operator set-up (the first crowds
 * 128² calls here run 2–4× slower than from the fifth on), which a dream of thousands of steps never sees.
 */
export async function stepBesideMatmul(model: DreamModel, recipe: Recipe, size: number, n: number, runs: number, warm: number): Promise<{ stepMs: number; matmulGflops: number; matmulMs: number; stepSamples: number[]; matmulSamples: number[] }> {
  const jobs = [stepJob(model, recipe, size), matmulJob(n)];
  for (let i = 1; i < warm; i++) for (const j of jobs) await j.keyframe(); // interleavedSamples() warms once more
  const [steps, mms] = await interleavedSamples(jobs, runs);
  jobs.forEach((j) => j.dispose());
  const mm = median(mms);
  return { stepMs: median(steps), matmulMs: mm, matmulGflops: matmulRate(n, mm), stepSamples: steps, matmulSamples: mms };
}

/** Median ms of one ascent step (`stepJob`), after `warm` untimed calls. */
export async function stepMs(model: DreamModel, recipe: Recipe, size: number, runs: number, warm = 1): Promise<number> {
  const job = stepJob(model, recipe, size);
  const ms = await timeMs(job.keyframe, runs, warm);
  job.dispose();
  return ms;
}

/**
 * Where `steps` ascent steps' CPU time goes by layer (./cpu-shares.ts), sampled every 100 µs by V8's profiler
 * around nothing but the steps (after `warm` untimed ones). The profiler's own cost is in `other`.
 */
export async function stepCpuShares(model: DreamModel, recipe: Recipe, size: number, steps: number, warm = 3): Promise<{ stepMs: number; totalMs: number; shares: Record<CpuBucket, number> }> {
  const job = stepJob(model, recipe, size);
  for (let i = 0; i < warm; i++) await job.keyframe();
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await job.keyframe();
    const ms = (performance.now() - t0) / steps;
    const { profile } = await session.post('Profiler.stop');
    return { stepMs: ms, ...cpuShares(profile as unknown as CpuProfile) };
  } finally {
    job.dispose();
    session.disconnect();
  }
}

/** A loop that makes one keyframe per call (awaited, with its readback), and frees its state on dispose. */
export interface KeyframeLoop { keyframe(): Promise<void>; dispose(): void }

/** The real loop: Dreamer.keyframe + the one async readback the worker does. */
export function realLoop(model: DreamModel, recipe: Recipe, size: number): KeyframeLoop {
  const seed = noiseSeed(size, size, 1);
  const d = new Dreamer(model, recipe, seed, 1);
  seed.dispose();
  return { keyframe: async () => { await d.keyframe([0.5, 0.5]).image.data(); }, dispose: () => d.dispose() };
}

/** Ms of every call of each job, in round order, calls interleaved (a, b, c, a, b, c, …) so drift in the machine's
 *  load hits all: samples[k][i] is job k's call in round i (./spread.ts pairs them by round); `warm` untimed rounds first. */
export async function interleavedSamples(jobs: KeyframeLoop[], runs: number, warm = 1): Promise<number[][]> {
  for (let i = 0; i < warm; i++) for (const j of jobs) await j.keyframe();
  const t: number[][] = jobs.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, j] of jobs.entries()) { const t0 = performance.now(); await j.keyframe(); t[k].push(performance.now() - t0); }
  }
  return t;
}

/**
 * The naive loop, for comparison: the same keyframe (zoom, octave pyramid, steps), but one fresh `tf.grad`
 * per step straight through the graph (no validation, no transforms, no tiling, no colour care), tensors
 * freed by hand, and a synchronous readback (dataSync) at the end of each keyframe.
 */
export function naiveLoop(model: DreamModel, recipe: Recipe, size: number): KeyframeLoop {
  const obj = recipeObjective(recipe, model.entry);
  let img = noiseSeed(size, size, 1);
  const keyframe = async () => {
    const zoomed = zoom(img, recipe.zoom, [0.5, 0.5]);
    let detail: tf.Tensor4D | null = null;
    let src: tf.Tensor4D = zoomed;
    for (let o = recipe.octaves - 1; o >= 0; o--) {
      const s = Math.round(size / recipe.octaveScale ** o);
      const base = tf.image.resizeBilinear(zoomed, [s, s], false, true);
      src = (detail ? tf.add(base, tf.image.resizeBilinear(detail, [s, s], false, true)) : base.clone()) as tf.Tensor4D;
      for (let i = 0; i < recipe.steps; i++) {
        const grad = tf.grad((x: tf.Tensor) => obj(activationsOf(model, x as tf.Tensor4D, obj.nodes)));
        const g = grad(src);
        const next = tf.tidy(() => tf.clipByValue(tf.add(src, tf.mul(g, tf.div(recipe.stepSize, tf.add(tf.mean(tf.abs(g)), 1e-8)))), 0, 1)) as tf.Tensor4D;
        g.dispose(); src.dispose(); src = next;
      }
      detail?.dispose();
      detail = tf.sub(src, base) as tf.Tensor4D;
      base.dispose();
      if (o > 0) src.dispose();
    }
    detail?.dispose();
    zoomed.dispose();
    src.dataSync();
    img.dispose();
    img = src;
  };
  return { keyframe, dispose: () => img.dispose() };
}

/** Depth for one keyframe-sized image as the worker does it (estimate + stabiliser fuse + async readback). */
/**
 * Depth per keyframe as the worker does it: within the depth budget (src/depth/cadence.ts, fed `dreamMs()`, the
 * dream's time for the keyframe just made) the net and the stabiliser's fuse, else the previous map warped by the
 * zoom; the readback either way. `ran` says which each call did.
 */
export async function depthJob(size: number, dreamMs: () => number): Promise<KeyframeLoop & { ran: boolean[] }> {
  const est = await createDepthEstimator({ modelUrl: `${ROOT}/models/depth/model.json`, fetchFn: fileFetch });
  const stab = createDepthStabilizer();
  const cadence = createDepthCadence();
  const img = tf.tidy(() => tf.squeeze(noiseSeed(size, size, 2), [0]) as tf.Tensor3D);
  const ran: boolean[] = [];
  const step = { scale: 1.05, focus: [0.5, 0.5] as [number, number] };
  return {
    ran,
    keyframe: async () => {
      const { depth: d, ran: r } = budgetedDepth(est, stab, cadence, img, step, dreamMs());
      ran.push(r);
      await d.data();
      d.dispose();
    },
    dispose: () => { img.dispose(); est.dispose(); stab.dispose(); },
  };
}

/** `job` with the ms of its last call kept (the depth job's budget reads the real loop's). */
export function timed(job: KeyframeLoop): KeyframeLoop & { lastMs: () => number } {
  let last = 0;
  return { keyframe: async () => { const t0 = performance.now(); await job.keyframe(); last = performance.now() - t0; }, dispose: () => job.dispose(), lastMs: () => last };
}

/** Where one ascent step's time goes: tf.profile's kernel times, summed per kernel name (ms, calls). */
export async function stepKernels(model: DreamModel, recipe: Recipe, size: number): Promise<{ name: string; ms: number; calls: number }[]> {
  const obj = recipeObjective(recipe, model.entry);
  const cfg = { stepSize: recipe.stepSize, transform: recipeTransform(recipe, size), rng: seededRng(1) };
  const x = noiseSeed(size, size, 1);
  const once = async () => { const y = ascentStep(model, x, obj, cfg); await y.data(); y.dispose(); };
  await once(); // warm
  const info = await tf.profile(once);
  x.dispose();
  const by = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += Number(k.kernelTimeMs) || 0;
    e.calls++;
    by.set(k.name, e);
  }
  return [...by].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms);
}
