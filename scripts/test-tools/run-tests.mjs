// Runs every test runner (the type check, the layer rules, Vitest unit, Python depth-tool tests, Playwright e2e), all of them even
// when one fails, then prints one closing line "N passed, N failed" from their machine-readable
// reports. Exits non-zero when anything failed, a runner crashed, or no test ran at all.
import { spawnSync } from 'node:child_process';
import { rmSync, mkdirSync } from 'node:fs';
import { summarise } from './test-summary.mjs';

const runners = [
  ['types (tsc)', 'npm', ['run', 'test:types']],
  ['layers (dependency-cruiser)', 'npm', ['run', 'test:layers']],
  ['unit (vitest)', 'npm', ['run', 'test:unit']],
  ['python (pytest)', 'npm', ['run', 'test:py']],
  ['e2e (playwright)', 'npm', ['run', 'test:e2e']],
];

rmSync('reports', { recursive: true, force: true });
mkdirSync('reports', { recursive: true });
const exitCodes = {};
for (const [name, cmd, args] of runners) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  exitCodes[name] = r.status ?? 1;
}
const { passed, failed, perRunner, problems } = summarise('reports');
console.log('');
for (const [name, c] of Object.entries(perRunner)) console.log(`${name}: ${c.passed} passed, ${c.failed} failed`);
for (const [name, code] of Object.entries(exitCodes)) if (code !== 0) problems.push(`${name} exited with ${code}`);
for (const p of problems) console.log(`problem: ${p}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 || problems.length > 0 ? 1 : 0);
