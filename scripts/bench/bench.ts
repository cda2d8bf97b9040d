// npm run bench [-- --quick] [--sizes=128,224] [--recipes=crowds,faces] [--no-page] [--no-engine] [--port=4195]
// One run, side by side, on one machine: the page figures (B1 render independence, B4 time to first keyframe,
// B5 steering latency) in headless Chromium + IWER, then the engine figures (B2 dream efficiency, B3 depth
// cost) in Node on wasm. Every figure is a ratio of two things measured in this run (these machines are
// shared and noisy). Prints a table and writes bench/results/<date>-<machine>.json. See bench/README.md.
import * as tf from '@tensorflow/tfjs';
import { cpus, hostname } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { recipeObjective } from '../../src/dream/dreamer';
import { RECIPES, DEFAULT_RECIPE } from '../../src/dream/recipes';
import { MODEL_DIR, ROOT, nodeBackend, nodeModel } from '../dream-node';
import { loadDreamModel, NAIVE_PROFILE } from '../../src/model';
import { DEFAULT_CLIENT_OPTIONS } from '../../src/dream/client';
import { fileFetch } from '../../src/tf/file-fetch';
import { onTheLine, pairedRatios, type Spread } from './spread';
import { type KeyframeLoop, depthJob, timed, fixedNodes, interleavedSamples, matmulGflops, median, naiveLoop, realLoop, stepBesideMatmul, stepCpuShares, stepFlops, stepKernels, stepMs } from './bench-engine';
import { CPU_BUCKETS, type CpuBucket } from './cpu-shares';
import { pageBench } from './bench-page';
import { installOverrides, installWasmAccelerator, removeWasmAccelerator, STOCK_OVERRIDES } from '../../src/tf';

const argv = process.argv.slice(2);
const flag = (k: string) => argv.includes(`--${k}`);
const arg = (k: string, d: string) => argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const quick = flag('quick');
const opt = {
  sizes: arg('sizes', quick ? '128' : '128,224').split(',').map(Number),
  recipes: arg('recipes', quick ? DEFAULT_RECIPE : Object.keys(RECIPES).join(',')).split(','),
  stepRuns: Number(arg('step-runs', quick ? '3' : '15')),
  stepWarm: Number(arg('step-warm', quick ? '2' : '5')), // untimed calls first: wasm tier-up, XNNPACK set-up
  keyframes: Number(arg('keyframes', quick ? '1' : '9')), // timed keyframes per loop (after one warm-up); B3's median needs more than 3
  loopSize: Number(arg('loop-size', '128')),
  matmul: Number(arg('matmul', '512')),
  pageSize: Number(arg('page-size', '128')),
  window: Number(arg('window', quick ? '4' : '5')), // s per B1 measuring window
  rounds: Number(arg('rounds', quick ? '2' : '4')), // B1's paused windows, alternating with dreaming ones (D P D … P D)
  settle: Number(arg('settle', '10')), // s of dreaming in VR before B1 measures (the frame guard's steady state)
  steer: Number(arg('steer', quick ? '3' : '6')), // B5 pose changes
  port: Number(arg('port', '4195')),
  profile: Number(arg('profile', quick ? '0' : '5')), // s of main-thread sampling after the page figures; 0 = off
  cpuSteps: Number(arg('cpu-steps', quick ? '0' : '40')), // B2: steps sampled by V8's profiler per row, CPU time by layer; 0 = off
  page: !flag('no-page'),
  onlyB4: flag('only-b4'), // page: stop after the first keyframe (B4 only)
  pageQuery: arg('page-query', ''), // page: extra URL query, e.g. stereo=mesh or xrScale=1 (exploration)
  engine: !flag('no-engine'),
  build: !flag('no-build'),
  before: !flag('no-before'), // also time the engine on stock TF.js kernels (no accelerator, STOCK_OVERRIDES: wasm's own Conv2DBackpropInput)
};

const cpuModel = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? '?').trim();
const machine = `${cpus().length} cores ${cpuModel}`;
const machineSlug = `${hostname()}-${cpus().length}c`.replace(/[^A-Za-z0-9_-]+/g, '_');

export interface Row {
  id: string; what: string; backend: string; machine: string;
  value: number; unit: string; target: number; cmp: '>=' | '<=';
  pass: boolean; /** value ÷ target: ≥ 1 passes for '>=', ≤ 1 passes for '<='. */ ratio: number;
  detail: Record<string, unknown>;
}
const rows: Row[] = [];
const profiles: Record<string, unknown> = {};
const stepCpu: { recipe: string; size: number; stepMs: number; totalMs: number; shares: Record<CpuBucket, number> }[] = [];
profiles.stepCpu = stepCpu;
function row(id: string, what: string, backend: string, value: number, unit: string, cmp: '>=' | '<=', target: number, detail: Record<string, unknown> = {}): void {
  const pass = cmp === '>=' ? value >= target : value <= target;
  // value ÷ target; for a target of 0 (no long tasks) the ratio is the excess itself.
  rows.push({ id, what, backend, machine, value, unit, target, cmp, pass, ratio: target === 0 ? value : value / target, detail });
  const r = rows[rows.length - 1];
  console.log(`  ${id.padEnd(4)} ${what.padEnd(44)} ${fmt(value).padStart(8)} ${unit.padEnd(6)} ${cmp} ${String(target).padEnd(5)} ${pass ? 'PASS' : 'MISS'} ${target === 0 ? `+${fmt(r.ratio)}` : `×${fmt(r.ratio)}`}`);
}
/** The row's paired per-round ratios (./spread.ts), flagged when their quartiles straddle the target. */
function spreadLine(sp: Spread, target: number): void {
  console.log(`       per round (${sp.n} paired): median ${fmt(sp.median)} · quartiles ${fmt(sp.q1)}–${fmt(sp.q3)}${onTheLine(sp, target) ? ' · ON THE LINE: the verdict moves with the load' : ''}`);
}
const fmt = (v: number) => (!Number.isFinite(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));

const t0 = performance.now();
console.log(`dream-goggles bench · ${new Date().toISOString()} · ${machine} · node ${process.version}${quick ? ' · --quick' : ''}`);

if (opt.page) {
  console.log('page (headless Chromium + IWER, SwiftShader WebGL, dream worker on wasm):');
  const p = await pageBench({ port: opt.port, size: opt.pageSize, windowS: opt.window, rounds: opt.rounds, steer: opt.steer, build: opt.build, root: ROOT, profileS: opt.profile, settleS: opt.settle, onlyB4: opt.onlyB4, query: opt.pageQuery });
  const be = `page/${p.backend}`;
  if (!opt.onlyB4) {
    row('B1', `XR fps dreaming ÷ paused (${opt.pageSize}²)`, be, p.fpsDreaming / p.fpsPaused, 'ratio', '>=', 0.9, { fpsDreaming: p.fpsDreaming, fpsPaused: p.fpsPaused, keyframesDuringWindow: p.keyframesInWindow, keyframesPerS: p.keyframesInWindow / p.dreamWindowS, roundRatios: p.roundRatios, workerBusy: p.workerBusy, guardDuty: p.guardDuty });
    console.log(`       XR fps dreaming ${p.fpsDreaming.toFixed(1)} · paused ${p.fpsPaused.toFixed(1)} · per paused window ${p.roundRatios.map((r) => r.toFixed(2)).join(' ')} · keyframes/s while dreaming ${(p.keyframesInWindow / p.dreamWindowS).toFixed(2)}, the worker busy ${(100 * p.workerBusy).toFixed(0)} % of the time · frame guard duty ${p.guardDuty.map((d) => (d === null ? 'off' : d.toFixed(2))).join(' / ')}`);
    row('B1', 'main-thread tasks > 50 ms while dreaming', be, p.longTasks.count, 'tasks', '<=', 0, { ...p.longTasks, windowS: p.dreamWindowS, paused: p.longTasksPaused });
  }
  row('B4', `first dreamed keyframe on screen (${opt.pageSize}²)`, be, p.firstKeyframeS, 's', '<=', 3, { readyS: p.readyS, keyframeArrivedS: p.firstKeyframeArrivedS, workerCreatedS: p.workerCreatedS, workerReadyS: p.workerReadyS, workerPhasesMs: p.workerPhasesMs, firstKeyframeWorkerMs: p.firstKeyframeWorkerMs });
  console.log(`       page → worker created ${p.workerCreatedS.toFixed(2)} s · worker phases (ms) ${JSON.stringify(p.workerPhasesMs)} · ready ${p.readyS.toFixed(2)} s · keyframe arrived ${p.firstKeyframeArrivedS.toFixed(2)} s (worker ${p.firstKeyframeWorkerMs.toFixed(0)} ms) · on screen ${p.firstKeyframeS.toFixed(2)} s`);
  if (p.mainThreadProfile.length) {
    console.log(`  main thread while dreaming, share of ${opt.profile} s: ${p.mainThreadProfile.slice(0, 4).map((f) => `${f.fn} ${(100 * f.share).toFixed(0)} %`).join(' · ')}`);
  }
  if (!opt.onlyB4) row('B5', 'frames from head-pose change to focus move', be, p.steerFrames.max, 'frames', '<=', 1, { all: p.steerFrames.all, median: p.steerFrames.median });
  profiles.mainThread = p.mainThreadProfile;
}

/** Untimed rounds before the loop rows' samples (see where they are taken). */
const LOOP_WARM = 3;

if (opt.engine) {
  await nodeBackend('wasm'); // with Conv2DBackpropInput as a forward conv, as the worker runs it
  const be = `node/${tf.getBackend()}`;
  /**
   * Run `fn` on stock TF.js (on = false: no wasm accelerator, no overrides but the depthwise input gradient wasm
   * lacks: wasm's own Conv2DBackpropInput and Identity, TF.js's gradients) or with the engine's (on = true:
   * src/tf/overrides and src/tf/accel), then back to the engine's.
   */
  const convgrad = async <T>(on: boolean, fn: () => Promise<T>): Promise<T> => {
    if (!on) {
      removeWasmAccelerator('stock TF.js for the bench\'s comparison');
      installOverrides('wasm', STOCK_OVERRIDES);
    }
    try { return await fn(); } finally { installOverrides('wasm'); installWasmAccelerator(); }
  };
  const stockJob = (j: KeyframeLoop): KeyframeLoop => ({ keyframe: () => convgrad(false, () => j.keyframe()), dispose: () => j.dispose() });
  /**
   * B3: depth's share of the worker's time, Σ depth ms ÷ Σ keyframe ms over the timed rounds (the depth job follows
   * the worker's budget, src/depth/cadence.ts, so its calls are the net's ~20 ms or a warp's ~1 ms: a median of
   * those would say nothing). `ran` has one entry per call, the warm-up's first.
   */
  const depthRow = (size: number, depthMs: number[], keyframeMs: number[], ran: boolean[], what = '') => {
    const sum = (x: number[]) => x.reduce((a, b) => a + b, 0);
    const timedRan = ran.slice(ran.length - depthMs.length);
    const net = depthMs.filter((_, i) => timedRan[i]), warp = depthMs.filter((_, i) => !timedRan[i]);
    row('B3', `depth ms ÷ keyframe ms (${size}²${what})`, be, sum(depthMs) / sum(keyframeMs), 'ratio', '<=', 0.2, {
      depthMs: sum(depthMs) / depthMs.length, keyframeMs: sum(keyframeMs) / keyframeMs.length, size, netRuns: net.length, keyframes: depthMs.length,
      netMs: net.length ? median(net) : null, warpMs: warp.length ? median(warp) : null, perRound: pairedRatios(depthMs, keyframeMs),
    });
    console.log(`       the depth net ran on ${net.length} of ${depthMs.length} keyframes (median ${net.length ? median(net).toFixed(1) : '–'} ms); the others warped the previous map (${warp.length ? median(warp).toFixed(1) : '–'} ms)`);
  };
  console.log(`engine (Node ${be}, single-threaded SIMD as in the worker):`);
  const mm = await matmulGflops(opt.matmul, 5);
  console.log(`  matmul ${mm.n}³: ${mm.ms.toFixed(1)} ms → ${mm.gflops.toFixed(2)} GFLOP/s (the reference for B2)`);
  for (const name of opt.recipes) {
    const recipe = RECIPES[name];
    if (!recipe) throw new Error(`unknown recipe '${name}' (have ${Object.keys(RECIPES).join(', ')})`);
    const model = await nodeModel(recipe.model);
    const nodes = fixedNodes(model.entry);
    const obj = recipeObjective(recipe, model.entry);
    for (const size of opt.sizes) {
      const flops = stepFlops(model, nodes, obj, size);
      // the reference again, interleaved with the step's calls: the load drifts
      const side = await stepBesideMatmul(model, recipe, size, opt.matmul, opt.stepRuns, opt.stepWarm);
      const ms = side.stepMs, ref = { gflops: side.matmulGflops };
      const gflops = flops.step / (ms / 1000) / 1e9;
      // each round's step beside that round's matmul: (FLOPs / step ms) ÷ (2n³ / matmul ms)
      const stepSpread = pairedRatios(side.matmulSamples, side.stepSamples, flops.step / (2 * opt.matmul ** 3));
      // before: the same step with wasm's own Conv2DBackpropInput, right after
      const msBefore = opt.before ? await convgrad(false, () => stepMs(model, recipe, size, opt.stepRuns, opt.stepWarm)) : NaN;
      const before = flops.step / (msBefore / 1000) / 1e9 / ref.gflops;
      row('B2', `step GFLOP/s ÷ matmul: ${name} ${size}²`, be, gflops / ref.gflops, 'ratio', '>=', 0.5,
        { recipe: name, model: recipe.model, size, stepMs: ms, stepGflop: flops.step / 1e9, gflops, matmulGflops: ref.gflops, perRound: stepSpread, stockConvgrad: { stepMs: msBefore, ratio: before, speedup: msBefore / ms }, byOp: flops.byOp, unknownShapes: flops.unknown });
      spreadLine(stepSpread, 0.5);
      // the reference is ~3 MB of operands against a step's ~1 MB: another tenant's memory traffic can slow it
      // alone (a slowed reference inflates the row's ratio with the step unchanged)
      if (side.matmulGflops < 0.5 * mm.gflops) console.log(`       ! the matmul reference read ${fmt(side.matmulGflops)} GFLOP/s here, ${fmt(mm.gflops)} at the start: the host was busy; rerun before quoting this row`);
      if (opt.before) console.log(`       before (stock TF.js kernels): ${fmt(before)} · step ${msBefore.toFixed(0)} → ${ms.toFixed(0)} ms (×${(msBefore / ms).toFixed(2)})`);
      if (opt.cpuSteps > 0) {
        // the profile that explains the row: how much of a step is kernels, and how much is JavaScript around them
        const cpu = await stepCpuShares(model, recipe, size, opt.cpuSteps);
        stepCpu.push({ recipe: name, size, ...cpu });
        console.log(`       CPU time of a step (${opt.cpuSteps} sampled): ${CPU_BUCKETS.map((b) => `${b} ${(100 * cpu.shares[b]).toFixed(0)} %`).join(' · ')}`);
      }
    }
  }
  const loopRecipe = RECIPES[opt.recipes.includes(DEFAULT_RECIPE) ? DEFAULT_RECIPE : opt.recipes[0]];
  const lm = await nodeModel(loopRecipe.model);
  // Real loop, naive loop and depth, one call of each in turn (B2's second ratio and B3 share the keyframe time).
  // The naive loop runs on stock TF.js (wasm's own Conv2DBackpropInput): what one would write without this engine.
  // The naive loop's graph as loaded before the engine's graph rewrites (only the unfusing wasm needs for gradients).
  const naiveModel = await loadDreamModel(lm.entry, MODEL_DIR, fileFetch, NAIVE_PROFILE);
  const real = timed(realLoop(lm, loopRecipe, opt.loopSize));
  const depth = await depthJob(opt.loopSize, real.lastMs);
  const jobs: KeyframeLoop[] = [real, stockJob(naiveLoop(naiveModel, loopRecipe, opt.loopSize)), depth];
  if (opt.before) jobs.push(stockJob(realLoop(lm, loopRecipe, opt.loopSize)));
  // three untimed rounds: the real loop's gradients are recorded on the second keyframe and checked on the third
  // (src/dream/replay.ts), and the depth budget settles (src/depth/cadence.ts)
  const samples = await interleavedSamples(jobs, opt.keyframes, LOOP_WARM);
  const [realMs, naiveMs, , realStockMs] = samples.map(median);
  jobs.forEach((j) => j.dispose());
  naiveModel.dispose();
  const loopSpread = pairedRatios(samples[1], samples[0]);
  row('B2', `keyframes/s real ÷ naive: ${loopRecipe.name} ${opt.loopSize}²`, be, naiveMs / realMs, 'ratio', '>=', 3, { keyframesPerSReal: 1000 / realMs, keyframesPerSNaive: 1000 / naiveMs, keyframeMsReal: realMs, keyframeMsNaive: naiveMs, keyframeMsRealStockConvgrad: realStockMs, before: naiveMs / realStockMs, perRound: loopSpread });
  spreadLine(loopSpread, 3);
  if (opt.before) console.log(`       before (real loop on stock TF.js kernels): ${fmt(naiveMs / realStockMs)} · keyframe ${realStockMs.toFixed(0)} → ${realMs.toFixed(0)} ms`);
  depthRow(opt.loopSize, samples[2], samples[0], depth.ran);
  // and at the keyframe size the viewer dreams at by default, where the same depth call is a smaller share
  const viewSize = DEFAULT_CLIENT_OPTIONS.size[0];
  if (viewSize !== opt.loopSize) {
    const viewReal = timed(realLoop(lm, loopRecipe, viewSize));
    const viewDepth = await depthJob(viewSize, viewReal.lastMs);
    const viewSamples = await interleavedSamples([viewReal, viewDepth], opt.keyframes, LOOP_WARM);
    [viewReal, viewDepth].forEach((j) => j.dispose());
    depthRow(viewSize, viewSamples[1], viewSamples[0], viewDepth.ran, `, the viewer's default`);
  }
  const kernels = await stepKernels(lm, loopRecipe, opt.loopSize);
  profiles.stepKernels = { recipe: loopRecipe.name, size: opt.loopSize, kernels };
  console.log(`  one ${loopRecipe.name} ${opt.loopSize}² step by kernel (ms): ${kernels.slice(0, 6).map((k) => `${k.name} ${k.ms.toFixed(1)}×${k.calls}`).join(' · ')}`);
}

const totalS = (performance.now() - t0) / 1000;
const missed = rows.filter((r) => !r.pass);
console.log(`${rows.length - missed.length}/${rows.length} pass · ${totalS.toFixed(0)} s`);
mkdirSync(`${ROOT}/bench/results`, { recursive: true });
const file = `${ROOT}/bench/results/${new Date().toISOString().slice(0, 10)}-${machineSlug}${quick ? '-quick' : ''}${opt.onlyB4 ? '-b4' : ''}${!opt.page ? '-engine' : ''}${!opt.engine ? '-page' : ''}${opt.pageQuery ? `-${opt.pageQuery.replace(/[^a-zA-Z0-9.]+/g, '-')}` : ''}.json`;
writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, node: process.version, options: opt, totalS, rows, profiles }, null, 1)}\n`);
console.log(`wrote ${file.slice(ROOT.length + 1)}`);
