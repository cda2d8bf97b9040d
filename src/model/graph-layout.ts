// Load-time layout rewrite for graphs converted from ONNX (NanoDet): they keep activations NCHW and wrap every
// NHWC Conv2D / MaxPool in a Transpose to NHWC before and one back to NCHW after, with the element-wise ops,
// pads and concats in between in NCHW. On wasm that is ~50 Transposes per step forward and back (~10 % of an
// objects step), and it hides each conv's bias and activation from the conv folds (passes.ts's fuseConvAct).
//
// `nhwcIslands` runs those in-between ops on the NHWC tensors instead: each such node N gets an NHWC twin
// `N/nhwc` (pads and concat axes permuted), the Transposes to NHWC that read a twin are bypassed, and N itself
// becomes a Transpose of its twin back to NCHW, so every node keeps its name, layout and value for whoever
// asks for it (a recipe's objective, a node left in NCHW); the graph executor runs only what the requested
// outputs need.
import type { GraphArtifacts, GraphNode } from './graph';
import { int32Consts, plainInput, producer } from './graph-nodes';

const TO_NCHW = [0, 3, 1, 2], TO_NHWC = [0, 2, 3, 1];
/** NCHW axis → NHWC axis. */
const AXIS = [0, 3, 1, 2];
const UNARY = new Set(['LeakyRelu', 'Relu', 'Relu6', 'Sigmoid', 'Tanh', 'Elu']);
const BINARY = new Set(['Add', 'AddV2', 'Mul', 'Sub']);
const PADS = new Set(['Pad', 'PadV2', 'MirrorPad']);

const same = (a: readonly number[] | null, b: readonly number[]) => a != null && a.length === b.length && a.every((v, i) => v === b[i]);

/** The name of node N's NHWC twin. */
export const nhwcTwinName = (name: string): string => `${name}/nhwc`;

/**
 * N → N's twin for every node the rewrite turned into a Transpose of its twin: a caller that wants N in NHWC (a
 * recipe's objective: DreamModel.activations returns NHWC) can ask for the twin and skip a Transpose there and
 * back, forward and in the gradient.
 */
export function nhwcTwins(nodes: readonly GraphNode[]): Map<string, string> {
  const names = new Set(nodes.map((n) => n.name));
  const out = new Map<string, string>();
  for (const n of nodes) if (n.op === 'Transpose' && n.input?.[0] === nhwcTwinName(n.name) && names.has(n.input[0])) out.set(n.name, n.input[0]);
  return out;
}

/**
 * Rewrite the NCHW stretches between NHWC ops into NHWC (see above). Returns the graph unchanged where there is
 * nothing to do; new int32 constants (permuted pads, concat axes) are appended to the weights.
 * `feeds`: NCHW Placeholders (the model's feed) to give an NHWC twin Placeholder `P/nhwc`, so the ops after the
 * feed run on the image as the caller has it (DreamModel feeds the twin where it exists and skips its own
 * Transpose); only kept when nothing reads the NCHW one any more.
 */
export function nhwcIslands(g: GraphArtifacts, feeds: readonly string[] = []): GraphArtifacts {
  if (feeds.length > 0) {
    const withFeeds = islands(g, feeds);
    const stillRead = new Set(withFeeds.nodes.flatMap((n) => (n.input ?? []).map(producer)));
    if (!feeds.some((f) => stillRead.has(f))) return withFeeds;
  }
  return islands(g, []);
}

function islands(g: GraphArtifacts, feeds: readonly string[]): GraphArtifacts {
  const ints = int32Consts(g);
  const perm = (n: GraphNode): number[] | null => (n.op === 'Transpose' && (n.input ?? []).length === 2 && n.input!.every(plainInput) ? ints(n.input![1]) : null);

  // nhwc: a logically NCHW tensor → the name of the same values in NHWC.
  const nhwc = new Map<string, string>();
  let toNchwPerm: string | null = null;
  for (const n of g.nodes) {
    if (!same(perm(n), TO_NCHW)) continue;
    nhwc.set(n.name, n.input![0]);
    toNchwPerm ??= n.input![1];
  }
  if (toNchwPerm == null) return g;
  const feedTwins = new Map<string, GraphNode>(); // P → P/nhwc, an NHWC Placeholder
  for (const f of feeds) {
    const p = g.nodes.find((n) => n.name === f);
    const dims = p?.attr?.shape?.shape?.dim;
    if (p?.op !== 'Placeholder' || dims?.length !== 4) continue;
    feedTwins.set(f, { ...p, name: nhwcTwinName(f), attr: { ...p.attr, shape: { shape: { dim: TO_NHWC.map((d) => dims[d]) } } } });
    nhwc.set(f, nhwcTwinName(f));
  }

  const added: { name: string; values: number[]; shape: number[] }[] = [];
  const constant = (name: string, values: number[], shape: number[]) => { added.push({ name, values, shape }); return name; };
  const twins = new Map<string, GraphNode>(); // N → N/nhwc
  for (let changed = true; changed;) {
    changed = false;
    for (const n of g.nodes) {
      if (nhwc.has(n.name) || twins.has(n.name)) continue;
      const ins = n.input ?? [];
      if (!ins.every(plainInput)) continue;
      const twinName = nhwcTwinName(n.name);
      let twin: GraphNode | null = null;
      if (UNARY.has(n.op) && ins.length === 1 && nhwc.has(ins[0])) {
        twin = { ...n, name: twinName, input: [nhwc.get(ins[0])!] };
      } else if (BINARY.has(n.op) && ins.length === 2 && ins.every((i) => nhwc.has(i))) {
        twin = { ...n, name: twinName, input: ins.map((i) => nhwc.get(i)!) };
      } else if (PADS.has(n.op) && ins.length >= 2 && nhwc.has(ins[0])) {
        const p = ints(ins[1]);
        if (p == null || p.length !== 8) continue;
        const q = [0, 2, 3, 1].flatMap((d) => [p[2 * d], p[2 * d + 1]]);
        twin = { ...n, name: twinName, input: [nhwc.get(ins[0])!, constant(`${twinName}/paddings`, q, [4, 2]), ...ins.slice(2)] };
      } else if (n.op === 'ConcatV2' && ins.length >= 3 && ins.slice(0, -1).every((i) => nhwc.has(i))) {
        const a = ints(ins[ins.length - 1]);
        if (a == null || a.length !== 1) continue;
        const axis = AXIS[(a[0] + 4) % 4];
        twin = { ...n, name: twinName, input: [...ins.slice(0, -1).map((i) => nhwc.get(i)!), constant(`${twinName}/axis`, [axis], [])] };
      }
      if (twin == null) continue;
      twins.set(n.name, twin);
      nhwc.set(n.name, twinName);
      changed = true;
    }
  }
  if (twins.size === 0) return g;

  // Transposes to NHWC of a tensor we have in NHWC: their readers read it directly.
  const bypass = new Map<string, string>();
  for (const n of g.nodes) if (same(perm(n), TO_NHWC) && nhwc.has(n.input![0])) bypass.set(n.name, nhwc.get(n.input![0])!);
  const rewire = (n: GraphNode): GraphNode => (n.input?.some((i) => bypass.has(i)) ? { ...n, input: n.input.map((i) => bypass.get(i) ?? i) } : n);

  let nodes: GraphNode[] = g.nodes.flatMap((n) => {
    if (feedTwins.has(n.name)) return [n, feedTwins.get(n.name)!];
    const twin = twins.get(n.name);
    if (twin) return [rewire(twin), { name: n.name, op: 'Transpose', input: [twin.name, toNchwPerm!], attr: { T: { type: 'DT_FLOAT' }, Tperm: { type: 'DT_INT32' } } }];
    if (bypass.has(n.name)) return [{ name: n.name, op: 'Identity', input: [bypass.get(n.name)!], attr: { T: { type: 'DT_FLOAT' } } }];
    return [rewire(n)];
  });
  // Transposes to NCHW (the original exits) and bypassed ones nobody reads any more: dropped, so the conv folds
  // see a conv's bias and activation as its only readers.
  const read = new Set(nodes.flatMap((n) => (n.input ?? []).map(producer)));
  const original = new Set(g.nodes.filter((n) => same(perm(n), TO_NCHW)).map((n) => n.name));
  nodes = nodes.filter((n) => read.has(n.name) || !(original.has(n.name) || bypass.has(n.name)));

  const data = new Uint8Array(g.weightData.byteLength + 4 * added.reduce((s, c) => s + c.values.length, 0));
  data.set(new Uint8Array(g.weightData), 0);
  const view = new DataView(data.buffer);
  let at = g.weightData.byteLength;
  for (const c of added) for (const v of c.values) { view.setInt32(at, v, true); at += 4; }
  return {
    nodes: [...added.map((c): GraphNode => ({ name: c.name, op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: { dim: c.shape.map((d) => ({ size: String(d) })) } } } } })), ...nodes],
    weightSpecs: [...g.weightSpecs, ...added.map((c) => ({ name: c.name, shape: c.shape, dtype: 'int32' }))],
    weightData: data.buffer,
  };
}
