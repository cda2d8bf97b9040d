import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compileGraph, GRAPH_PASSES, NAIVE_PROFILE, PASS_PROFILES, passProfile, registerGraphOps, UNFOLDED_PROFILE,
  type GraphArtifacts, type GraphNode, type WeightSpec,
} from '../../../src/model';
import { BACKEND_NAMES } from '../../../src/platform/backends';
import { BIAS_RELU6, FUSED_CONV, HARD_SWISH } from '../../../src/tf';
import { entry, MODEL_DIR, wasm } from '../dream/helpers';

// The model compiler: which passes run is data (a profile per backend, passed to the loader), the passes are pure
// functions of the graph JSON, and the custom ops they emit are registered by the loader, not by the passes.

/** A real model's graph JSON and weights, as the loader hands them to compileGraph. */
function artifacts(id: string): GraphArtifacts {
  const json = JSON.parse(readFileSync(`${MODEL_DIR}${entry(id).file}`, 'utf8')) as { modelTopology: { node: GraphNode[] }; weightsManifest: { paths: string[]; weights: WeightSpec[] }[] };
  const shards = json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(`${MODEL_DIR}${p}`));
  const data = new Uint8Array(shards.reduce((n, b) => n + b.byteLength, 0));
  shards.reduce((off, b) => (data.set(b, off), off + b.byteLength), 0);
  return { nodes: json.modelTopology.node, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: data.buffer };
}
const spec = (id: string) => { const e = entry(id); return { fixes: e.graphFixes, layout: e.input.layout, feed: e.feed }; };
const ops = (g: GraphArtifacts) => g.nodes.map((n) => n.op);
const count = (g: GraphArtifacts, op: string) => ops(g).filter((o) => o === op).length;

describe('pass profiles', () => {
  it('every backend has one (all passes today), looked up by name; an unknown backend is an error', () => {
    for (const b of BACKEND_NAMES) expect(passProfile(b)).toBe(PASS_PROFILES[b]);
    for (const b of BACKEND_NAMES) expect(PASS_PROFILES[b].passes).toEqual(GRAPH_PASSES);
    expect(() => passProfile('tensorflow')).toThrow("no graph pass profile for backend 'tensorflow' (have wasm, webgl, webgpu, cpu)");
  });

  it('a fused conv + BiasAdd + Relu6: one custom op with every pass, BiasAdd+Relu6 folded with the first only, unfused with none', () => {
    const fused: GraphNode = { name: 'c/Relu6', op: '_FusedConv2D', input: ['x', 'w', 'b'], attr: { fused_ops: { list: { s: [btoa('BiasAdd'), btoa('Relu6')] } }, T: { type: 'DT_FLOAT' } } };
    const g: GraphArtifacts = { nodes: [fused], weightSpecs: [], weightData: new ArrayBuffer(0) };
    const at = { fixes: ['unfuse'] as const, layout: 'NHWC' as const };
    expect(ops(compileGraph(g, at, PASS_PROFILES.wasm))).toEqual([FUSED_CONV]);
    expect(ops(compileGraph(g, at, UNFOLDED_PROFILE))).toEqual(['Conv2D', BIAS_RELU6]);
    expect(ops(compileGraph(g, at, NAIVE_PROFILE))).toEqual(['Conv2D', 'BiasAdd', 'Relu6']);
    // a profile names passes, a model names fixes: without the 'unfuse' fix no fold runs whatever the profile
    expect(ops(compileGraph(g, { fixes: [], layout: 'NHWC' }, PASS_PROFILES.wasm))).toEqual(['_FusedConv2D']);
  });

  it('a profile switches single passes: h-swish without the conv folds (textures\' centernet)', () => {
    const g = artifacts('centernet');
    const swishOnly = compileGraph(g, spec('centernet'), { name: 'h-swish only', passes: ['hard-swish'] });
    const full = compileGraph(g, spec('centernet'), PASS_PROFILES.wasm);
    expect(count(swishOnly, HARD_SWISH)).toBeGreaterThan(5);
    expect(count(swishOnly, FUSED_CONV)).toBe(0);
    expect(count(full, FUSED_CONV)).toBeGreaterThan(5);
    expect(count(compileGraph(g, spec('centernet'), NAIVE_PROFILE), HARD_SWISH)).toBe(0);
  });
});

describe('passes are pure functions of the graph JSON', () => {
  it('compiling changes nothing in its input, and the same input and profile give the same graph whatever ran before', () => {
    // fingerprints: deep equality of these graphs (thousands of nodes, megabytes of weights) is slow
    const json = (g: GraphArtifacts) => JSON.stringify({ nodes: g.nodes, weightSpecs: g.weightSpecs });
    const bytes = (g: GraphArtifacts) => createHash('sha256').update(new Uint8Array(g.weightData)).digest('hex');
    for (const id of ['nanodet', 'blazepose-full', 'centernet']) {
      const g = artifacts(id);
      const [inJson, inBytes] = [json(g), bytes(g)];
      const first = compileGraph(g, spec(id), PASS_PROFILES.wasm);
      compileGraph(g, spec(id), NAIVE_PROFILE);
      compileGraph(g, spec(id), UNFOLDED_PROFILE);
      const again = compileGraph(g, spec(id), PASS_PROFILES.wasm);
      expect(json(g), id).toBe(inJson);
      expect(bytes(g), id).toBe(inBytes);
      expect(json(again), id).toBe(json(first));
      expect(bytes(again), id).toBe(bytes(first));
      expect(json(first), id).not.toBe(inJson); // something was rewritten
    }
  });
});

describe('custom ops are registered by the loader, not by the passes', () => {
  beforeAll(wasm);

  it('a compiled graph with the custom ops runs only when they were registered before it was loaded', async () => {
    const e = entry('posenet');
    const json = JSON.parse(readFileSync(`${MODEL_DIR}${e.file}`, 'utf8')) as { modelTopology: Record<string, unknown> };
    const compiled = compileGraph(artifacts('posenet'), spec('posenet'), PASS_PROFILES.wasm);
    expect(count(compiled, FUSED_CONV)).toBeGreaterThan(5);
    const load = () => tf.loadGraphModel(tf.io.fromMemory({
      modelTopology: { ...json.modelTopology, node: compiled.nodes },
      weightSpecs: compiled.weightSpecs as tf.io.WeightsManifestEntry[], weightData: compiled.weightData,
    }));
    const x = tf.zeros([1, 32, 32, 3]);
    const node = e.nodes.pw5;
    // nothing in this test file has loaded a model: the passes above ran, yet TF.js does not know the ops
    const unknown = await load();
    expect(() => unknown.execute({ [e.feed]: x }, node)).toThrow(`Unknown op '${FUSED_CONV}'`);
    unknown.dispose();
    registerGraphOps();
    registerGraphOps(); // idempotent
    const known = await load();
    const y = known.execute({ [e.feed]: x }, node) as tf.Tensor;
    expect(y.rank).toBe(4);
    tf.dispose([x, y]);
    known.dispose();
  });
});
