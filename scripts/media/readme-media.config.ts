import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';
import base from '../../playwright.config';

// `npm run docs:media`: the README's pictures, made by the app itself (scripts/media/readme-media.pw.ts).
const root = resolve(import.meta.dirname, '../..');
export default defineConfig({
  ...base, testDir: '.', testMatch: 'readme-media.pw.ts', outputDir: '/tmp/dream-goggles-readme-media', reporter: 'line', timeout: 900_000,
  webServer: { ...(base.webServer as object), cwd: root } as typeof base.webServer,
});
