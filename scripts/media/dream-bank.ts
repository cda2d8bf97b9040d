// npm run dream:bank: ~48 dreamed 128×128 PNGs (mixed recipes, varied seeds and foci, some keyframes deep
// into the zoom) in training/depth/data/dream-bank/, for texturing the synthetic depth-training scenes.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { Dreamer } from '../../src/dream/dreamer';
import { RECIPES } from '../../src/dream/recipes';
import { noiseSeed } from '../../src/dream/seed';
import { nodeBackend, nodeModel, ROOT, toRgba, writePng } from '../dream-node';

const SIZE = 128;
const SEQUENCES = 12;
const SAVE_AT = [1, 2, 4, 6]; // keyframe indices written per sequence: 12 × 4 = 48 images
const out = `${ROOT}/training/depth/data/dream-bank`;
mkdirSync(out, { recursive: true });
await nodeBackend('wasm');
const names = Object.keys(RECIPES);
const t0 = performance.now();
let written = 0;
for (let s = 0; s < SEQUENCES; s++) {
  const name = names[s % names.length];
  const model = await nodeModel(RECIPES[name].model);
  const seed = noiseSeed(SIZE, SIZE, 1000 + s);
  const dreamer = new Dreamer(model, RECIPES[name], seed, 1000 + s);
  seed.dispose();
  const focus: [number, number] = [0.3 + 0.4 * ((s * 0.618) % 1), 0.3 + 0.4 * ((s * 0.382) % 1)];
  for (let k = 1; k <= Math.max(...SAVE_AT); k++) {
    const frame = dreamer.keyframe(focus);
    if (SAVE_AT.includes(k)) {
      writePng(`${out}/${name}-s${String(s).padStart(2, '0')}-k${k}.png`, await toRgba(frame.image));
      written++;
    }
  }
  dreamer.dispose();
  console.log(`sequence ${s} (${name}) done, ${written} images, ${((performance.now() - t0) / 1000).toFixed(0)} s, tensors=${tf.memory().numTensors}`);
}
console.log(`wrote ${written} images to ${out}`);
