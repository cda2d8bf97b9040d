// Run by Playwright's webServer command before `vite preview`: make sure dist/ is a build of the tree as it is
// (scripts/test-tools/dist-fresh.ts). `npm run test:e2e` and `npm test` have just built, so this costs one directory walk;
// a bare `npx playwright test …` after an edit builds here instead of testing the old dist/.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { staleReason } from './dist-fresh';

const root = resolve(import.meta.dirname, '../..');
const why = staleReason(root);
if (why) {
  console.error(`e2e: ${why}: running vite build first`);
  execFileSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const still = staleReason(root);
  if (still) throw new Error(`e2e: vite build ran but ${still}`);
}
