import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newestFile, staleReason } from '../../../scripts/test-tools/dist-fresh';

describe('dist freshness (e2e global setup)', () => {
  let root: string;
  const file = (rel: string, atS: number) => {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, rel);
    utimesSync(p, atS, atS);
  };
  beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'dist-fresh-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds the newest file under nested folders and skips missing inputs', () => {
    file('src/a.ts', 1000);
    file('src/deep/b/c.ts', 3000);
    file('shaders/x.glsl', 2000);
    expect(newestFile(root, ['src', 'shaders', 'nope'])).toEqual({ path: join('src', 'deep', 'b', 'c.ts'), mtimeMs: 3000_000 });
    expect(newestFile(root, ['nope'])).toBeNull();
  });

  it('says a build is needed when dist is missing or older than any input, and not when it is newer', () => {
    file('src/a.ts', 1000);
    file('shaders/x.glsl', 2000);
    expect(staleReason(root, ['src', 'shaders'])).toBe('dist/index.html is missing');
    file('dist/index.html', 1500);
    expect(staleReason(root, ['src', 'shaders'])).toBe(`${join('shaders', 'x.glsl')} is newer than dist/index.html`);
    file('dist/index.html', 2500);
    expect(staleReason(root, ['src', 'shaders'])).toBeNull();
    file('src/a.ts', 2600); // an edit after the build
    expect(staleReason(root, ['src', 'shaders'])).toBe(`${join('src', 'a.ts')} is newer than dist/index.html`);
  });
});
