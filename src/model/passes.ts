// The load-time passes over a TF.js graph-model JSON: fixes that let shipped detection/pose networks be dreamed on
// (relaxPlaceholders, unfuse, globalAvgPoolToMean) and folds into the engine's custom ops (fuseBiasRelu6,
// fuseConvAct, fuseHardSwish, fuseHardSigmoid, foldPads). Each is a pure function of the graph JSON: it never
// changes its input, reads no global state and registers nothing (the loader registers the custom ops the folds
// emit, src/model/custom-ops.ts). Which ones run, in which order, is src/model/compile.ts's.
import { BIAS_RELU6, FUSED_CONV, FUSED_DEPTHWISE, HARD_SIGMOID, HARD_SWISH } from '../tf';
import type { AttrValue, GraphArtifacts, GraphNode } from './graph';
import { consumerCounts, int32Consts, plainInput, producer, replaceNodes } from './graph-nodes';

const decode = (s: string) => atob(s);

/**
 * Set the spatial dims of every Placeholder to −1: the backbones are fully convolutional, so they run
 * at any size (the detection heads do not, which is why we only dream on backbone nodes).
 */
export function relaxPlaceholders(g: GraphArtifacts, layout: 'NHWC' | 'NCHW'): GraphArtifacts {
  const spatial = layout === 'NHWC' ? [1, 2] : [2, 3];
  const nodes = g.nodes.map((n) => {
    const dims = n.attr?.shape?.shape?.dim;
    if (n.op !== 'Placeholder' || dims == null || dims.length !== 4) return n;
    const dim = dims.map((d, i) => (spatial.includes(i) ? { size: '-1' } : d));
    return { ...n, attr: { ...n.attr, shape: { shape: { dim } } } };
  });
  return { ...g, nodes };
}

const ACTIVATIONS = new Set(['Relu', 'Relu6', 'Elu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Prelu']);
const CONV_ATTRS = ['strides', 'padding', 'dilations', 'data_format', 'explicit_paddings', 'T'];

/**
 * Split `_FusedConv2D` / `FusedDepthwiseConv2dNative` into conv + BiasAdd + activation, the last op keeping
 * the original name so node names in recipes stay valid. Gradients are identical; wasm needs this (its
 * fused-conv gradient calls the missing Conv2DBackpropFilter) and cpu gets 4–9× faster.
 */
export function unfuse(g: GraphArtifacts): GraphArtifacts {
  const nodes: GraphNode[] = [];
  for (const n of g.nodes) {
    const base = n.op === '_FusedConv2D' ? 'Conv2D' : n.op === 'FusedDepthwiseConv2dNative' ? 'DepthwiseConv2dNative' : null;
    if (base == null) { nodes.push(n); continue; }
    const attr = n.attr ?? {};
    const fused = (attr.fused_ops?.list?.s ?? []).map(decode);
    const [x, filter, ...args] = n.input ?? [];
    const pick = (keys: string[]) => Object.fromEntries(keys.filter((k) => k in attr).map((k) => [k, attr[k]]));
    const chain: GraphNode[] = [{ name: `${n.name}/unfused_${base}`, op: base, input: [x, filter], attr: pick(CONV_ATTRS) }];
    const last = () => chain[chain.length - 1].name;
    for (const op of fused) {
      if (op === 'BiasAdd') {
        chain.push({ name: `${n.name}/unfused_BiasAdd`, op, input: [last(), args[0]], attr: pick(['T', 'data_format']) });
      } else if (ACTIVATIONS.has(op)) {
        const extra = op === 'Prelu' ? [args[1]] : [];
        const alpha: Record<string, AttrValue> = op === 'LeakyRelu' ? { alpha: { f: attr.leakyrelu_alpha?.f ?? 0.2 } } : {};
        chain.push({ name: `${n.name}/unfused_${op}`, op, input: [last(), ...extra], attr: { ...pick(['T']), ...alpha } });
      } else {
        throw new Error(`unfuse: node '${n.name}' fuses unsupported op '${op}'`);
      }
    }
    chain[chain.length - 1] = { ...chain[chain.length - 1], name: n.name };
    nodes.push(...chain);
  }
  return { ...g, nodes };
}

const b64 = (s: string) => btoa(s);
const isNhwc = (n: GraphNode) => n.attr?.data_format?.s == null || decode(n.attr.data_format.s) === 'NHWC';

/**
 * Fold each NHWC Conv2D / DepthwiseConv2dNative whose only consumer adds its bias (BiasAdd, BIAS_RELU6, or an Add
 * of a constant [c]), with the activation after the bias when that is its only consumer (Relu, LeakyRelu), into one FUSED_CONV /
 * FUSED_DEPTHWISE node under the chain's last name (src/tf/ops/fused-conv.ts: one XNNPACK call on wasm).
 */
export function fuseConvAct(g: GraphArtifacts): GraphArtifacts {
  const counts = consumerCounts(g.nodes);
  const readers = new Map<string, GraphNode>(); // a node's reader, where it has one
  for (const n of g.nodes) for (const i of n.input ?? []) if (counts.get(producer(i)) === 1) readers.set(producer(i), n);
  /** The one node that reads n, as its first input only. */
  const only = (n: GraphNode): GraphNode | undefined => {
    const r = readers.get(n.name);
    return r && r.input?.[0] === n.name ? r : undefined;
  };
  // An Add is a bias when its other operand is a constant [c] with c the conv's output channels (ONNX graphs).
  const shapes = new Map(g.weightSpecs.map((w) => [w.name, w.shape]));
  const consts = new Set(g.nodes.filter((n) => n.op === 'Const').map((n) => n.name));
  const isConst = (name: string) => consts.has(name);
  const vectorBias = (conv: GraphNode, b: string) => {
    const f = shapes.get(conv.input![1]), v = shapes.get(b);
    if (!f || !v || f.length !== 4 || v.length !== 1 || !isConst(b) || !isConst(conv.input![1])) return false;
    return v[0] === (conv.op === 'Conv2D' ? f[3] : f[2] * f[3]);
  };
  const folded = new Set<string>();
  const replaced = new Map<string, GraphNode>();
  for (const conv of g.nodes) {
    const depthwise = conv.op === 'DepthwiseConv2dNative';
    if ((conv.op !== 'Conv2D' && !depthwise) || !isNhwc(conv) || (conv.input ?? []).length !== 2 || !conv.input!.every(plainInput)) continue;
    const bias = only(conv);
    if (!bias || (bias.input ?? []).length !== 2 || (bias.op === 'BiasAdd' && !isNhwc(bias))) continue;
    if (bias.op !== 'BiasAdd' && bias.op !== BIAS_RELU6 && !((bias.op === 'Add' || bias.op === 'AddV2') && vectorBias(conv, bias.input![1]))) continue;
    let last = bias, activation = bias.op === BIAS_RELU6 ? 'relu6' : 'linear', alpha = 0.2;
    const act = bias.op !== BIAS_RELU6 ? only(bias) : undefined;
    if (act && (act.op === 'Relu' || act.op === 'LeakyRelu') && (act.input ?? []).length === 1) {
      last = act;
      activation = act.op.toLowerCase();
      alpha = act.attr?.alpha?.f ?? 0.2;
    }
    const keep = (k: string) => (conv.attr?.[k] ? { [k]: conv.attr[k] } : {});
    const attr: Record<string, AttrValue> = {
      ...keep('strides'), ...keep('padding'), ...keep('explicit_paddings'), ...keep('dilations'),
      activation: { s: b64(activation) }, leakyrelu_alpha: { f: alpha },
    };
    for (const n of [conv, bias, last]) folded.add(n.name);
    replaced.set(last.name, { name: last.name, op: depthwise ? FUSED_DEPTHWISE : FUSED_CONV, input: [conv.input![0], conv.input![1], bias.input![1]], attr });
  }
  if (replaced.size === 0) return g;
  return replaceNodes(g, replaced, folded);
}

/**
 * Fold each zero Pad of the spatial dims in front of a VALID fused conv (FUSED_CONV / FUSED_DEPTHWISE) into the
 * conv's own explicit padding: Keras' ZeroPadding2D before a stride-2 conv (BlazePose), ONNX's Pad before every 3×3
 * conv (NanoDet). The conv reads the Pad's input and pads as it convolves (XNNPACK takes the four pads), so a
 * step loses a copy of the activation forward and the Slice that is Pad's gradient backward, two engine calls
 * per conv. The Pad node stays for any other reader; the graph executor skips it when none is asked for.
 */
export function foldPads(g: GraphArtifacts): GraphArtifacts {
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const ints = int32Consts(g);
  let folds = 0;
  const nodes = g.nodes.map((conv) => {
    if ((conv.op !== FUSED_CONV && conv.op !== FUSED_DEPTHWISE) || decode(conv.attr?.padding?.s ?? '') !== 'VALID') return conv;
    const pad = conv.input?.[0] != null && plainInput(conv.input[0]) ? byName.get(conv.input[0]) : undefined;
    if (pad?.op !== 'Pad' || (pad.input ?? []).length !== 2 || !pad.input!.every(plainInput)) return conv;
    const p = ints(pad.input![1]); // [[batch], [top, bottom], [left, right], [channels]]
    if (p == null || p.length !== 8 || p[0] !== 0 || p[1] !== 0 || p[6] !== 0 || p[7] !== 0 || p.some((v) => v < 0)) return conv;
    folds++;
    return {
      ...conv,
      input: [pad.input![0], ...conv.input!.slice(1)],
      attr: { ...conv.attr, padding: { s: b64('EXPLICIT') }, explicit_paddings: { list: { i: p.map(String) } } },
    };
  });
  return folds === 0 ? g : { ...g, nodes };
}

/**
 * Fold each NHWC BiasAdd whose only consumer is a Relu6 into one BIAS_RELU6 node under the Relu6's name
 * (src/tf/ops/bias-relu6.ts: one pass on wasm, Add + Relu6 elsewhere). Done with `unfuse`, which makes these pairs.
 */
export function fuseBiasRelu6(g: GraphArtifacts): GraphArtifacts {
  const consumers = consumerCounts(g.nodes);
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const folded = new Set<string>();
  const nodes: GraphNode[] = [];
  for (const n of g.nodes) {
    const src = n.op === 'Relu6' && n.input?.length === 1 && plainInput(n.input[0]) ? byName.get(n.input[0]) : undefined;
    const nhwc = src != null && isNhwc(src);
    if (!src || src.op !== 'BiasAdd' || consumers.get(src.name) !== 1 || !nhwc || (src.input ?? []).length !== 2) { nodes.push(n); continue; }
    folded.add(src.name);
    nodes.push({ name: n.name, op: BIAS_RELU6, input: [...src.input!], attr: {} });
  }
  if (folded.size === 0) return g;
  return { ...g, nodes: nodes.filter((n) => !folded.has(n.name)) };
}

/**
 * What the h-swish and h-sigmoid folds ask of a graph: nodes by name, whether a name is a float32 scalar
 * constant, and whether a node is `op` with `inputs` plain inputs and exactly one consumer (safe to fold away).
 */
function scalarFoldContext(g: GraphArtifacts) {
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const consumers = consumerCounts(g.nodes);
  const scalars = new Set(g.weightSpecs.filter((w) => w.shape.length === 0 && w.dtype === 'float32').map((w) => w.name));
  const scalarConst = (name: string) => byName.get(name)?.op === 'Const' && scalars.has(name);
  const plain = (n: GraphNode | undefined, op: string, inputs: number): n is GraphNode =>
    n != null && n.op === op && (n.input ?? []).length === inputs && n.input!.every(plainInput) && consumers.get(n.name) === 1;
  return { byName, scalarConst, plain };
}

/**
 * Fold each h-swish spelled Mul(Mul(s, x), Relu6(Add(x, t))) (s, t scalar constants; either operand order of
 * each Mul; the inner three used only there) into one HARD_SWISH node (x, s, t) under the outer Mul's name
 * (src/tf/ops/hard-swish.ts).
 */
export function fuseHardSwish(g: GraphArtifacts): GraphArtifacts {
  const { byName, scalarConst, plain } = scalarFoldContext(g);
  const folded = new Set<string>();
  const replaced = new Map<string, GraphNode>();
  for (const out of g.nodes) {
    if (out.op !== 'Mul' || (out.input ?? []).length !== 2 || !out.input!.every(plainInput)) continue;
    const [p, q] = out.input!.map((i) => byName.get(i));
    const [mul, relu6] = p?.op === 'Relu6' ? [q, p] : [p, q];
    if (!plain(mul, 'Mul', 2) || !plain(relu6, 'Relu6', 1)) continue;
    const add = byName.get(relu6.input![0]);
    if (!plain(add, 'Add', 2) && !plain(add, 'AddV2', 2)) continue;
    const [x, t] = add!.input!;
    if (!scalarConst(t)) continue;
    const s = mul.input!.find((i) => i !== x);
    if (s == null || !mul.input!.includes(x) || !scalarConst(s)) continue;
    for (const n of [mul, relu6, add!]) folded.add(n.name);
    replaced.set(out.name, { name: out.name, op: HARD_SWISH, input: [x, s, t], attr: {} });
  }
  if (replaced.size === 0) return g;
  return replaceNodes(g, replaced, folded);
}

/**
 * Fold each h-sigmoid spelled Mul(s, Relu6(Add(x, t))) (s, t scalar constants; either operand order of the Mul;
 * the inner two used only there) into one HARD_SIGMOID node (x, s, t) under the Mul's name (src/tf/ops/hard-swish.ts):
 * squeeze-excite's gate. Run after fuseHardSwish (whose outer Mul reads a Mul, not a constant).
 */
export function fuseHardSigmoid(g: GraphArtifacts): GraphArtifacts {
  const { byName, scalarConst, plain } = scalarFoldContext(g);
  const folded = new Set<string>();
  const replaced = new Map<string, GraphNode>();
  for (const out of g.nodes) {
    if (out.op !== 'Mul' || (out.input ?? []).length !== 2 || !out.input!.every(plainInput)) continue;
    const [p, q] = out.input!;
    const [s, r] = scalarConst(p) ? [p, q] : [q, p];
    const relu6 = byName.get(r);
    if (!scalarConst(s) || !plain(relu6, 'Relu6', 1)) continue;
    const add = byName.get(relu6.input![0]);
    if (!plain(add, 'Add', 2) && !plain(add, 'AddV2', 2)) continue;
    const [x, t] = add!.input!;
    if (!scalarConst(t)) continue;
    for (const n of [relu6, add!]) folded.add(n.name);
    replaced.set(out.name, { name: out.name, op: HARD_SIGMOID, input: [x, s, t], attr: {} });
  }
  if (replaced.size === 0) return g;
  return replaceNodes(g, replaced, folded);
}

/**
 * Rewrite AvgPool whose window equals its stride (a Keras global pool baked for the native size, e.g. selfie's
 * 64×64 at 256 px) into Mean over H,W with keep_dims: identical at the native size, valid at any other.
 */
export function globalAvgPoolToMean(g: GraphArtifacts): GraphArtifacts {
  const nodes: GraphNode[] = [];
  const weightSpecs = [...g.weightSpecs];
  let axesName: string | null = null;
  for (const n of g.nodes) {
    const k = n.attr?.ksize?.list?.i ?? [];
    const s = n.attr?.strides?.list?.i ?? [];
    const global = n.op === 'AvgPool' && k.join() === s.join() && Number(k[1]) > 1 && decode(n.attr?.padding?.s ?? '') === 'VALID';
    if (!global) { nodes.push(n); continue; }
    if (axesName == null) {
      axesName = 'dream_goggles/global_pool_axes';
      nodes.push({ name: axesName, op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: { dim: [{ size: '2' }] } } } } });
      weightSpecs.push({ name: axesName, shape: [2], dtype: 'int32' });
    }
    nodes.push({
      name: n.name, op: 'Mean', input: [(n.input ?? [])[0], axesName],
      attr: { keep_dims: { b: true }, T: { type: 'DT_FLOAT' }, Tidx: { type: 'DT_INT32' } },
    });
  }
  if (axesName == null) return g;
  const data = new Uint8Array(g.weightData.byteLength + 8);
  data.set(new Uint8Array(g.weightData), 0);
  const view = new DataView(data.buffer); // the .bin length need not be a multiple of 4
  view.setInt32(g.weightData.byteLength, 1, true);
  view.setInt32(g.weightData.byteLength + 4, 2, true);
  return { nodes, weightSpecs, weightData: data.buffer };
}
