import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { expectedWeightBytes, fetchManifest, loadDreamModel, PASS_PROFILES, type FetchLike } from '../../../src/model';
import { fileFetch } from '../../../src/tf/file-fetch';
import { entry, load, MODEL_DIR, ROOT, wasm } from '../dream/helpers';

// Broken model files: each failure names the file at fault.

const served = (body: string, status = 200): FetchLike => async () => ({
  ok: status < 400, status,
  json: async () => JSON.parse(body) as unknown,
  arrayBuffer: async () => new TextEncoder().encode(body).buffer as ArrayBuffer,
});

describe('models/manifest.json', () => {
  const url = 'http://h/models/manifest.json';
  it('missing: says so with the status and the URL', async () => {
    await expect(fetchManifest(url, served('', 404))).rejects.toThrow('models/manifest.json is missing (HTTP 404 for http://h/models/manifest.json)');
    await expect(fetchManifest(url, async () => { throw new TypeError('Failed to fetch'); })).rejects.toThrow('models/manifest.json could not be fetched from http://h/models/manifest.json (Failed to fetch)');
  });
  it('malformed: not JSON, or JSON of the wrong shape', async () => {
    await expect(fetchManifest(url, served('{"models": [ '))).rejects.toThrow(/^models\/manifest\.json is not valid JSON \(/);
    await expect(fetchManifest(url, served('{"models": {}}'))).rejects.toThrow('models/manifest.json is invalid: "models" must be an array');
    await expect(fetchManifest(url, served('{"models": [{"id": "a", "file": "a.json"}]}'))).rejects.toThrow('models/manifest.json is invalid: models[0] (a): "feed" must be a string');
  });
  it('the shipped manifest reads', async () => {
    const m = await fetchManifest(`${ROOT}/models/manifest.json`, fileFetch);
    expect(m.models.map((x) => x.id)).toContain('movenet-lightning');
  });
});

describe('weight shards', () => {
  beforeAll(wasm);
  it('expected bytes follow dtype and quantization', () => {
    expect(expectedWeightBytes([{ name: 'a', shape: [2, 3], dtype: 'float32' }, { name: 'b', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } }, { name: 'c', shape: [5], dtype: 'float32', quantization: { dtype: 'uint8' } }])).toBe(24 + 8 + 5);
    expect(expectedWeightBytes([{ name: 's', shape: [1], dtype: 'string' }])).toBeNull();
  });
  it('match the shipped models exactly', () => {
    for (const id of ['movenet-lightning', 'selfie', 'posenet']) {
      const json = JSON.parse(readFileSync(`${MODEL_DIR}${entry(id).file}`, 'utf8')) as { weightsManifest: { paths: string[]; weights: never[] }[] };
      const bytes = json.weightsManifest.flatMap((g) => g.paths).reduce((n, p) => n + readFileSync(`${MODEL_DIR}${p}`).length, 0);
      expect(expectedWeightBytes(json.weightsManifest.flatMap((g) => g.weights)), id).toBe(bytes);
    }
  });
  const withShard = (edit: (b: ArrayBuffer) => ArrayBuffer): FetchLike => async (url) => {
    const r = await fileFetch(url);
    return url.endsWith('.bin') ? { ...r, arrayBuffer: async () => edit(await r.arrayBuffer()) } : r;
  };
  it('a truncated shard is named with its size', async () => {
    await expect(loadDreamModel(entry('selfie'), MODEL_DIR, withShard((b) => b.slice(0, 5000)), PASS_PROFILES.wasm)).rejects.toThrow('model selfie: weight shards truncated: selfie.bin (5000 bytes) hold 5000 bytes, selfie.json needs 212886');
  });
  it('a shard of the wrong size (another model\'s) is refused', async () => {
    const other = readFileSync(`${MODEL_DIR}posenet.bin`);
    await expect(loadDreamModel(entry('selfie'), MODEL_DIR, withShard(() => other.buffer.slice(other.byteOffset, other.byteOffset + other.length) as ArrayBuffer), PASS_PROFILES.wasm))
      .rejects.toThrow(/^model selfie: weight shards too large: selfie\.bin \(\d+ bytes\) hold \d+ bytes, selfie\.json needs 212886$/);
  });
  it('a feed node that is not in the graph is named with the file', async () => {
    await expect(load('selfie', { feed: 'nope' })).rejects.toThrow("model selfie: feed node 'nope' is not in the graph of selfie.json");
  });
});
