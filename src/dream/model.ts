// Dream networks: manifest entries, one loader for browser (fetch) and Node (fs), and the DreamModel
// interface the optimiser sees: images in, named activations out.
import * as tf from '@tensorflow/tfjs';
import { releaseGradientPrograms } from './replay';
import { sweepDerivedFilters } from '../tf';
import { nhwcTwinName, nhwcTwins } from './graph-layout';
import { applyGraphFixes, GRAPH_FIXES, type GraphArtifacts, type GraphFix, type GraphNode, type WeightSpec } from './graph';

export interface ModelEntry {
  id: string;
  package?: string;
  packageVersion?: string;
  file: string;
  /** Node the image is fed to (a Placeholder or, for movenet, the float node after its int32 preprocessing). */
  feed: string;
  input: { layout: 'NHWC' | 'NCHW'; range: [number, number] };
  /** Layout of the dream nodes' activations (onnx-tf graphs such as nanodet keep NCHW); default NHWC. */
  activationLayout?: 'NHWC' | 'NCHW';
  graphFixes: GraphFix[];
  /** Recommended dream nodes: short alias → graph node name. */
  nodes: Record<string, string>;
  upstream: { project: string; url: string; licence: string };
  default: boolean;
}
export interface Manifest { models: ModelEntry[] }

/** Anything with fetch's shape: window.fetch, or the fs-backed one in src/tf/file-fetch.ts. */
export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; arrayBuffer(): Promise<ArrayBuffer> }>;

/** Copy and check a manifest; throws with the exact field that is wrong. */
export function validateManifest(raw: unknown): Manifest {
  const models = (raw as { models?: unknown })?.models;
  if (!Array.isArray(models)) throw new Error('manifest: "models" must be an array');
  return {
    models: models.map((m: Partial<ModelEntry>, i) => {
      const where = `manifest: models[${i}]${m?.id ? ` (${m.id})` : ''}`;
      for (const k of ['id', 'file', 'feed'] as const) if (typeof m?.[k] !== 'string') throw new Error(`${where}: "${k}" must be a string`);
      if (m.input?.layout !== 'NHWC' && m.input?.layout !== 'NCHW') throw new Error(`${where}: input.layout must be NHWC or NCHW`);
      if (!Array.isArray(m.input.range) || m.input.range.length !== 2) throw new Error(`${where}: input.range must be [lo, hi]`);
      if (m.activationLayout != null && m.activationLayout !== 'NHWC' && m.activationLayout !== 'NCHW') throw new Error(`${where}: activationLayout must be NHWC or NCHW`);
      const fixes = m.graphFixes ?? [];
      for (const f of fixes) if (!GRAPH_FIXES.includes(f)) throw new Error(`${where}: unknown graph fix '${f}'`);
      const licence = m.upstream?.licence ?? 'unknown';
      if (m.default && (licence === 'unknown' || /GPL/.test(licence))) throw new Error(`${where}: a model with licence '${licence}' cannot be a default`);
      return { ...(m as ModelEntry), graphFixes: [...fixes], nodes: { ...(m.nodes ?? {}) }, default: !!m.default };
    }),
  };
}

/**
 * Fetch and check `models/manifest.json` at `url`. Every failure names the file and what is wrong with it:
 * missing (HTTP status or network), not JSON, or a field that fails validateManifest.
 */
export async function fetchManifest(url: string, fetchFn: FetchLike): Promise<Manifest> {
  const name = 'models/manifest.json';
  let res;
  try { res = await fetchFn(url); } catch (e) { throw new Error(`${name} could not be fetched from ${url} (${(e as Error).message})`); }
  if (!res.ok) throw new Error(`${name} is missing (HTTP ${res.status} for ${url})`);
  let raw: unknown;
  try { raw = await res.json(); } catch (e) { throw new Error(`${name} is not valid JSON (${(e as Error).message})`); }
  try { return validateManifest(raw); } catch (e) { throw new Error(`${name} is invalid: ${(e as Error).message.replace(/^manifest: /, '')}`); }
}

/** Bytes per element as stored in the .bin shards (quantized weights store their quantized type). */
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2 };

/** Bytes the weights manifest says its shards hold, or null when it cannot tell (string weights). */
export function expectedWeightBytes(specs: readonly WeightSpec[]): number | null {
  let total = 0;
  for (const w of specs) {
    const stored = (w.quantization as { dtype?: string } | undefined)?.dtype ?? w.dtype;
    const per = STORED_BYTES[stored];
    if (per == null) return null;
    total += per * w.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

/** A loaded dream network. Images are always [1,h,w,3] in [0,1]; the model maps range and layout. */
export interface DreamModel {
  readonly entry: ModelEntry;
  /** Graph node names (for validation before differentiating). */
  hasNode(name: string): boolean;
  /** Forward pass up to `nodes` only, each returned NHWC (channel = last axis). Synchronous, for tf.grad / tf.tidy. */
  activations(image: tf.Tensor4D, nodes: readonly string[]): tf.Tensor[];
  dispose(): void;
}

async function fetchOk(fetchFn: FetchLike, url: string) {
  let res;
  try { res = await fetchFn(url); } catch (e) { throw new Error(`model: cannot fetch ${url}: ${(e as Error).message}`); }
  if (!res.ok) throw new Error(`model: cannot fetch ${url} (HTTP ${res.status})`);
  return res;
}

/**
 * Load `entry` from `baseUrl` (the folder holding `<file>.json` and its .bin shards), apply its graph fixes,
 * and wrap it as a DreamModel. Missing or corrupt files throw errors that name the file.
 */
export async function loadDreamModel(entry: ModelEntry, baseUrl: string, fetchFn: FetchLike): Promise<DreamModel> {
  const url = `${baseUrl.replace(/\/?$/, '/')}${entry.file}`;
  let json: { modelTopology?: { node?: GraphNode[] }; weightsManifest?: { paths: string[]; weights: WeightSpec[] }[]; format?: string; signature?: unknown; userDefinedMetadata?: Record<string, unknown> };
  try { json = (await (await fetchOk(fetchFn, url)).json()) as typeof json; } catch (e) {
    const m = (e as Error).message;
    throw new Error(m.startsWith('model:') ? m : m.includes(url) ? `model: ${m}` : `model: ${url} is not valid JSON (${m})`);
  }
  const nodesIn = json.modelTopology?.node;
  if (!Array.isArray(nodesIn) || !Array.isArray(json.weightsManifest)) throw new Error(`model: ${url} is not a TF.js graph model (no modelTopology.node / weightsManifest)`);
  const dir = url.slice(0, url.lastIndexOf('/') + 1);
  const weightSpecs: WeightSpec[] = [];
  const shards: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) shards.push(await (await fetchOk(fetchFn, dir + p)).arrayBuffer());
  }
  const total = shards.reduce((n, b) => n + b.byteLength, 0);
  // A cut download or a shard from another model: refuse before TF.js reads past the end or misreads weights.
  const expected = expectedWeightBytes(weightSpecs);
  if (expected != null && total !== expected) {
    const files = json.weightsManifest.flatMap((g) => g.paths).map((p, i) => `${p} (${shards[i].byteLength} bytes)`).join(', ');
    throw new Error(`model ${entry.id}: weight shards ${total < expected ? 'truncated' : 'too large'}: ${files} hold ${total} bytes, ${entry.file} needs ${expected}`);
  }
  const weightData = new Uint8Array(total);
  shards.reduce((off, b) => (weightData.set(new Uint8Array(b), off), off + b.byteLength), 0);

  const fixed: GraphArtifacts = applyGraphFixes({ nodes: nodesIn, weightSpecs, weightData: weightData.buffer }, entry.graphFixes, entry.input.layout, entry.feed);
  const names = new Set(fixed.nodes.map((n) => n.name));
  if (!names.has(entry.feed)) throw new Error(`model ${entry.id}: feed node '${entry.feed}' is not in the graph of ${entry.file}`);
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(tf.io.fromMemory({
      modelTopology: { ...json.modelTopology, node: fixed.nodes },
      weightSpecs: fixed.weightSpecs as tf.io.WeightsManifestEntry[],
      weightData: fixed.weightData,
      format: json.format, userDefinedMetadata: json.userDefinedMetadata,
    }));
  } catch (e) {
    throw new Error(`model ${entry.id}: corrupt graph or weights in ${url} (${(e as Error).message})`);
  }
  return createDreamModel(entry, model, names, entry.activationLayout === 'NCHW' ? nhwcTwins(fixed.nodes) : undefined);
}

/**
 * Wrap a loaded GraphModel (exported for tests that build graphs in memory). `twins`: for an NCHW-activation
 * graph, nodes whose NHWC values another node holds (graph-layout.ts's `nhwcTwins`): asked for instead, with no
 * Transpose back.
 */
export function createDreamModel(entry: ModelEntry, model: tf.GraphModel, names: Set<string>, twins: ReadonlyMap<string, string> = new Map()): DreamModel {
  const [lo, hi] = entry.input.range;
  // an NCHW feed's NHWC twin (graph-layout.ts): fed the image as it is, no Transpose
  const feedTwin = entry.input.layout === 'NCHW' && names.has(nhwcTwinName(entry.feed)) ? nhwcTwinName(entry.feed) : null;
  const dreamModel: DreamModel = {
    entry,
    hasNode: (name) => names.has(name),
    activations: (image, nodes) => tf.tidy(() => {
      // [1,h,w,3] in [0,1] → the feed's range and layout
      let x: tf.Tensor = lo === 0 && hi === 1 ? image : tf.add(tf.mul(image, hi - lo), lo);
      if (entry.input.layout === 'NCHW' && feedTwin == null) x = tf.transpose(x, [0, 3, 1, 2]);
      const out = model.execute({ [feedTwin ?? entry.feed]: x }, nodes.map((n) => twins.get(n) ?? n));
      const outs = Array.isArray(out) ? out : [out];
      return entry.activationLayout === 'NCHW' ? outs.map((t, i) => (t.rank === 4 && !twins.has(nodes[i]) ? tf.transpose(t, [0, 2, 3, 1]) : t)) : outs;
    }),
    // programs hold its weights; the input-gradient kernels' flipped copies of them go too
    dispose: () => { releaseGradientPrograms(dreamModel); model.dispose(); sweepDerivedFilters(tf.backend()); },
  };
  return dreamModel;
}
