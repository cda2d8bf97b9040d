// npm run eval:depth — the shipped depth net (models/depth) in TF.js (Node, wasm) against three
// baselines, on one of three evaluation sets (--set), plus an eval sheet:
// - synthetic (default): rendered here by the training generator's ray caster from a seed never used in training
//   (training: 1, 3–8, 10, 11, 21; validation: 2, 12, 22; this: 9001), its first seven scene types;
// - three: the independent generator's scenes (training/depth/eval/: three.js in headless Chromium, its own scene
//   grammar and textures; `npm run depth:eval-three` renders them), with the "dream stands out" check on its
//   figure scenes;
// - real: real photographs with true disparity from Debian packages' sample data (training/depth/photos.py).
// --size 96|192: the images' size; --net-size N: the size the net runs at (default: model.json's inputSize).
// Per scene type in the JSON. Options: --count N, --seed S, --model path/to/model.json (another model writes
// its sheet and JSON beside it unless --out-dir), --backend wasm|cpu, --flip (mirror-averaged net), --strict
// (exit 1 on a missed target).
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
import { readShard } from '../training/depth/gen/shards.ts';
import { depthMetrics, summarise, standsOut, summariseStandOut, MAX_DEPTH, type ImageMetrics, type StandOut } from './depth/metrics.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: a } = parseArgs({
  options: {
    set: { type: 'string', default: 'synthetic' },
    size: { type: 'string', default: '96' },
    'net-size': { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string', default: '9001' },
    model: { type: 'string', default: join(ROOT, 'models/depth/model.json') },
    'out-dir': { type: 'string' },
    sheet: { type: 'string' },
    json: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    strict: { type: 'boolean', default: false },
    flip: { type: 'boolean', default: false },
  },
});
const set = a.set!, S = Number(a.size), seed = Number(a.seed);
if (!['synthetic', 'three', 'real'].includes(set)) throw new Error(`--set ${set}: synthetic, three or real`);
if (![96, 192].includes(S)) throw new Error(`--size ${S}: 96 or 192`);
if ([1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 21, 22].includes(seed)) throw new Error(`seed ${seed} is used for training/validation data`);
const shipped = resolve(a.model!) === join(ROOT, 'models/depth/model.json');
// the shipped model's outputs go to docs/depth; a candidate's beside its model.json
const outDir = a['out-dir'] ?? (shipped ? join(ROOT, 'docs/depth') : dirname(resolve(a.model!)));
const stem = set === 'synthetic' && S === 96 ? 'eval' : `eval-${set}${S === 96 ? '' : `-${S}`}`;
const sheetPath = a.sheet ?? join(outDir, `${stem}-sheet.png`), jsonPath = a.json ?? join(outDir, `${stem}.json`);

if (!(await useBackend(a.backend as BackendName, { wasmPath: join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/') }))) {
  throw new Error(`cannot start the ${a.backend} backend`);
}
const bankDir = join(ROOT, 'training/depth/data/dream-bank');
const bank = loadDreamBank(bankDir);
// the net runs at its model.json's inputSize; the synthetic images (as in training and validation) and the
// metrics are at the data's 96², the prediction upsampled there as the runtime upsamples it
const estimator = await createDepthEstimator({
  modelUrl: a.model!, fetchFn: fileFetch, flipAverage: a.flip, ...(a['net-size'] ? { inputSize: Number(a['net-size']) } : {}),
});
const manifest = JSON.parse(readFileSync(a.model!, 'utf8')) as { trainingStep?: number; channels?: number[] };
const netSize = estimator.config.inputSize!;

/** One evaluation image: RGB bytes and true disparity at S², its scene type, and for the stands-out check the
 *  share of each pixel covered by figures (0–255). */
interface Item { rgb: Uint8Array; disparity: Float32Array; type: string; mask?: Uint8Array }
function* items(): Generator<Item> {
  if (set === 'synthetic') {
    const n = Number(a.count ?? 200);
    for (let i = 0; i < n; i++) {
      const scene = randomScene(mixSeed(seed, i), { bank, dreamShare: 0.5 });
      // 96² with 2×2 supersampling as in training; 192² the same scenes at twice the resolution
      const img: Rendered = render(scene, S, S, 2);
      yield { rgb: img.rgb, disparity: img.disparity, type: scene.type };
    }
    return;
  }
  const dir = join(ROOT, 'training/depth/data', set === 'three' ? 'eval-three' : 'real');
  const shard = join(dir, `${set}-${S}.dgd`);
  if (!existsSync(shard)) throw new Error(`${shard} is missing: ${set === 'three' ? 'npm run depth:eval-three' : 'training/depth/photos.py'}`);
  const imgs = readShard(shard);
  const names = set === 'three'
    ? (JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { types: string[] }).types
    : readFileSync(join(dir, 'names.txt'), 'utf8').trim().split('\n');
  const masks = set === 'three' ? readFileSync(join(dir, `masks-${S}.bin`)) : null;
  const n = Math.min(imgs.length, Number(a.count ?? imgs.length));
  for (let i = 0; i < n; i++) {
    yield { rgb: imgs[i].rgb, disparity: imgs[i].disparity, type: names[i], mask: masks ? new Uint8Array(masks.buffer, masks.byteOffset + i * S * S, S * S) : undefined };
  }
}
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
const rowTypes: string[] = [];
const standOut: { net: StandOut[]; truth: StandOut[] } = { net: [], truth: [] };
const sheetSynthetic: { rgb: Uint8Array; pred: Float32Array; truth: Float32Array }[] = [];
const t0 = performance.now();
let netMs = 0, count = 0;
const sheetEvery = set === 'three' ? 17 : 1; // the three.js set is ordered by type: a spread of them
for (const img of items()) {
  count++;
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
  rowTypes.push(img.type);
  if (img.mask) {
    const n = standsOut(pred, img.disparity, img.mask, S), t = standsOut(img.disparity, img.disparity, img.mask, S);
    if (n && t) { standOut.net.push(n); standOut.truth.push(t); }
  }
  if (sheetSynthetic.length < 12 && (count - 1) % sheetEvery === 0) sheetSynthetic.push({ rgb: img.rgb, pred, truth: img.disparity });
  rgb.dispose();
}
const results = Object.fromEntries(methods.map((m) => [m, summarise(rows[m])])) as Record<(typeof methods)[number], ReturnType<typeof summarise>>;
const typeNames = [...new Set(rowTypes)];
const byType = Object.fromEntries(typeNames.map((t) => [t, Object.fromEntries(methods.map((m) => [m, summarise(rows[m].filter((_, i) => rowTypes[i] === t))]))]));
const standOutSummary = standOut.net.length ? { net: summariseStandOut(standOut.net), truth: summariseStandOut(standOut.truth) } : null;

const setName = { synthetic: `held-out synthetic set (ray caster, seed ${seed}, dream bank ${bank.length} images)`, three: 'independent set (three.js in Chromium)', real: 'real photographs (Middlebury, from Debian packages)' }[set];
console.log(`${setName}: ${count} images ${S}²; model step ${manifest.trainingStep ?? '?'} (${(manifest.channels ?? []).join('-')}), run at ${netSize}²; backend ${tf.getBackend()}${a.flip ? ', flip-averaged' : ''}`);
console.log(`metrics after per-image least-squares scale (≥ 0) and shift on disparity; sky and depth > ${MAX_DEPTH} excluded\n`);
console.log('method      AbsRel   δ<1.25   best-fit scale > 0');
for (const m of methods) {
  const r = results[m];
  console.log(`${m.padEnd(10)}  ${r.absRel.toFixed(3)}    ${r.delta1.toFixed(3)}    ${m === 'constant' ? '   —' : (100 * r.positiveScale).toFixed(1) + ' %'}`);
}
console.log('\nby scene type (net AbsRel / δ<1.25 / positive; vertical prior AbsRel):');
for (const t of typeNames) {
  const r = byType[t];
  console.log(`  ${t.padEnd(13)} ${String(r.net.images).padStart(4)} images  ${r.net.absRel.toFixed(3)} / ${r.net.delta1.toFixed(3)} / ${(100 * r.net.positiveScale).toFixed(0).padStart(3)} %   vertical ${r.vertical.absRel.toFixed(3)}`);
}
if (standOutSummary) {
  const { net, truth } = standOutSummary;
  console.log(`\ndream stands out (${net.images} figure scenes): figures nearer than the ring around them in ${(100 * net.nearer).toFixed(1)} % of images ` +
    `(truth ${(100 * truth.nearer).toFixed(1)} %); relief contrast ${net.contrast.toFixed(3)} (truth ${truth.contrast.toFixed(3)})`);
}
// issue 28: AbsRel ≥ 40 % below the vertical prior, δ<1.25 ≥ 0.6, positive scale ≥ 98 % (issue 6's 30 % still shown)
const gain = 1 - results.net.absRel / results.vertical.absRel;
const targets = { absRelBelowVertical: gain >= 0.4, delta1: results.net.delta1 >= 0.6, positiveScale: results.net.positiveScale >= 0.98 };
console.log(`\nnet AbsRel is ${(100 * gain).toFixed(1)} % below the vertical prior (target ≥ 40 %): ${targets.absRelBelowVertical ? 'PASS' : 'FAIL'}`);
console.log(`δ<1.25 ${results.net.delta1.toFixed(3)} (target ≥ 0.6): ${targets.delta1 ? 'PASS' : 'FAIL'}`);
console.log(`positive best-fit scale on ${(100 * results.net.positiveScale).toFixed(1)} % of images (target ≥ 98 %): ${targets.positiveScale ? 'PASS' : 'FAIL'}`);
console.log(`net inference ${(netMs / count).toFixed(1)} ms/image (${netSize}², incl. readback); total ${((performance.now() - t0) / 1000).toFixed(0)} s`);

// ---- sheet: 12 synthetic rows of input | prediction | truth (grey: white = near), then dream-bank
// keyframes | prediction. Prediction and truth both go through the runtime's quantile normalisation.
const TILE = Math.max(S, 192), GAP = 4; // tiles drawn at 192², 96² images magnified 2×
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
// dream keyframes: the training bank's for the synthetic set (as before), the evaluation bank's otherwise
const dreamDir = set === 'synthetic' ? bankDir : join(ROOT, 'training/depth/data/eval-dream-bank');
const bankFiles = existsSync(dreamDir) ? readdirSync(dreamDir).filter((f) => f.endsWith('.png')).sort() : [];
const picks = bankFiles.length ? Array.from({ length: Math.min(6, bankFiles.length) }, (_, i) => bankFiles[Math.floor((i * bankFiles.length) / Math.min(6, bankFiles.length))]) : [];
const dreamTop = synRows * (TILE + GAP) + 4 * GAP;
for (let k = 0; k < picks.length; k++) {
  const png = PNG.sync.read(readFileSync(join(dreamDir, picks[k])));
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
  const src = (Math.floor((y * t.h) / TILE) * t.w + Math.floor((x * t.w) / TILE)) * 4, dst = ((t.y + y) * W + t.x + x) * 4;
  for (let c = 0; c < 4; c++) png.data[dst + c] = t.data[src + c];
}
mkdirSync(dirname(sheetPath), { recursive: true });
writeFileSync(sheetPath, PNG.sync.write(png));
writeFileSync(jsonPath, JSON.stringify({
  set, ...(set === 'synthetic' ? { seed, dreamBank: bank.length } : {}), count, size: S, netSize, model: shipped ? 'models/depth/model.json' : a.model,
  trainingStep: manifest.trainingStep ?? null, channels: manifest.channels ?? null, flip: a.flip, maxDepth: MAX_DEPTH,
  results, absRelGainOverVertical: gain, targets, byType, standOut: standOutSummary, dreamSheetImages: picks,
}, null, 1) + '\n');
console.log(`wrote ${sheetPath} and ${jsonPath}`);

// The model card's metrics block is regenerated whenever the shipped weights are evaluated.
const card = join(ROOT, 'models/depth/MODEL_CARD.md');
if (shipped && set === 'synthetic' && S === 96 && !a['net-size'] && existsSync(card)) {
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
      `Targets (issue 28): AbsRel ≥ 40 % below the vertical prior — ${pct(gain)} below (${targets.absRelBelowVertical ? 'met' : 'not met'}); ` +
        `δ<1.25 ≥ 0.6 — ${results.net.delta1.toFixed(3)} (${targets.delta1 ? 'met' : 'not met'}); ` +
        `positive best-fit scale on ≥ 98 % of images — ${pct(results.net.positiveScale)} (${targets.positiveScale ? 'met' : 'not met'}).`,
      end,
    ].join('\n');
    writeFileSync(card, text.slice(0, i) + table + text.slice(j + end.length));
    console.log(`updated the metrics in ${card}`);
  }
}
estimator.dispose();
if (a.strict && !(targets.absRelBelowVertical && targets.delta1 && targets.positiveScale)) process.exit(1);
