// npm run depth:eval-three — renders the independent evaluation set (three-scenes.js: three.js in headless
// Chromium) into training/depth/data/eval-three/: three-192.dgd and three-96.dgd (the same scenes; 96² is the 192²
// render box-filtered 2×2), masks-192.bin / masks-96.bin (uint8 share of each pixel covered by "figures") and
// meta.json (scene type per image). Options: --per-type N (25), --figures N (50), --seed S (28028), --out DIR.
// Each scene is kept in DIR/parts/ as it is rendered (~3 s each here), so an interrupted run resumes.
// Textures: training/depth/data/eval-photos (OpenCV's sample photographs) and eval-dream-bank (dreamed from seeds
// the training bank never used); run training/depth/photos.py and `npm run depth:eval-bank` first.
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { writeShard } from '../gen/shards.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const { values: a } = parseArgs({
  options: {
    'per-type': { type: 'string', default: '25' },
    figures: { type: 'string', default: '50' },
    seed: { type: 'string', default: '28028' },
    out: { type: 'string', default: join(ROOT, 'training/depth/data/eval-three') },
    size: { type: 'string', default: '192' },
  },
});
const DATA = join(ROOT, 'training/depth/data');
const photoDir = join(DATA, 'eval-photos'), dreamDir = join(DATA, 'eval-dream-bank');
for (const d of [photoDir, dreamDir]) if (!existsSync(d)) throw new Error(`${d} is missing: run training/depth/photos.py and npm run depth:eval-bank`);
const pngs = (d: string) => readdirSync(d).filter((f) => f.endsWith('.png')).sort();

// a static server for the page: three.js from node_modules, the scene module, the textures
const files: Record<string, string> = {
  '/three.module.js': join(ROOT, 'node_modules/three/build/three.module.js'),
  '/three.core.js': join(ROOT, 'node_modules/three/build/three.core.js'),
  '/scenes.js': join(ROOT, 'training/depth/eval/three-scenes.js'),
};
for (const f of pngs(photoDir)) files[`/photos/${f}`] = join(photoDir, f);
for (const f of pngs(dreamDir)) files[`/dreams/${f}`] = join(dreamDir, f);
const types = { '.js': 'text/javascript', '.png': 'image/png', '.html': 'text/html' } as Record<string, string>;
const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/') { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><body></body>'); return; }
  const f = files[path];
  if (!f) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': types[extname(f)] ?? 'application/octet-stream' });
  res.end(readFileSync(f));
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  const info = await page.evaluate(async ([photos, dreams]) => {
    const m = await import('/scenes.js' as string);
    (window as unknown as { m: unknown }).m = m;
    return { ...(await m.setup(photos, dreams)), types: m.TYPES as string[] };
  }, [pngs(photoDir).map((f) => `/photos/${f}`), pngs(dreamDir).map((f) => `/dreams/${f}`)] as const);
  console.log(`three.js page up: ${info.photos} photos, ${info.dreams} dream textures; types ${info.types.join(', ')}`);

  const perType = Number(a['per-type']), nFig = Number(a.figures), seed0 = Number(a.seed), S = Number(a.size), H = S / 2;
  const jobs: string[] = [];
  for (let i = 0; i < perType; i++) for (const t of info.types) if (t !== 'figures') jobs.push(t);
  for (let i = 0; i < nFig; i++) jobs.push('figures');
  const big: { width: number; height: number; rgb: Uint8Array; disparity: Float32Array }[] = [];
  const small: typeof big = [];
  const masksBig = new Uint8Array(jobs.length * S * S), masksSmall = new Uint8Array(jobs.length * H * H);
  const t0 = performance.now();
  const parts = join(a.out!, 'parts');
  mkdirSync(parts, { recursive: true });
  for (let k = 0; k < jobs.length; k++) {
    const part = join(parts, `${String(k).padStart(4, '0')}-${seed0 + k}-${jobs[k]}-${S}.json`);
    if (!existsSync(part)) {
      const fresh = await page.evaluate(([seed, type, size]) => (window as unknown as { m: { renderScene: (s: number, t: string, z: number) => unknown } }).m.renderScene(seed, type, size),
        [seed0 + k, jobs[k], S] as [number, string, number]);
      writeFileSync(part, JSON.stringify(fresh));
    }
    const enc = JSON.parse(readFileSync(part, 'utf8')) as { rgb: string; disparity: string; mask: string };
    const bytes = (b: string) => new Uint8Array(Buffer.from(b, 'base64'));
    const rgb = bytes(enc.rgb), db = bytes(enc.disparity), disp = new Float32Array(db.buffer, db.byteOffset, db.length / 4);
    const out = { mask: bytes(enc.mask) };
    big.push({ width: S, height: S, rgb, disparity: disp });
    masksBig.set(out.mask, k * S * S);
    // 96²: the 192² pixels averaged 2×2 (colour, disparity and mask alike)
    const r2 = new Uint8Array(H * H * 3), d2 = new Float32Array(H * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < H; x++) {
      const ps = [(2 * y * S + 2 * x), (2 * y * S + 2 * x + 1), ((2 * y + 1) * S + 2 * x), ((2 * y + 1) * S + 2 * x + 1)];
      for (let c = 0; c < 3; c++) r2[(y * H + x) * 3 + c] = Math.round(ps.reduce((s, p) => s + rgb[p * 3 + c], 0) / 4);
      d2[y * H + x] = ps.reduce((s, p) => s + disp[p], 0) / 4;
      masksSmall[k * H * H + y * H + x] = Math.round(ps.reduce((s, p) => s + out.mask[p], 0) / 4);
    }
    small.push({ width: H, height: H, rgb: r2, disparity: d2 });
    if ((k + 1) % 40 === 0) console.log(`${k + 1}/${jobs.length} scenes, ${((performance.now() - t0) / 1000 / (k + 1)).toFixed(2)} s each`);
  }
  mkdirSync(a.out!, { recursive: true });
  writeShard(join(a.out!, `three-${S}.dgd`), big);
  writeShard(join(a.out!, `three-${H}.dgd`), small);
  writeFileSync(join(a.out!, `masks-${S}.bin`), masksBig);
  writeFileSync(join(a.out!, `masks-${H}.bin`), masksSmall);
  writeFileSync(join(a.out!, 'meta.json'), JSON.stringify({ seed: seed0, sizes: [H, S], types: jobs, photos: info.photos, dreams: info.dreams }, null, 1) + '\n');
  console.log(`wrote ${jobs.length} scenes to ${a.out}`);
} finally {
  await browser.close();
  server.close();
}
