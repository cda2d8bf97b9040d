import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { nhwcIslands, nhwcTwins, UNFOLDED_PROFILE, type GraphArtifacts, type GraphNode, type WeightSpec } from '../../../src/model';
import { FUSED_CONV } from '../../../src/tf/ops/names';
import { ancestors } from '../../../scripts/bench/flops';
import { fixedNodes } from '../../../scripts/bench/bench-engine';
import { entry, expectFoldsKeepValues, load, wasm } from '../dream/helpers';

/** A graph whose int32 constants hold `consts` (in order) and whose other nodes are `nodes`. */
function graph(consts: Record<string, number[]>, nodes: GraphNode[]): GraphArtifacts {
  const specs: WeightSpec[] = Object.entries(consts).map(([name, v]) => ({ name, shape: name.includes('pad') ? [4, 2] : name.includes('axis') ? [] : [v.length], dtype: 'int32' }));
  const data = new Int32Array(Object.values(consts).flat());
  return { nodes: [...Object.keys(consts).map((name): GraphNode => ({ name, op: 'Const' })), ...nodes], weightSpecs: specs, weightData: data.buffer };
}
const int32s = (g: GraphArtifacts, name: string) => {
  let off = 0;
  for (const w of g.weightSpecs) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (w.name === name) return Array.from(new Int32Array(g.weightData.slice(off, off + 4 * n)));
    off += 4 * n;
  }
  throw new Error(name);
};

describe('nhwcIslands (ONNX graphs: NCHW between NHWC convs)', () => {
  // conv (NHWC) → back to NCHW → LeakyRelu → Pad (NCHW pads) → to NHWC → conv; a Concat along channels of both.
  const g = graph({ toNchw: [0, 3, 1, 2], toNhwc: [0, 2, 3, 1], pad: [0, 0, 0, 0, 1, 2, 3, 4], axis: [1] }, [
    { name: 'c1', op: 'Conv2D', input: ['x', 'w'] },
    { name: 't1', op: 'Transpose', input: ['c1', 'toNchw'] },
    { name: 'act', op: 'LeakyRelu', input: ['t1'] },
    { name: 'padded', op: 'Pad', input: ['act', 'pad'] },
    { name: 't2', op: 'Transpose', input: ['padded', 'toNhwc'] },
    { name: 'c2', op: 'Conv2D', input: ['t2', 'w'] },
    { name: 't3', op: 'Transpose', input: ['c2', 'toNchw'] },
    { name: 'cat', op: 'ConcatV2', input: ['t3', 'act', 'axis'] },
    { name: 'head', op: 'Reshape', input: ['cat', 'shape'] },
  ]);

  it('gives each in-between node an NHWC twin (pads and concat axis permuted), bypasses the Transposes, keeps every name', () => {
    const out = nhwcIslands(g);
    const by = new Map(out.nodes.map((n) => [n.name, n]));
    expect(by.get('act/nhwc')).toMatchObject({ op: 'LeakyRelu', input: ['c1'] });
    expect(by.get('padded/nhwc')!.input![0]).toBe('act/nhwc');
    expect(int32s(out, by.get('padded/nhwc')!.input![1])).toEqual([0, 0, 1, 2, 3, 4, 0, 0]); // [[n],[c],[h],[w]] → [[n],[h],[w],[c]]
    expect(by.get('c2')!.input).toEqual(['padded/nhwc', 'w']); // the Transpose to NHWC bypassed
    expect(by.get('cat/nhwc')!.input!.slice(0, 2)).toEqual(['c2', 'act/nhwc']);
    expect(int32s(out, by.get('cat/nhwc')!.input![2])).toEqual([3]); // channels: NCHW axis 1 → NHWC axis 3
    // Every original name is still there with its NCHW value: a Transpose of the twin back to NCHW …
    for (const n of ['act', 'padded', 'cat']) expect(by.get(n)).toMatchObject({ op: 'Transpose', input: [`${n}/nhwc`, 'toNchw'] });
    expect(by.get('head')!.input).toEqual(['cat', 'shape']); // … which the node left in NCHW reads.
    // The Transposes nobody reads any more are gone (so a conv's Add and activation can be its only readers).
    expect([...by.keys()].filter((n) => /^t\d$/.test(n))).toEqual([]);
    // The nodes whose NHWC values a twin holds, for DreamModel.activations to ask for instead.
    expect(nhwcTwins(out.nodes)).toEqual(new Map([['act', 'act/nhwc'], ['padded', 'padded/nhwc'], ['cat', 'cat/nhwc']]));
    expect(nhwcTwins(g.nodes).size).toBe(0);
  });

  it('gives an NCHW feed an NHWC twin Placeholder when nothing else reads the feed, so the image needs no Transpose', () => {
    const ph = (name: string): GraphNode => ({ name, op: 'Placeholder', attr: { shape: { shape: { dim: ['1', '3', '-1', '-1'].map((size) => ({ size })) } } } });
    const fed = graph({ toNchw: [0, 3, 1, 2], toNhwc: [0, 2, 3, 1], pad: [0, 0, 0, 0, 1, 1, 1, 1] }, [
      ph('in'),
      { name: 'padded', op: 'Pad', input: ['in', 'pad'] },
      { name: 't0', op: 'Transpose', input: ['padded', 'toNhwc'] },
      { name: 'c1', op: 'Conv2D', input: ['t0', 'w'] },
      { name: 't1', op: 'Transpose', input: ['c1', 'toNchw'] },
    ]);
    const by = new Map(nhwcIslands(fed, ['in']).nodes.map((n) => [n.name, n]));
    expect(by.get('in/nhwc')).toMatchObject({ op: 'Placeholder', attr: { shape: { shape: { dim: ['1', '-1', '-1', '3'].map((size) => ({ size })) } } } });
    expect(by.get('padded/nhwc')!.input![0]).toBe('in/nhwc');
    expect(by.get('c1')!.input).toEqual(['padded/nhwc', 'w']);
    expect(by.has('in')).toBe(true); // still there, read by nothing on the path
    // something else reads the NCHW feed: no twin (a caller feeding only the twin would starve it)
    const shared = { ...fed, nodes: [...fed.nodes, { name: 'other', op: 'Reshape', input: ['in', 'shape'] }] };
    expect(nhwcIslands(shared, ['in']).nodes.some((n) => n.name === 'in/nhwc')).toBe(false);
    expect(nhwcIslands(fed).nodes.some((n) => n.name === 'in/nhwc')).toBe(false); // and none unless asked
  });

  it('leaves graphs without Transposes to NCHW, and constants it cannot read, alone', () => {
    const plain = graph({ perm: [0, 1, 2, 3] }, [{ name: 'c', op: 'Conv2D', input: ['x', 'w'] }, { name: 't', op: 'Transpose', input: ['c', 'perm'] }, { name: 'r', op: 'Relu', input: ['t'] }]);
    expect(nhwcIslands(plain)).toBe(plain);
    const quantized = { ...g, weightSpecs: g.weightSpecs.map((w) => (w.name === 'toNchw' ? { ...w, quantization: { dtype: 'uint8' } } : w)) };
    expect(nhwcIslands(quantized)).toBe(quantized);
  });
});

describe('nhwcIslands on NanoDet (the objects recipe, real weights)', () => {
  beforeAll(wasm);

  it('runs few Transposes on the recipe\'s path, folds its convs, and gives the same activations and input gradient at 64 px', async () => {
    const nanodet = entry('nanodet');
    expect(nanodet.graphFixes).toContain('nhwc-islands');
    const node = nanodet.nodes.leaky_26;
    const onPath = (nodes: GraphNode[], op: string) => { const a = ancestors(nodes, [node]); return nodes.filter((n) => a.has(n.name) && n.op === op).length; };
    const fixed = fixedNodes(nanodet);
    const before = fixedNodes(nanodet, UNFOLDED_PROFILE);
    expect(onPath(before, 'Transpose')).toBeGreaterThan(20);
    expect(onPath(fixed, 'Transpose')).toBe(1); // the objective node itself, its twin back to NCHW (DreamModel asks for the twin)
    expect(onPath(fixed, FUSED_CONV)).toBe(onPath(before, 'Conv2D')); // every conv with its bias (and LeakyRelu)
    // and with the Pad in front of it (passes.ts's foldPads): only the feed's pad, into NHWC, is left on the path
    expect(onPath(before, 'Pad')).toBeGreaterThan(8);
    expect(onPath(fixed, 'Pad')).toBe(0); // the feed's too: it pads the feed's NHWC twin, folded into the first conv
    await expectFoldsKeepValues('nanodet', [nanodet.nodes.leaky_21, node], 64, 5);
  });

  it('takes the image and hands the objective over in NHWC through twins: no Transpose on the way in or out', async () => {
    const m = await load('nanodet');
    const x = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    try {
      const info = await tf.profile(() => m.activations(x, [entry('nanodet').nodes.leaky_26])[0]);
      // none: the image goes to the feed's NHWC twin, the objective comes from its own twin (before: the image to
      // NCHW, its pad back to NHWC for the first conv, the objective to NCHW and back)
      expect(info.kernels.filter((k) => k.name === 'Transpose').map((k) => k.inputShapes[0])).toEqual([]);
      // the feed's pad is in the first conv (foldPads); what is left pads before the max pool
      expect(info.kernels.filter((k) => /^Pad/.test(k.name)).map((k) => k.inputShapes[0])).toEqual([[1, 32, 32, 32]]);
      expect((info.result as tf.Tensor).shape).toEqual([1, 8, 8, 64]);
      tf.dispose(info.result);
    } finally { x.dispose(); m.dispose(); }
  });
});
