import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded one. WebGL2 there is ANGLE on SwiftShader (CPU).
const chromiumArgs = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

// PW_PORT lets several people (or agents) run e2e tests side by side on one machine.
const port = Number(process.env.PW_PORT ?? 4173);

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'reports/playwright.json' }]],
  use: {
    baseURL: `http://localhost:${port}/`,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    viewport: { width: 1280, height: 720 },
  },
  // `npm run test:e2e` builds first, and scripts/test-tools/ensure-dist.ts builds again when a source is newer than dist/ (a
  // bare `npx playwright test` after an edit); the server is always started fresh, so a stale build or a stray
  // dev server can never be what gets tested.
  webServer: {
    command: `node node_modules/tsx/dist/cli.mjs scripts/test-tools/ensure-dist.ts && node node_modules/vite/bin/vite.js preview --port ${port} --strictPort`,
    url: `http://localhost:${port}/`,
    reuseExistingServer: false,
    timeout: 240_000, // room for that build (~1 min here)
    stdout: 'ignore',
  },
});
