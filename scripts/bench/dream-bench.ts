// npm run dream:bench [-- --size=128 --backend=wasm --runs=5 --recipes=crowds,faces]: one ascent step (jitter, fwd, grad, normalise,
// step) per recipe's objective, timed side by side in one process on one backend. Benchmarks measure; tests never do.
//   --compare=folds    each recipe with and without the engine's later graph rewrites (conv + bias + activation,
//                      h-swish, zero pads into convs, nhwc-islands and its feed/objective twins: src/model's
//                      UNFOLDED_PROFILE), steps alternating, medians
//   --compare=phases   strided input gradients by stride phase or over zero-inserted dy (the accelerator's
//                      stridePhases option), with the gradient's kernel replay off (src/tf/accel/replay: a replay
//                      calls the kernels it recorded)
import * as tf from '@tensorflow/tfjs';
import { recipeObjective, recipeTransform } from '../../src/dream/dreamer';
import { RECIPES } from '../../src/dream/recipes';
import { noiseSeed } from '../../src/dream/seed';
import { ascentStep } from '../../src/dream/step';
import { seededRng } from '../../src/dream/transforms';
import { loadDreamModel, UNFOLDED_PROFILE, type DreamModel } from '../../src/model';
import { fileFetch } from '../../src/tf/file-fetch';
import { installWasmAccelerator, type BackendName } from '../../src/tf';
import { MODEL_DIR, nodeBackend, nodeModel } from '../dream-node';
import type { Recipe } from '../../src/dream/recipes';

const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const size = Number(arg('size', '128'));
const runs = Number(arg('runs', '5'));
const compare = arg('compare', '');
const names = arg('recipes', Object.keys(RECIPES).join(',')).split(',');
for (const n of names) if (!RECIPES[n]) throw new Error(`unknown recipe '${n}' (have ${Object.keys(RECIPES).join(', ')})`);
if (!['', 'folds', 'phases'].includes(compare)) throw new Error(`--compare must be folds or phases, got '${compare}'`);
await nodeBackend(arg('backend', 'wasm') as BackendName);
if (compare === 'phases') installWasmAccelerator({ replay: false }); // both sides would replay whichever was recorded first
console.log(`backend=${tf.getBackend()} size=${size}² runs=${runs}${compare ? ` compare=${compare}` : ''}`);

/** One ascent step per call, each on the last one's output. */
function stepper(model: DreamModel, recipe: Recipe) {
  const obj = recipeObjective(recipe, model.entry);
  const cfg = { stepSize: recipe.stepSize, transform: recipeTransform(recipe, size), rng: seededRng(1) };
  let x = noiseSeed(size, size, 1);
  return { step: async () => { const y = ascentStep(model, x, obj, cfg); await y.data(); x.dispose(); x = y; }, dispose: () => x.dispose() };
}
const median = (t: number[]) => t.sort((a, b) => a - b)[t.length >> 1];

for (const recipe of names.map((n) => RECIPES[n])) {
  const model = await nodeModel(recipe.model);
  if (!compare) {
    const s = stepper(model, recipe);
    await s.step(); await s.step(); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await s.step();
    console.log(`${recipe.name.padEnd(9)} ${recipe.model.padEnd(18)} ${((performance.now() - t0) / runs).toFixed(0).padStart(5)} ms/step`);
    s.dispose();
    continue;
  }
  // [without, with], called alternately so the machine's drift hits both
  let other = model;
  if (compare === 'folds') other = await loadDreamModel(model.entry, MODEL_DIR, fileFetch, UNFOLDED_PROFILE);
  const jobs = [stepper(other, recipe), stepper(model, recipe)];
  const run = async (k: number) => { if (compare === 'phases') installWasmAccelerator({ replay: false, stridePhases: k === 1 }); await jobs[k].step(); };
  for (let i = 0; i < 3; i++) for (const k of [0, 1]) await run(k);
  const t: number[][] = [[], []];
  for (let i = 0; i < runs; i++) for (const k of [0, 1]) { const t0 = performance.now(); await run(k); t[k].push(performance.now() - t0); }
  if (compare === 'phases') installWasmAccelerator({ replay: false });
  const [off, on] = t.map(median);
  console.log(`${recipe.name.padEnd(9)} ${recipe.model.padEnd(18)} without ${off.toFixed(1).padStart(6)} ms · with ${on.toFixed(1).padStart(6)} ms · with/without ${(on / off).toFixed(3)}`);
  jobs.forEach((j) => j.dispose());
  if (other !== model) other.dispose();
}
