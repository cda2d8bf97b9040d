// npm run dream:bench [-- --size=128 --backend=wasm]: one ascent step (jitter, fwd, grad, normalise, step) per
// recipe's objective, timed side by side in one process on one backend. Benchmarks measure; tests never do.
import * as tf from '@tensorflow/tfjs';
import { recipeObjective, recipeTransform } from '../src/dream/dreamer';
import { RECIPES } from '../src/dream/recipes';
import { noiseSeed } from '../src/dream/seed';
import { ascentStep } from '../src/dream/step';
import { seededRng } from '../src/dream/transforms';
import type { BackendName } from '../src/tf/backend';
import { nodeBackend, nodeModel } from './dream-node';

const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const size = Number(arg('size', '128'));
const runs = Number(arg('runs', '5'));
await nodeBackend(arg('backend', 'wasm') as BackendName);
console.log(`backend=${tf.getBackend()} size=${size}² runs=${runs}`);
for (const recipe of Object.values(RECIPES)) {
  const model = await nodeModel(recipe.model);
  const obj = recipeObjective(recipe, model.entry);
  const cfg = { stepSize: recipe.stepSize, transform: recipeTransform(recipe, size), rng: seededRng(1) };
  let x = noiseSeed(size, size, 1);
  const step = async () => { const y = ascentStep(model, x, obj, cfg); await y.data(); x.dispose(); x = y; };
  await step(); await step(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await step();
  console.log(`${recipe.name.padEnd(9)} ${recipe.model.padEnd(18)} ${((performance.now() - t0) / runs).toFixed(0).padStart(5)} ms/step`);
  x.dispose();
}
