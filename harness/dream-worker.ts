// Drives a DreamClient and records what comes back on window.__dream for the e2e test.
import { DreamClient, type DreamEvent } from '../src/dream';
import { parseBackendOverride, type BackendName } from '../src/platform';

const q = new URLSearchParams(location.search);
const size = Number(q.get('size') ?? 64);
const canvas = document.getElementById('keyframe') as HTMLCanvasElement;
const log = document.getElementById('log') as HTMLPreElement;
canvas.width = canvas.height = size;
const ctx = canvas.getContext('2d')!;

// A known seed: a smooth colour gradient, so "differs from the seed" is measurable.
const seed = new Uint8ClampedArray(size * size * 4);
for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
  seed.set([(255 * x) / size, (255 * y) / size, 128, 255], (y * size + x) * 4);
}

interface Record { events: Omit<DreamEvent, 'bitmap'>[]; keyframes: number; diffFromSeed: number[]; errors: string[] }
const rec: Record = { events: [], keyframes: 0, diffFromSeed: [], errors: [] };
(window as unknown as { __dream: Record }).__dream = rec;

// ?backend=NAME forces the dream's backend; absent: the worker times them and keeps the fastest. An unknown name is
// reported as the page reports it (src/app/config.ts) and the choice stays automatic.
let backend: BackendName | null = null;
let backendNotice: string | null = null;
try {
  backend = parseBackendOverride(q.get('backend'));
} catch (e) {
  backendNotice = `${(e as Error).message.replace(/^backend: /, '')}: choosing a backend automatically.`;
}

const client = new DreamClient({
  modelBaseUrl: new URL(q.get('models') ?? '../models/human/', location.href).href,
  wasmPath: new URL('../tfjs/', location.href).href,
  size: [size, size],
  recipe: q.get('recipe') ?? 'faces',
  // ?limit=ms: graceful degradation's keyframe time limit (the e2e test sets a tiny one)
  ...(q.has('limit') ? { keyframeLimitMs: Number(q.get('limit')) } : {}),
  // ?accel=off: the worker without the wasm accelerator; fault injection only with ?testHooks=1
  ...(q.get('accel') === 'off' ? { accelerator: false } : {}),
  testHooks: q.get('testHooks') === '1',
  backend,
});
(window as unknown as { __client: DreamClient }).__client = client;
for (const type of ['ready', 'state', 'error', 'degraded', 'notice'] as const) {
  client.on(type, (e) => { rec.events.push(e); log.textContent += `${JSON.stringify(e)}\n`; if (e.type === 'error') rec.errors.push(e.message); });
}
if (backendNotice) rec.events.push({ type: 'notice', message: backendNotice } as Omit<DreamEvent, 'bitmap'>);
client.on('keyframe', ({ bitmap, pixels: px, ...meta }) => {
  // Shown from the bitmap; measured from the pixels the worker sends along (a 2D-canvas readback of the
  // bitmap can stall this page for a keyframe's time on a software rasteriser).
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  let diff = 0;
  for (let i = 0; i < px.length; i += 4) for (let c = 0; c < 3; c++) diff += Math.abs(px[i + c] - seed[i + c]);
  rec.diffFromSeed.push(diff / (size * size * 3));
  rec.events.push(meta);
  rec.keyframes++;
  log.textContent += `${JSON.stringify(meta)}\n`;
});
// ?seed=bitmap sends the same seed as a (transferred) ImageBitmap instead of RGBA pixels.
if (q.get('seed') === 'bitmap') client.setSeedImage(await createImageBitmap(new ImageData(seed, size, size)));
else client.setSeedImage({ data: seed, width: size, height: size });
client.setFocus(0.4, 0.6);
if (q.get('start') !== '0') client.start();
