// npm run depth:eval-bank — dreamed textures for the independent evaluation generator and the "dream stands out"
// check (training/depth/data/eval-dream-bank/): 128² keyframes of every recipe from seeds and foci that the
// training bank (scripts/dream-bank.ts: seeds 1000–1011, keyframes 1, 2, 4, 6) never used, so neither evaluation
// shows the net a texture it was trained on.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { Dreamer } from '../../src/dream/dreamer';
import { RECIPES } from '../../src/dream/recipes';
import { noiseSeed } from '../../src/dream/seed';
import { nodeBackend, nodeModel, ROOT, toRgba, writePng } from '../dream-node';

const SIZE = 128, SEQUENCES = 10, SAVE_AT = [3, 5, 7];
const out = `${ROOT}/training/depth/data/eval-dream-bank`;
mkdirSync(out, { recursive: true });
await nodeBackend('wasm');
const names = Object.keys(RECIPES);
let written = 0;
for (let s = 0; s < SEQUENCES; s++) {
  const name = names[s % names.length];
  const seedId = 7000 + s;
  const seed = noiseSeed(SIZE, SIZE, seedId);
  const dreamer = new Dreamer(await nodeModel(RECIPES[name].model), RECIPES[name], seed, seedId);
  seed.dispose();
  const focus: [number, number] = [0.25 + 0.5 * ((s * 0.754) % 1), 0.25 + 0.5 * ((s * 0.431) % 1)];
  for (let k = 1; k <= Math.max(...SAVE_AT); k++) {
    const frame = dreamer.keyframe(focus);
    if (SAVE_AT.includes(k)) { writePng(`${out}/${name}-e${String(s).padStart(2, '0')}-k${k}.png`, await toRgba(frame.image)); written++; }
  }
  dreamer.dispose();
}
console.log(`wrote ${written} images to ${out}; tensors ${tf.memory().numTensors}`);
