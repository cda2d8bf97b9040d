// Synthetic depth dataset generator: `npm run depth:data -- --seed 1 --count 20000 --out training/depth/data/train`
// Image i of a run is rendered from scene seed mixSeed(seed, i), so any slice can be re-rendered alone
// and two processes can split a run with --start. Output: .dgd shards (see gen/shards.ts) + previews.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { parseArgs } from 'node:util';
import { randomScene, SCENE_TYPES_V2, type SceneType } from './gen/scene.ts';
import { render, type Rendered } from './gen/render.ts';
import { loadDreamBank } from './gen/textures.ts';
import { writeShard } from './gen/shards.ts';
import { mixSeed } from './gen/rng.ts';

const { values: a } = parseArgs({
  options: {
    out: { type: 'string', default: 'training/depth/data/train' },
    seed: { type: 'string', default: '1' },
    start: { type: 'string', default: '0' },
    count: { type: 'string', default: '1000' },
    size: { type: 'string', default: '96' },
    ss: { type: 'string', default: '2' },
    shard: { type: 'string', default: '500' },
    'dream-bank': { type: 'string', default: 'training/depth/data/dream-bank' },
    'dream-share': { type: 'string', default: '0.5' },
    previews: { type: 'string', default: '0' },
    // e.g. "surface=3,closeup=2,outdoor=1": only these scene types, in these proportions; "mix2": SCENE_TYPES_V2
    types: { type: 'string' },
    // photographic textures (training/depth/photos.py) for this share of the non-dream materials
    photos: { type: 'string' },
    'photo-share': { type: 'string', default: '0.35' },
    // wider fields of view and more lighting (low sun, overcast, lamps) on top of each type's own draws
    variety: { type: 'boolean', default: false },
  },
});

const seed = Number(a.seed), start = Number(a.start), count = Number(a.count), size = Number(a.size), ss = Number(a.ss);
const shardSize = Number(a.shard), dreamShare = Number(a['dream-share']), previews = Number(a.previews);
const bank = loadDreamBank(a['dream-bank']!);
const types = a.types === 'mix2' ? { ...SCENE_TYPES_V2 } : a.types ? parseTypes(a.types) : undefined;
const photos = a.photos ? loadDreamBank(a.photos) : [];
if (a.photos && photos.length === 0) throw new Error(`--photos ${a.photos}: no PNGs there (run training/depth/photos.py)`);
const photo = a.photos ? { photos, share: Number(a['photo-share']) } : undefined;

function parseTypes(spec: string): Partial<Record<SceneType, number>> {
  const out: Partial<Record<SceneType, number>> = {};
  for (const part of spec.split(',')) {
    const [k, v] = part.split('=');
    if (!(k in SCENE_TYPES_V2) || !(Number(v) > 0)) throw new Error(`--types: '${part}' (types: ${Object.keys(SCENE_TYPES_V2).join(', ')}; weights > 0)`);
    out[k as SceneType] = Number(v);
  }
  return out;
}
mkdirSync(a.out!, { recursive: true });
console.log(`generating ${count} images ${size}² (ss ${ss}) seed ${seed} from ${start}; dream bank: ${bank.length} images` +
  (photo ? `; photos: ${photos.length} (${photo.share} of other materials)` : '') + (a.variety ? '; camera and lighting variety' : ''));

function savePreview(path: string, it: Rendered): void {
  const png = new PNG({ width: it.width * 2, height: it.height });
  let maxD = 0;
  for (const d of it.disparity) maxD = Math.max(maxD, d);
  for (let y = 0; y < it.height; y++) for (let x = 0; x < it.width; x++) {
    const p = y * it.width + x, o = (y * it.width * 2 + x) * 4, o2 = o + it.width * 4;
    for (let c = 0; c < 3; c++) png.data[o + c] = it.rgb[p * 3 + c];
    const v = maxD > 0 ? Math.round(255 * it.disparity[p] / maxD) : 0;
    png.data[o2] = png.data[o2 + 1] = png.data[o2 + 2] = v;
    png.data[o + 3] = png.data[o2 + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(png));
}

const t0 = Date.now();
for (let s0 = start; s0 < start + count; s0 += shardSize) {
  const n = Math.min(shardSize, start + count - s0);
  const tag = (types ? '-t' : '') + (photo ? `-p${photos.length}` : '') + (a.variety ? '-v' : '') + (size !== 96 ? `-z${size}` : '');
  const path = join(a.out!, `shard-s${seed}-b${bank.length}${tag}-${String(s0).padStart(7, '0')}.dgd`);
  if (existsSync(path)) { console.log(`skip ${path}`); continue; } // resumable
  const items: Rendered[] = [];
  for (let i = s0; i < s0 + n; i++) {
    const scene = randomScene(mixSeed(seed, i), { bank, dreamShare, types, photo, variety: a.variety });
    const it = render(scene, size, size, ss);
    items.push(it);
    if (i - start < previews) savePreview(join(a.out!, `preview-${String(i).padStart(5, '0')}-${scene.type}.png`), it);
  }
  writeShard(path + '.tmp', items);
  // atomic rename so the trainer never reads a half-written shard
  (await import('node:fs')).renameSync(path + '.tmp', path);
  const done = s0 + n - start;
  console.log(`${done}/${count} images, ${(done / ((Date.now() - t0) / 1000)).toFixed(1)} img/s`);
}
