// npx tsx scripts/depth/time-nets.ts A/model.json B/model.json [--size 96] [--calls 30] — one depth call of each net
// (TF.js wasm, Node, one thread), alternating in one process so machine load falls on both alike; medians in ms.
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDepthEstimator } from '../../src/depth/index.ts';
import { useBackend } from '../../src/tf/backend.ts';
import { fileFetch } from '../../src/tf/file-fetch.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { size: { type: 'string', default: '96' }, calls: { type: 'string', default: '30' } } });
if (!(await useBackend('wasm', { wasmPath: join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/') }))) throw new Error('no wasm backend');
const size = Number(a.size);
const nets = await Promise.all(positionals.map((m) => createDepthEstimator({ modelUrl: m, fetchFn: fileFetch, inputSize: size })));
const image = tf.randomUniform([160, 160, 3]) as tf.Tensor3D; // the viewer's default keyframe size
const times: number[][] = nets.map(() => []);
for (let k = 0; k < Number(a.calls) + 3; k++) for (const [i, n] of nets.entries()) {
  const t0 = performance.now();
  const d = n.estimate(image);
  await d.data();
  d.dispose();
  if (k >= 3) times[i].push(performance.now() - t0); // 3 warm-up rounds
}
const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
positionals.forEach((m, i) => console.log(`${m}: median ${med(times[i]).toFixed(1)} ms at ${size}² (${times[i].length} calls)`));
console.log(`ratio ${(med(times[1] ?? times[0]) / med(times[0])).toFixed(2)}`);
nets.forEach((n) => n.dispose()); image.dispose();
