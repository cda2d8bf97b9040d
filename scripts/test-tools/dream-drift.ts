// npm run dream:drift [-- recipe,recipe --size=48 --frames=200]: colour drift check. Runs the zoom loop and
// prints per-channel mean/std every 20 keyframes; exits 1 if any keyframe drifts to grey (std below half the
// seed's), saturation (std above twice the seed's, or many clipped pixels) or a colour cast (mean off by > 0.15).
import * as tf from '@tensorflow/tfjs';
import { channelStats, Dreamer } from '../../src/dream/dreamer';
import { RECIPES } from '../../src/dream/recipes';
import { noiseSeed } from '../../src/dream/seed';
import { nodeBackend, nodeModel } from '../dream-node';

const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const size = Number(arg('size', '48'));
const frames = Number(arg('frames', '200'));
const names = process.argv.slice(2).find((a) => !a.startsWith('--'))?.split(',') ?? Object.keys(RECIPES);
const LIMITS = { meanOff: 0.15, stdLo: 0.5, stdHi: 2, clippedHi: 0.2 };
await nodeBackend('wasm');
let ok = true;
const f3 = (a: ArrayLike<number>) => Array.from(a, (v) => v.toFixed(3)).join(' ');
for (const name of names) {
  const model = await nodeModel(RECIPES[name].model);
  const seed = noiseSeed(size, size, 3);
  const d = new Dreamer(model, RECIPES[name], seed, 3);
  const s0 = channelStats(seed);
  const [m0, sd0] = [await s0.mean.data(), await s0.std.data()];
  console.log(`${name}: seed mean ${f3(m0)} std ${f3(sd0)}`);
  tf.dispose([seed, s0.mean, s0.std]);
  for (let i = 1; i <= frames; i++) {
    const { image } = d.keyframe([0.5 + 0.2 * Math.sin(i / 15), 0.5 + 0.2 * Math.cos(i / 23)]);
    const s = channelStats(image);
    const clipped = tf.tidy(() => tf.mean(tf.cast(tf.logicalOr(tf.lessEqual(image, 0.004), tf.greaterEqual(image, 0.996)), 'float32')));
    const [m, sd, c] = [await s.mean.data(), await s.std.data(), (await clipped.data())[0]];
    tf.dispose([s.mean, s.std, clipped]);
    const bad = Array.from(m).some((v, k) => Math.abs(v - m0[k]) > LIMITS.meanOff)
      || Array.from(sd).some((v, k) => v < LIMITS.stdLo * sd0[k] || v > LIMITS.stdHi * sd0[k]) || c > LIMITS.clippedHi;
    if (bad || i % 20 === 0) console.log(`  kf ${String(i).padStart(3)} mean ${f3(m)} std ${f3(sd)} clipped ${(c * 100).toFixed(1)}%${bad ? '  <-- out of range' : ''}`);
    ok &&= !bad;
  }
  d.dispose();
}
console.log(ok ? 'colour stays in range' : 'COLOUR DRIFT');
process.exit(ok ? 0 : 1);
