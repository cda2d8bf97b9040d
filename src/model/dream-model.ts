// A dream network as the optimiser sees it (images in, named activations out), and its loader: model.json and its
// shards through a FetchLike (browser or Node), checked, compiled for a pass profile (compile.ts), handed to
// tf.loadGraphModel with the engine's custom ops registered. Missing or corrupt files throw errors naming the file.
import * as tf from '@tensorflow/tfjs';
import { releasePrograms, sweepDerivedFilters } from '../tf';
import { compileGraph, type PassProfile } from './compile';
import { registerGraphOps } from './custom-ops';
import { fetchShards, joinShards, type FetchLike } from './fetch';
import { expectedWeightBytes, type GraphNode, type WeightSpec } from './graph';
import { nhwcTwinName, nhwcTwins } from './graph-layout';
import type { ModelEntry } from './manifest';

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
 * Load `entry` from `baseUrl` (the folder holding `<file>.json` and its .bin shards): its own graph fixes and the
 * passes of `profile` (PASS_PROFILES[backend] for the backend it will run on; NAIVE_PROFILE for none).
 */
export async function loadDreamModel(entry: ModelEntry, baseUrl: string, fetchFn: FetchLike, profile: PassProfile): Promise<DreamModel> {
  const url = `${baseUrl.replace(/\/?$/, '/')}${entry.file}`;
  let json: { modelTopology?: { node?: GraphNode[] }; weightsManifest?: { paths: string[]; weights: WeightSpec[] }[]; format?: string; signature?: unknown; userDefinedMetadata?: Record<string, unknown> };
  try { json = (await (await fetchOk(fetchFn, url)).json()) as typeof json; } catch (e) {
    const m = (e as Error).message;
    throw new Error(m.startsWith('model:') ? m : m.includes(url) ? `model: ${m}` : `model: ${url} is not valid JSON (${m})`);
  }
  const nodesIn = json.modelTopology?.node;
  if (!Array.isArray(nodesIn) || !Array.isArray(json.weightsManifest)) throw new Error(`model: ${url} is not a TF.js graph model (no modelTopology.node / weightsManifest)`);
  const weightSpecs: WeightSpec[] = json.weightsManifest.flatMap((g) => g.weights);
  const shards = await fetchShards(url, json.weightsManifest, (u) => fetchOk(fetchFn, u));
  const total = shards.reduce((n, b) => n + b.byteLength, 0);
  // A cut download or a shard from another model: refuse before TF.js reads past the end or misreads weights.
  const expected = expectedWeightBytes(weightSpecs);
  if (expected != null && total !== expected) {
    const files = json.weightsManifest.flatMap((g) => g.paths).map((p, i) => `${p} (${shards[i].byteLength} bytes)`).join(', ');
    throw new Error(`model ${entry.id}: weight shards ${total < expected ? 'truncated' : 'too large'}: ${files} hold ${total} bytes, ${entry.file} needs ${expected}`);
  }

  const compiled = compileGraph({ nodes: nodesIn, weightSpecs, weightData: joinShards(shards) }, { fixes: entry.graphFixes, layout: entry.input.layout, feed: entry.feed }, profile);
  const names = new Set(compiled.nodes.map((n) => n.name));
  if (!names.has(entry.feed)) throw new Error(`model ${entry.id}: feed node '${entry.feed}' is not in the graph of ${entry.file}`);
  registerGraphOps(); // before tf.loadGraphModel maps the compiled graph's custom ops
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(tf.io.fromMemory({
      modelTopology: { ...json.modelTopology, node: compiled.nodes },
      weightSpecs: compiled.weightSpecs as tf.io.WeightsManifestEntry[],
      weightData: compiled.weightData,
      format: json.format, userDefinedMetadata: json.userDefinedMetadata,
    }));
  } catch (e) {
    throw new Error(`model ${entry.id}: corrupt graph or weights in ${url} (${(e as Error).message})`);
  }
  // For an NCHW-activation graph, the nodes whose NHWC values another node holds (graph-layout.ts): asked for
  // instead, with no Transpose back.
  const twins: ReadonlyMap<string, string> = entry.activationLayout === 'NCHW' ? nhwcTwins(compiled.nodes) : new Map();
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
    // the replayed gradient programs (src/tf's replay cache, keyed by this model) hold its weights, and the
    // input-gradient kernels' flipped copies of them are derived from them: both go with it
    dispose: () => { releasePrograms(dreamModel); model.dispose(); sweepDerivedFilters(tf.backend()); },
  };
  return dreamModel;
}
