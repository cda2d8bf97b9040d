// The layer rules (.dependency-cruiser.cjs) catch what they forbid: each rule on a small tree that breaks it, and
// the real src/ with one deliberately forbidden import added.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs'));
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A throwaway project with these files (path → source), cruised with the project's rules. */
async function violationsOf(files: Record<string, string>): Promise<IViolation[]> {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  dirs.push(dir);
  for (const [path, src] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), src);
  }
  return cruiseIn(dir);
}

async function cruiseIn(dir: string): Promise<IViolation[]> {
  const options: ICruiseOptions = {
    ruleSet: { forbidden: config.forbidden },
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|node_modules)/',
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
    baseDir: dir,
    validate: true,
  };
  const result = await cruise(['src'], options, { extensions: ['.ts', '.js'] });
  if (typeof result.output === 'string') throw new Error('depcruise returned text, not a result');
  return result.output.summary.violations;
}

const rulesOf = (v: IViolation[]) => [...new Set(v.map((x) => x.rule.name))].sort();
const INDEX = (folder: string) => ({ [`src/${folder}/index.ts`]: 'export const x = 1;\n' });
const tfjs = { 'node_modules/@tensorflow/tfjs/package.json': '{"name":"@tensorflow/tfjs","main":"index.js"}', 'node_modules/@tensorflow/tfjs/index.js': 'exports.x = 1;\n' };

describe('layer rules (dependency-cruiser)', () => {
  it('a tree that keeps every rule has no violations', async () => {
    expect(await violationsOf({
      ...INDEX('ui'), ...INDEX('dream'), ...INDEX('tf'), ...INDEX('platform'), ...tfjs,
      'src/main.ts': "import { x } from './ui';\nimport { x as y } from './dream';\nexport const z = x + y;\n",
      'src/ui/panel.ts': "import { x } from '../dream';\nimport { x as p } from '../platform';\nexport const q = x + p;\n",
      'src/dream/step.ts': "import { x } from '../tf';\nimport * as tf from '@tensorflow/tfjs';\nexport const q = x + tf.x;\n",
    })).toEqual([]);
  });

  it.each([
    ['no-cycles', { 'src/dream/a.ts': "import { b } from './b';\nexport const a = b;\n", 'src/dream/b.ts': "import { a } from './a';\nexport const b = () => a;\n" }],
    ['render-side-without-tfjs', { ...tfjs, 'src/stereo/x.ts': "import * as tf from '@tensorflow/tfjs';\nexport const q = tf.x;\n" }],
    ['render-side-without-tfjs', { ...tfjs, ...INDEX('gaze'), 'src/gaze/y.ts': "import * as tf from '@tensorflow/tfjs';\nexport const q = tf.x;\n", 'src/stereo/x.ts': "import { q } from '../gaze/y';\nexport const r = q;\n" }],
    ['render-side-uses-the-dream-contract', { ...INDEX('dream'), 'src/dream/worker.ts': 'export const w = 1;\n', 'src/ui/x.ts': "import { w } from '../dream/worker';\nexport const q = w;\n" }],
    ['engines-without-the-page', { ...INDEX('ui'), 'src/depth/x.ts': "import { x } from '../ui';\nexport const q = x;\n" }],
    ['folders-through-their-index', { ...INDEX('gaze'), 'src/gaze/hit.ts': 'export const h = 1;\n', 'src/stereo/x.ts': "import { h } from '../gaze/hit';\nexport const q = h;\n" }],
    ['platform-is-a-leaf', { ...INDEX('ui'), 'src/platform/x.ts': "import { x } from '../ui';\nexport const q = x;\n" }],
    ['only-main-wires', { 'src/main.ts': 'export const m = 1;\n', 'src/ui/x.ts': "import { m } from '../main';\nexport const q = m;\n" }],
  ])('%s: a tree that breaks it is caught', async (rule, files) => {
    const v = await violationsOf(files as Record<string, string>);
    expect(rulesOf(v)).toContain(rule);
  });

  it('every rule of the config is exercised above', () => {
    expect(config.forbidden.map((r: { name: string }) => r.name).sort()).toEqual([
      'engines-without-the-page', 'folders-through-their-index', 'no-cycles', 'only-main-wires', 'platform-is-a-leaf',
      'render-side-uses-the-dream-contract', 'render-side-without-tfjs',
    ]);
  });

  it('the real src/ with one forbidden import added (the stereo screen importing the dream session) fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layers-src-'));
    dirs.push(dir);
    cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
    const before = (await cruiseIn(dir)).map((v) => `${v.rule.name} ${v.from} ${v.to}`);
    appendFileSync(join(dir, 'src/stereo/stereoScreen.ts'), "\nexport { DreamSession as ForbiddenHere } from '../dream/session';\n");
    const after = (await cruiseIn(dir)).map((v) => `${v.rule.name} ${v.from} ${v.to}`).filter((v) => !before.includes(v));
    expect(after).toContain('render-side-uses-the-dream-contract src/stereo/stereoScreen.ts src/dream/session.ts');
    // and through it the stereo screen would reach TF.js
    expect(after.some((v) => v.startsWith('render-side-without-tfjs src/stereo/stereoScreen.ts'))).toBe(true);
  }, 120_000);
});
