// Is dist/ built from the sources as they are now? Playwright serves dist/ (`vite preview`), so an e2e run that
// skipped `vite build` after an edit would test the old code, and pass or fail for reasons not in the tree.
// scripts/test-tools/ensure-dist.ts asks this before every e2e run and builds when the answer is no. Pure apart from reading mtimes, so a unit test can drive it with a temp tree.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What `vite build` reads (vite.config.ts): the pages, the code, shaders, assets, models and the config. */
export const BUILD_INPUTS: readonly string[] = [
  'index.html', 'harness', 'src', 'shaders', 'assets', 'models', 'vite.config.ts', 'tsconfig.json', 'package-lock.json',
];

/** The newest file under `paths` (relative to root; missing ones are skipped): its path and mtime in ms. */
export function newestFile(root: string, paths: readonly string[]): { path: string; mtimeMs: number } | null {
  let best: { path: string; mtimeMs: number } | null = null;
  const visit = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) { for (const e of readdirSync(p)) visit(join(p, e)); return; }
    if (!best || st.mtimeMs > best.mtimeMs) best = { path: relative(root, p), mtimeMs: st.mtimeMs };
  };
  for (const p of paths) if (existsSync(join(root, p))) visit(join(root, p));
  return best;
}

/** null when dist/index.html is newer than every build input, else why a build is needed (for the log). */
export function staleReason(root: string, inputs: readonly string[] = BUILD_INPUTS, built = 'dist/index.html'): string | null {
  const out = join(root, built);
  if (!existsSync(out)) return `${built} is missing`;
  const builtMs = statSync(out).mtimeMs;
  const newest = newestFile(root, inputs);
  if (newest && newest.mtimeMs > builtMs) return `${newest.path} is newer than ${built}`;
  return null;
}
