// npm run dream:digest [-- recipe,recipe] [--out FILE] [--compare FILE]: a fingerprint of the dream engine's
// output, to show that a change which should not alter behaviour does not. Per recipe: 12 keyframes at 160² on
// wasm from noise seed 7 and random seed 7, the focus moving a little each keyframe; the sha-256 (first 16 hex
// digits) of each keyframe's float32 data, and of the depth net's output on the last one. With --compare the
// run fails when any digest differs from FILE's.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Dreamer } from '../../src/dream/dreamer';
import { RECIPES } from '../../src/dream/recipes';
import { noiseSeed } from '../../src/dream/seed';
import { createDepthEstimator } from '../../src/depth';
import { fileFetch } from '../../src/tf/file-fetch';
import { nodeBackend, nodeModel, ROOT } from '../dream-node';

const args = process.argv.slice(2);
const opt = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const names = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'))?.split(',') ?? Object.keys(RECIPES);
const hex = (a: Float32Array) => createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16);

await nodeBackend('wasm');
const estimator = await createDepthEstimator({ modelUrl: `${ROOT}/models/depth/model.json`, fetchFn: fileFetch });
const out: Record<string, { keyframes: string[]; depth: string }> = {};
for (const name of names) {
  const recipe = RECIPES[name];
  if (!recipe) throw new Error(`unknown recipe '${name}' (have ${Object.keys(RECIPES).join(', ')})`);
  const seed = noiseSeed(160, 160, 7);
  const dreamer = new Dreamer(await nodeModel(recipe.model), recipe, seed, 7);
  seed.dispose();
  const keyframes: string[] = [];
  let last: Float32Array = new Float32Array(0);
  for (let i = 0; i < 12; i++) {
    const { image } = dreamer.keyframe([0.5 + 0.02 * Math.sin(i), 0.5]);
    last = (await image.data()) as Float32Array;
    keyframes.push(hex(last));
  }
  const img = tf.tensor3d(last, [160, 160, 3]);
  const depth = estimator.estimate(img);
  out[name] = { keyframes, depth: hex((await depth.data()) as Float32Array) };
  img.dispose();
  depth.dispose();
  dreamer.dispose();
  console.log(`${name}: ${keyframes.join(' ')} · depth ${out[name].depth}`);
}
estimator.dispose();
const file = opt('--out');
if (file) writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
const against = opt('--compare');
if (against) {
  const ref = JSON.parse(readFileSync(against, 'utf8')) as typeof out;
  const differ = names.filter((n) => JSON.stringify(ref[n]) !== JSON.stringify(out[n]));
  console.log(differ.length ? `DIFFERENT from ${against}: ${differ.join(', ')}` : `identical to ${against} (${names.length} recipes)`);
  if (differ.length) process.exitCode = 1;
}
