// npm run dream:sheet [-- recipe,recipe] [--size=N]: per recipe, 12 consecutive zoom keyframes as a contact
// sheet (docs/recipes/<recipe>-sheet.png, frames shown at --thumb px, 6-bit colour, to stay under ~300 KB)
// and one full-size frame (docs/recipes/<recipe>.png). Node, wasm.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { Dreamer } from '../../src/dream/dreamer';
import { RECIPES } from '../../src/dream/recipes';
import { noiseSeed } from '../../src/dream/seed';
import { grid, nodeBackend, quantise, nodeModel, ROOT, toRgba, writePng } from '../dream-node';

const args = process.argv.slice(2);
const size = Number(args.find((a) => a.startsWith('--size='))?.slice(7) ?? 160);
const frames = Number(args.find((a) => a.startsWith('--frames='))?.slice(9) ?? 12);
const thumb = Number(args.find((a) => a.startsWith('--thumb='))?.slice(8) ?? 112);
const names = args.find((a) => !a.startsWith('--'))?.split(',') ?? Object.keys(RECIPES);
const out = `${ROOT}/docs/recipes`;
mkdirSync(out, { recursive: true });
await nodeBackend('wasm');
for (const name of names) {
  const recipe = RECIPES[name];
  if (!recipe) throw new Error(`unknown recipe '${name}' (have ${Object.keys(RECIPES).join(', ')})`);
  const model = await nodeModel(recipe.model);
  const seed = noiseSeed(size, size, 7);
  const dreamer = new Dreamer(model, recipe, seed, 7);
  seed.dispose();
  const shots = [];
  let last = null;
  let ms = 0;
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    const { image } = dreamer.keyframe([0.5, 0.5]);
    if (i === frames - 1) last = await toRgba(image);
    ms += performance.now() - t0;
    const small = tf.image.resizeBilinear(image, [thumb, thumb], false, true);
    shots.push(quantise(await toRgba(small), 6));
    small.dispose();
  }
  ms /= frames;
  const steps = recipe.octaves * recipe.steps;
  writePng(`${out}/${name}-sheet.png`, grid(shots, 4));
  writePng(`${out}/${name}.png`, last!);
  dreamer.dispose();
  console.log(`${name} (${recipe.model}) ${size}px: ${ms.toFixed(0)} ms/keyframe, ${(ms / steps).toFixed(1)} ms/step (${steps} steps, pyramid) tensors=${tf.memory().numTensors}`);
}
