// `npm run test:layers`: the layer rules of .dependency-cruiser.cjs over src/, one test per rule (a rule passes when
// nothing breaks it), written to reports/layers.json so the closing line counts them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const rules = createRequire(import.meta.url)('../../.dependency-cruiser.cjs').forbidden.map((r) => r.name);
const r = spawnSync('npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
let violations = [];
let crashed = null;
try {
  violations = JSON.parse(r.stdout).summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to, cycle: v.cycle?.map((c) => c.name ?? c) }));
} catch (e) {
  crashed = `depcruise did not report (exit ${r.status}): ${(r.stderr || String(e)).slice(0, 2000)}`;
}
const results = rules.map((name) => ({ name, violations: violations.filter((v) => v.rule === name) }));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/layers.json', JSON.stringify({ crashed, results }, null, 1));
if (crashed) console.log(crashed);
for (const t of results) {
  console.log(`${t.violations.length ? '✗' : '✓'} ${t.name}`);
  for (const v of t.violations) console.log(`    ${v.from} → ${v.to}${v.cycle ? ` (cycle: ${v.cycle.join(' → ')})` : ''}`);
}
const failed = results.filter((t) => t.violations.length).length;
console.log(crashed ? 'layers: not checked' : `layers: ${results.length - failed} rules kept, ${failed} broken`);
process.exit(crashed || failed ? 1 : 0);
