// npm run eval:depth:all [-- --model path/to/model.json] — eval:depth on all three sets (synthetic, three, real),
// each at 96² (net at model.json's inputSize) and 192² (net at 192²), then one summary table with issue 28's targets.
// Needs the independent set (npm run depth:eval-three) and the real photographs (training/depth/photos.py).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: a } = parseArgs({ options: { model: { type: 'string' }, flip: { type: 'boolean', default: false } } });
const model = a.model ? resolve(a.model) : join(ROOT, 'models/depth/model.json');
const outDir = model === join(ROOT, 'models/depth/model.json') ? join(ROOT, 'docs/depth') : dirname(model);
const runs = [['synthetic', 96], ['synthetic', 192], ['three', 96], ['three', 192], ['real', 96], ['real', 192]] as const;
const rows: string[] = [];
for (const [set, size] of runs) {
  const args = ['tsx', 'scripts/eval-depth.ts', '--set', set, '--size', String(size), '--model', model, ...(size === 192 ? ['--net-size', '192'] : []), ...(a.flip ? ['--flip'] : [])];
  const r = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`eval-depth ${set} ${size} failed`);
  const stem = set === 'synthetic' && size === 96 ? 'eval' : `eval-${set}${size === 96 ? '' : `-${size}`}`;
  const j = JSON.parse(readFileSync(join(outDir, `${stem}.json`), 'utf8'));
  const n = j.results.net, v = j.results.vertical;
  const so = j.standOut ? ` | ${(100 * j.standOut.net.nearer).toFixed(1)} % (truth ${(100 * j.standOut.truth.nearer).toFixed(1)} %)` : ' | —';
  rows.push(`| ${set} | ${size}² / net ${j.netSize}² | ${j.count} | ${n.absRel.toFixed(3)} | ${v.absRel.toFixed(3)} | ${(100 * j.absRelGainOverVertical).toFixed(1)} % | ${n.delta1.toFixed(3)} | ${(100 * n.positiveScale).toFixed(1)} %${so} |`);
}
console.log('\n| set | size | images | AbsRel | vertical | below vertical (≥ 40 %) | δ<1.25 (≥ 0.6) | positive (≥ 98 %) | figures nearer |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
