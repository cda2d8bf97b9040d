// npm run eval:depth — the shipped depth net (models/depth) in TF.js (Node, wasm) against three
// baselines on a held-out synthetic set rendered from a seed never used in training (training: 1,
// 3–8, 10, 11; validation: 2 and 12; this: 9001), plus docs/depth/eval-sheet.png. Options: --count N, --seed S,
// --model path/to/model.json, --sheet out.png, --backend wasm|cpu, --flip (mirror-averaged net),
// --strict (exit 1 on a missed target).
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { createDepthEstimator } from '../src/depth/index.ts';
import { useBackend, type BackendName } from '../src/tf/backend.ts';
import { fileFetch } from '../src/tf/file-fetch.ts';
import { randomScene } from '../training/depth/gen/scene.ts';
import { render, type Rendered } from '../training/depth/gen/render.ts';
import { loadDreamBank } from '../training/depth/gen/textures.ts';
import { mixSeed } from '../training/depth/gen/rng.ts';
import { depthMetrics, summarise, MAX_DEPTH, type ImageMetrics } from './depth/metrics.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: a } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    seed: { type: 'string', default: '9001' },
    model: { type: 'string', default: join(ROOT, 'models/depth/model.json') },
    sheet: { type: 'string', default: join(ROOT, 'docs/depth/eval-sheet.png') },
    json: { type: 'string', default: join(ROOT, 'docs/depth/eval.json') },
    backend: { type: 'string', default: 'wasm' },
    strict: { type: 'boolean', default: false },
    flip: { type: 'boolean', default: false },
  },
});
const count = Number(a.count), seed = Number(a.seed);
if ([1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12].includes(seed)) throw new Error(`seed ${seed} is used for training/validation data`);

if (!(await useBackend(a.backend as BackendName, { wasmPath: join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/') }))) {
  throw new Error(`cannot start the ${a.backend} backend`);
}
const bankDir = join(ROOT, 'training/depth/data/dream-bank');
const bank = loadDreamBank(bankDir);
// the net runs at its model.json's inputSize; the synthetic images (as in training and validation) and the
// metrics are at the data's 96², the prediction upsampled there as the runtime upsamples it
const estimator = await createDepthEstimator({ modelUrl: a.model!, fetchFn: fileFetch, flipAverage: a.flip });
const manifest = JSON.parse(readFileSync(a.model!, 'utf8')) as { trainingStep?: number };
const S = 96, netSize = estimator.config.inputSize!;
/** The net's disparity for image [h,w,3] at S² (resized from netSize² when they differ). */
const disparityAtS = async (image: tf.Tensor3D): Promise<Float32Array> => {
  const dT = tf.tidy(() => {
    const d = estimator.estimateDisparity(image);
    return netSize === S ? d : tf.image.resizeBilinear(d.expandDims(2) as tf.Tensor3D, [S, S], false, true).squeeze([2]);
  });
  const v = (await dT.data()) as Float32Array;
  dT.dispose();
  return v;
};

const methods = ['net', 'constant', 'luminance', 'vertical'] as const;
const rows: Record<(typeof methods)[number], (ImageMetrics | null)[]> = { net: [], constant: [], luminance: [], vertical: [] };
const sheetSynthetic: { rgb: Uint8Array; pred: Float32Array; truth: Float32Array }[] = [];
const t0 = performance.now();
let netMs = 0;
for (let i = 0; i < count; i++) {
  const img: Rendered = render(randomScene(mixSeed(seed, i), { bank, dreamShare: 0.5 }), S, S, 2);
  const rgb = tf.tidy(() => tf.tensor3d(img.rgb, [S, S, 3], 'int32').toFloat().div(255) as tf.Tensor3D);
  const n0 = performance.now();
  const pred = await disparityAtS(rgb);
  netMs += performance.now() - n0;
  const lum = new Float32Array(S * S), vert = new Float32Array(S * S), cst = new Float32Array(S * S);
  for (let p = 0; p < S * S; p++) {
    lum[p] = (0.299 * img.rgb[p * 3] + 0.587 * img.rgb[p * 3 + 1] + 0.114 * img.rgb[p * 3 + 2]) / 255;
    vert[p] = Math.floor(p / S) / (S - 1); // bottom rows nearest
  }
  rows.net.push(depthMetrics(pred, img.disparity));
  rows.constant.push(depthMetrics(cst, img.disparity));
  rows.luminance.push(depthMetrics(lum, img.disparity));
  rows.vertical.push(depthMetrics(vert, img.disparity));
  if (sheetSynthetic.length < 12) sheetSynthetic.push({ rgb: img.rgb, pred, truth: img.disparity });
  rgb.dispose();
}
const results = Object.fromEntries(methods.map((m) => [m, summarise(rows[m])])) as Record<(typeof methods)[number], ReturnType<typeof summarise>>;

console.log(`held-out synthetic set: ${count} images ${S}², seed ${seed}, dream bank ${bank.length} images; model step ${manifest.trainingStep ?? '?'}, run at ${netSize}²; backend ${tf.getBackend()}${a.flip ? ', flip-averaged' : ''}`);
console.log(`metrics after per-image least-squares scale (≥ 0) and shift on disparity; sky and depth > ${MAX_DEPTH} excluded\n`);
console.log('method      AbsRel   δ<1.25   best-fit scale > 0');
for (const m of methods) {
  const r = results[m];
  console.log(`${m.padEnd(10)}  ${r.absRel.toFixed(3)}    ${r.delta1.toFixed(3)}    ${m === 'constant' ? '   —' : (100 * r.positiveScale).toFixed(1) + ' %'}`);
}
const gain = 1 - results.net.absRel / results.vertical.absRel;
const targets = { absRelBelowVertical: gain >= 0.3, positiveScale: results.net.positiveScale >= 0.98 };
console.log(`\nnet AbsRel is ${(100 * gain).toFixed(1)} % below the vertical prior (target ≥ 30 %): ${targets.absRelBelowVertical ? 'PASS' : 'FAIL'}`);
console.log(`positive best-fit scale on ${(100 * results.net.positiveScale).toFixed(1)} % of images (target ≥ 98 %): ${targets.positiveScale ? 'PASS' : 'FAIL'}`);
console.log(`net inference ${(netMs / count).toFixed(1)} ms/image (${netSize}², incl. readback); total ${((performance.now() - t0) / 1000).toFixed(0)} s`);

// ---- sheet: 12 synthetic rows of input | prediction | truth (grey: white = near), then dream-bank
// keyframes | prediction. Prediction and truth both go through the runtime's quantile normalisation.
const TILE = 2 * S, GAP = 4;
const toDepthRgba = async (values: Float32Array): Promise<Uint8Array> => {
  const { disparityToDepth } = await import('../src/depth/index.ts');
  const d = tf.tidy(() => disparityToDepth(tf.tensor2d(values, [S, S]), estimator.config.lowQuantile, estimator.config.highQuantile));
  const v = await d.data();
  d.dispose();
  const out = new Uint8Array(S * S * 4);
  for (let p = 0; p < S * S; p++) { out[p * 4] = out[p * 4 + 1] = out[p * 4 + 2] = Math.round(255 * (1 - v[p])); out[p * 4 + 3] = 255; }
  return out;
};
const rgbToRgba = (rgb: Uint8Array | Float32Array, n: number, scale = 1): Uint8Array => {
  const out = new Uint8Array(n * 4);
  for (let p = 0; p < n; p++) { for (let c = 0; c < 3; c++) out[p * 4 + c] = Math.round(rgb[p * 3 + c] * scale); out[p * 4 + 3] = 255; }
  return out;
};
const tiles: { data: Uint8Array; w: number; h: number; x: number; y: number }[] = [];
const groups = 2, perGroup = 3; // two groups of (input | prediction | truth) side by side
const synRows = Math.ceil(sheetSynthetic.length / groups);
for (let k = 0; k < sheetSynthetic.length; k++) {
  const s = sheetSynthetic[k], gx = (k % groups) * (perGroup * (TILE + GAP) + 3 * GAP), gy = Math.floor(k / groups) * (TILE + GAP);
  tiles.push({ data: rgbToRgba(s.rgb, S * S), w: S, h: S, x: gx, y: gy });
  tiles.push({ data: await toDepthRgba(s.pred), w: S, h: S, x: gx + TILE + GAP, y: gy });
  tiles.push({ data: await toDepthRgba(s.truth), w: S, h: S, x: gx + 2 * (TILE + GAP), y: gy });
}
const bankFiles = existsSync(bankDir) ? readdirSync(bankDir).filter((f) => f.endsWith('.png')).sort() : [];
const picks = bankFiles.length ? Array.from({ length: Math.min(6, bankFiles.length) }, (_, i) => bankFiles[Math.floor((i * bankFiles.length) / Math.min(6, bankFiles.length))]) : [];
const dreamTop = synRows * (TILE + GAP) + 4 * GAP;
for (let k = 0; k < picks.length; k++) {
  const png = PNG.sync.read(readFileSync(join(bankDir, picks[k])));
  const img = tf.tidy(() => tf.tensor3d(new Uint8Array(png.data), [png.height, png.width, 4], 'int32').slice([0, 0, 0], [-1, -1, 3]).toFloat().div(255) as tf.Tensor3D);
  const small = tf.tidy(() => tf.image.resizeBilinear(img, [S, S], false, true));
  const rgbSmall = (await small.data()) as Float32Array;
  const d = await disparityAtS(img);
  [img, small].forEach((t) => t.dispose());
  const gx = (k % 3) * (2 * (TILE + GAP) + 3 * GAP), gy = dreamTop + Math.floor(k / 3) * (TILE + GAP);
  tiles.push({ data: rgbToRgba(rgbSmall, S * S, 255), w: S, h: S, x: gx, y: gy });
  tiles.push({ data: await toDepthRgba(d), w: S, h: S, x: gx + TILE + GAP, y: gy });
}
const W = Math.max(...tiles.map((t) => t.x + TILE)), H = Math.max(...tiles.map((t) => t.y + TILE));
const png = new PNG({ width: W, height: H });
png.data.fill(255);
for (const t of tiles) for (let y = 0; y < TILE; y++) for (let x = 0; x < TILE; x++) {
  const src = (Math.floor(y / 2) * t.w + Math.floor(x / 2)) * 4, dst = ((t.y + y) * W + t.x + x) * 4;
  for (let c = 0; c < 4; c++) png.data[dst + c] = t.data[src + c];
}
mkdirSync(dirname(a.sheet!), { recursive: true });
writeFileSync(a.sheet!, PNG.sync.write(png));
writeFileSync(a.json!, JSON.stringify({ seed, count, size: S, netSize, trainingStep: manifest.trainingStep ?? null, dreamBank: bank.length, maxDepth: MAX_DEPTH, results, absRelGainOverVertical: gain, targets, dreamSheetImages: picks }, null, 1) + '\n');
console.log(`wrote ${a.sheet} and ${a.json}`);

// The model card's metrics block is regenerated whenever the shipped weights are evaluated.
const card = join(ROOT, 'models/depth/MODEL_CARD.md');
if (resolve(a.model!) === join(ROOT, 'models/depth/model.json') && existsSync(card)) {
  const text = readFileSync(card, 'utf8');
  const begin = '<!-- eval:begin -->', end = '<!-- eval:end -->';
  const i = text.indexOf(begin), j = text.indexOf(end);
  if (i >= 0 && j > i) {
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
    const table = [
      begin,
      `\`npm run eval:depth\`: ${count} held-out images (seed ${seed}, dream bank ${bank.length}), weights from training step ${manifest.trainingStep ?? '?'}, net run at ${netSize}²${a.flip ? ', flip-averaged' : ''}.`,
      '',
      '| method | AbsRel | δ<1.25 | best-fit scale > 0 |',
      '|---|---|---|---|',
      ...methods.map((m) => `| ${m} | ${results[m].absRel.toFixed(3)} | ${results[m].delta1.toFixed(3)} | ${m === 'constant' ? '—' : pct(results[m].positiveScale)} |`),
      '',
      `Targets: AbsRel ≥ 30 % below the vertical prior — ${pct(gain)} below (${targets.absRelBelowVertical ? 'met' : 'not met'}); ` +
        `positive best-fit scale on ≥ 98 % of images — ${pct(results.net.positiveScale)} (${targets.positiveScale ? 'met' : 'not met'}).`,
      end,
    ].join('\n');
    writeFileSync(card, text.slice(0, i) + table + text.slice(j + end.length));
    console.log(`updated the metrics in ${card}`);
  }
}
estimator.dispose();
if (a.strict && !(targets.absRelBelowVertical && targets.positiveScale)) process.exit(1);
