// `npm run test:types`: the TypeScript type check as one test with a report (reports/tsc.json), so the closing
// line counts it. Vite and Vitest strip types without checking them: nothing else would see a type error.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const r = spawnSync('npx', ['tsc', '--noEmit', '--pretty', 'false'], { encoding: 'utf8' });
const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
process.stdout.write(out);
const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/tsc.json', JSON.stringify({ ok: r.status === 0, errors }, null, 1));
console.log(r.status === 0 ? 'tsc: no type errors' : `tsc: ${errors.length} type errors`);
process.exit(r.status ?? 1);
