import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph, foldPads, globalAvgPoolToMean, PASS_PROFILES, relaxPlaceholders, unfuse, validateManifest, type GraphArtifacts, type GraphNode } from '../../../src/model';
import { FUSED_CONV, FUSED_DEPTHWISE } from '../../../src/tf/ops/names';
import { ancestors } from '../../../scripts/bench/flops';
import { fixedNodes } from '../../../scripts/bench/bench-engine';
import { noiseSeed } from '../../../src/dream/seed';
import { entry, expectFoldsKeepValues, load, MODEL_DIR, ROOT, wasm } from '../dream/helpers';

const b64 = (s: string) => btoa(s);
const fusedConv: GraphNode = {
  name: 'net/conv1/Relu6', op: '_FusedConv2D', input: ['x', 'w', 'b'],
  attr: { fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu6')] } }, strides: { list: { i: ['1', '2', '2', '1'] } }, padding: { s: b64('SAME') }, num_args: { i: '1' }, T: { type: 'DT_FLOAT' } },
};

describe('graph rewrites (JSON)', () => {
  it('unfuses conv + BiasAdd + activation, the activation keeping the name', () => {
    const out = unfuse({ nodes: [fusedConv], weightSpecs: [], weightData: new ArrayBuffer(0) }).nodes;
    expect(out.map((n) => n.op)).toEqual(['Conv2D', 'BiasAdd', 'Relu6']);
    expect(out[2].name).toBe('net/conv1/Relu6');
    expect(out[0].input).toEqual(['x', 'w']);
    expect(out[1].input).toEqual([out[0].name, 'b']);
    expect(out[2].input).toEqual([out[1].name]);
    expect(out[0].attr?.strides).toEqual(fusedConv.attr?.strides);
  });

  it('names the BiasAdd after the fused node when there is no activation', () => {
    const node = { ...fusedConv, op: 'FusedDepthwiseConv2dNative', attr: { ...fusedConv.attr, fused_ops: { list: { s: [b64('BiasAdd')] } } } };
    const out = unfuse({ nodes: [node], weightSpecs: [], weightData: new ArrayBuffer(0) }).nodes;
    expect(out.map((n) => [n.op, n.name === node.name])).toEqual([['DepthwiseConv2dNative', false], ['BiasAdd', true]]);
  });

  it('relaxes the spatial placeholder dims for both layouts', () => {
    const ph = (dims: number[]): GraphNode => ({ name: 'in', op: 'Placeholder', attr: { shape: { shape: { dim: dims.map((d) => ({ size: String(d) })) } } } });
    const dims = (n: GraphNode) => n.attr?.shape?.shape?.dim?.map((d) => d.size);
    expect(dims(relaxPlaceholders({ nodes: [ph([1, 256, 256, 3])], weightSpecs: [], weightData: new ArrayBuffer(0) }, 'NHWC').nodes[0])).toEqual(['1', '-1', '-1', '3']);
    expect(dims(relaxPlaceholders({ nodes: [ph([1, 3, 416, 416])], weightSpecs: [], weightData: new ArrayBuffer(0) }, 'NCHW').nodes[0])).toEqual(['1', '3', '-1', '-1']);
  });

  it('turns only global (window = stride, VALID) AvgPools into Mean, appending an int32 axes weight', () => {
    const pool = (k: number, s: number): GraphNode => ({ name: `p${k}${s}`, op: 'AvgPool', input: ['x'], attr: { ksize: { list: { i: ['1', `${k}`, `${k}`, '1'] } }, strides: { list: { i: ['1', `${s}`, `${s}`, '1'] } }, padding: { s: b64('VALID') } } });
    const g = globalAvgPoolToMean({ nodes: [pool(16, 16), pool(3, 1)], weightSpecs: [], weightData: new ArrayBuffer(3) });
    expect(g.nodes.map((n) => n.op)).toEqual(['Const', 'Mean', 'AvgPool']);
    expect(g.weightSpecs).toEqual([{ name: g.nodes[0].name, shape: [2], dtype: 'int32' }]);
    expect(Array.from(new Int32Array(g.weightData.slice(3)))).toEqual([1, 2]);
  });

  it('every manifest model: fixes apply, the feed and recommended nodes exist, no fused convs remain', () => {
    const manifest = validateManifest(JSON.parse(readFileSync(`${ROOT}/models/manifest.json`, 'utf8')));
    for (const m of manifest.models) {
      const json = JSON.parse(readFileSync(`${MODEL_DIR}${m.file}`, 'utf8'));
      const g = compileGraph({ nodes: json.modelTopology.node, weightSpecs: [], weightData: new ArrayBuffer(0) }, { fixes: m.graphFixes, layout: m.input.layout }, PASS_PROFILES.wasm);
      const names = new Set(g.nodes.map((n) => n.name));
      expect(names.has(m.feed), `${m.id} feed`).toBe(true);
      for (const n of Object.values(m.nodes)) expect(names.has(n), `${m.id} node ${n}`).toBe(true);
      expect(g.nodes.filter((n) => n.op === '_FusedConv2D' || n.op === 'FusedDepthwiseConv2dNative')).toEqual([]); // TF.js's (ours are Dream*)
    }
  });

  it('manifest validation keeps unknown and GPL licences out of the defaults', () => {
    const base = { id: 'x', file: 'x.json', feed: 'in', input: { layout: 'NHWC', range: [0, 1] }, graphFixes: [], nodes: {} };
    expect(() => validateManifest({ models: [{ ...base, default: true, upstream: { licence: 'unknown' } }] })).toThrow("manifest: models[0] (x): a model with licence 'unknown' cannot be a default");
    expect(() => validateManifest({ models: [{ ...base, default: true, upstream: { licence: 'GPL-3.0' } }] })).toThrow('cannot be a default');
    expect(() => validateManifest({ models: [{ ...base, graphFixes: ['magic'] }] })).toThrow("manifest: models[0] (x): unknown graph fix 'magic'");
  });
});

describe('graph rewrites preserve forward outputs (wasm, real weights)', () => {
  beforeAll(wasm);

  const maxDiff = (a: tf.Tensor, b: tf.Tensor) => { const d = tf.max(tf.abs(tf.sub(a, b))); const v = d.dataSync()[0]; d.dispose(); return v; };

  it('posenet: unfused = fused (64 px, relaxed placeholder)', async () => {
    const fused = await load('posenet', { graphFixes: ['relax-placeholders'] });
    const unfused = await load('posenet');
    const x = noiseSeed(64, 64, 3);
    const node = 'MobilenetV1/MobilenetV1/Conv2d_9_pointwise/Relu6';
    const [a] = fused.activations(x, [node]);
    const [b] = unfused.activations(x, [node]);
    expect(a.shape).toEqual(b.shape);
    expect(maxDiff(a, b)).toBeLessThan(1e-4);
    tf.dispose([a, b, x]); fused.dispose(); unfused.dispose();
  });

  it('selfie: AvgPool→Mean = original at the native 256 px, and the backbone runs at 48 px', async () => {
    const orig = await load('selfie', { graphFixes: [] });
    const fixed = await load('selfie');
    const x = noiseSeed(256, 256, 4);
    const [a] = orig.activations(x, ['activation_10']);
    const [b] = fixed.activations(x, ['activation_10']);
    expect(a.shape).toEqual([1, 256, 256, 1]);
    expect(maxDiff(a, b)).toBeLessThan(1e-4); // float32 summation order differs (AvgPool vs Mean)
    const small = noiseSeed(48, 48, 5);
    const [c] = fixed.activations(small, ['add_4__xeno_compat__1']); // after 4 global pools
    expect(c.shape).toEqual([1, 3, 3, 32]);
    tf.dispose([a, b, c, x, small]); orig.dispose(); fixed.dispose();
  });
});

describe('activation layout', () => {
  beforeAll(wasm);
  it('nanodet (NCHW input and activations) comes back NHWC, any size, without leaks', async () => {
    const m = await load('nanodet');
    const x = noiseSeed(40, 56, 1);
    const before = tf.memory().numTensors;
    const [a] = m.activations(x, ['PartitionedCall/onnx_tf_prefix_LeakyRelu_26']);
    expect(a.shape).toEqual([1, 5, 7, 64]);
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose(); m.dispose();
  });
});

describe('foldPads: a zero Pad in front of a VALID fused conv becomes the conv\'s explicit padding', () => {
  /** A graph whose int32 constants (named → [4,2] pads) sit in the weight data, as the converter stores them. */
  const graph = (nodes: GraphNode[], pads: Record<string, number[]>): GraphArtifacts => {
    const names = Object.keys(pads);
    const data = new Int32Array(names.flatMap((n) => pads[n]));
    return {
      nodes: [...names.map((name): GraphNode => ({ name, op: 'Const' })), ...nodes],
      weightSpecs: names.map((name) => ({ name, shape: [4, 2], dtype: 'int32' })),
      weightData: data.buffer,
    };
  };
  const conv = (name: string, input: string, op = FUSED_CONV, padding = 'VALID'): GraphNode =>
    ({ name, op, input: [input, 'w', 'b'], attr: { strides: { list: { i: ['1', '2', '2', '1'] } }, padding: { s: b64(padding) }, activation: { s: b64('relu6') } } });
  const pad = (name: string, paddings: string, op = 'Pad'): GraphNode => ({ name, op, input: ['x', paddings] });

  it('rewires the conv to the Pad\'s input with the Pad\'s spatial pads, for convs and depthwise convs', () => {
    const g = graph([pad('p', 'hw'), conv('c', 'p'), pad('q', 'asym'), conv('d', 'q', FUSED_DEPTHWISE)], { hw: [0, 0, 1, 1, 1, 1, 0, 0], asym: [0, 0, 0, 1, 2, 0, 0, 0] });
    const out = foldPads(g).nodes;
    const c = out.find((n) => n.name === 'c')!, d = out.find((n) => n.name === 'd')!;
    expect(c.input).toEqual(['x', 'w', 'b']);
    expect(atob(c.attr!.padding.s!)).toBe('EXPLICIT');
    expect(c.attr!.explicit_paddings).toEqual({ list: { i: ['0', '0', '1', '1', '1', '1', '0', '0'] } });
    expect(c.attr!.strides).toEqual({ list: { i: ['1', '2', '2', '1'] } }); // the rest kept
    expect(atob(c.attr!.activation.s!)).toBe('relu6');
    expect(d.input![0]).toBe('x');
    expect(d.attr!.explicit_paddings).toEqual({ list: { i: ['0', '0', '0', '1', '2', '0', '0', '0'] } });
    expect(out.filter((n) => n.op === 'Pad').map((n) => n.name)).toEqual(['p', 'q']); // left for other readers
  });

  it('leaves alone: SAME convs, plain Conv2D, PadV2, pads of the batch or channels, pads not held as constants', () => {
    const g = graph([
      pad('p', 'hw'), conv('same', 'p', FUSED_CONV, 'SAME'),
      { name: 'plain', op: 'Conv2D', input: ['p', 'w'], attr: { padding: { s: b64('VALID') } } },
      pad('v', 'hw', 'PadV2'), conv('afterV2', 'v'),
      pad('ch', 'channels'), conv('afterCh', 'ch'),
      pad('b', 'batch'), conv('afterB', 'b'),
      pad('dyn', 'notAConst'), conv('afterDyn', 'dyn'),
    ], { hw: [0, 0, 1, 1, 1, 1, 0, 0], channels: [0, 0, 1, 1, 1, 1, 0, 2], batch: [1, 0, 1, 1, 1, 1, 0, 0] });
    expect(foldPads(g)).toBe(g);
  });

  it('BlazePose (the figures recipe, real weights): no Pad left on the path, same activations and input gradient at 64 px', async () => {
    await wasm();
    const e = entry('blazepose-full');
    const node = e.nodes.re_lu_18;
    const onPath = (nodes: GraphNode[], op: string) => { const a = ancestors(nodes, [node]); return nodes.filter((n) => a.has(n.name) && n.op === op).length; };
    const fixed = fixedNodes(e);
    const onThePath = ancestors(fixed, [node]);
    const explicit = fixed.filter((n) => onThePath.has(n.name) && (n.op === FUSED_CONV || n.op === FUSED_DEPTHWISE) && atob(n.attr?.padding?.s ?? '') === 'EXPLICIT');
    expect(onPath(fixed, 'Pad')).toBe(0);
    expect(explicit.length).toBe(4); // ZeroPadding2D before the stem and three stride-2 depthwise convs
    await expectFoldsKeepValues('blazepose-full', [node], 64, 6);
  });
});
