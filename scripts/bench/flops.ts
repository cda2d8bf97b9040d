// FLOP counter over a TF graph-model's nodes, for the bench's "achieved GFLOP/s ÷ matmul GFLOP/s" (B2).
//
// Rule (documented in bench/README.md):
// - Only the multiply-accumulate ops are counted, 2 FLOPs per MAC (one multiply, one add), from the shapes
//   the nodes have at the given input size:
//     Conv2D                 2 · numel(out) · kh · kw · cin            filter [kh,kw,cin,cout]
//     DepthwiseConv2dNative  2 · numel(out) · kh · kw                  filter [kh,kw,cin,mult]
//     Conv2DBackpropInput    2 · numel(dy)  · kh · kw · filter[2]     (a transposed conv used as a forward op)
//     MatMul / BatchMatMul*  2 · numel(out) · K                       K = inner dim of a (after transpose_a/adj_x)
//     DreamFusedConv2D / DreamFusedDepthwiseConv2D (the engine's conv + bias + activation, src/tf/ops/fused-conv.ts):
//                            as Conv2D / DepthwiseConv2dNative (the bias and activation are not counted)
//   Element-wise ops (BiasAdd, Relu, Add, …), pooling and resizes are not counted: they are memory-bound and
//   together well under 5 % of the MACs of these backbones. The op names are returned so this is visible.
// - Only the nodes the objective needs are counted: the ancestors of the requested output nodes.
// - Backward: tf.grad with respect to the image only computes input gradients (the tape is pruned to the
//   path from x, so no filter gradients). The input gradient of a conv/matmul is a transposed conv/matmul
//   with the same MAC count, so backward = 1 × forward and a step = forward + backward = 2 × forward.
//   `BACKWARD_FACTOR` holds that 1; change it in one place if the rule changes.
import type { GraphNode } from '../../src/model';
import { FUSED_CONV, FUSED_DEPTHWISE } from '../../src/tf/ops/names';

export const BACKWARD_FACTOR = 1;

export type ShapeOf = (name: string) => readonly number[] | undefined;

export interface FlopCount {
  forward: number;
  /** forward · (1 + BACKWARD_FACTOR): one ascent step's differentiable work. */
  step: number;
  byOp: Record<string, number>;
  /** Counted ops whose shapes were missing (then counted as 0). */
  unknown: string[];
}

export const COUNTED_OPS = ['Conv2D', 'DepthwiseConv2dNative', 'Conv2DBackpropInput', 'MatMul', 'BatchMatMul', 'BatchMatMulV2', FUSED_CONV, FUSED_DEPTHWISE] as const;

/** Strip TF's output index and control marker: "^a", "a:1" → "a". */
export const inputName = (s: string) => s.replace(/^\^/, '').replace(/:\d+$/, '');

/** Names of `outputs` and every node they depend on. */
export function ancestors(nodes: readonly GraphNode[], outputs: readonly string[]): Set<string> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const seen = new Set<string>();
  const stack = [...outputs];
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const i of byName.get(name)?.input ?? []) if (!i.startsWith('^')) stack.push(inputName(i));
  }
  return seen;
}

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** FLOPs of one counted node, or null if a shape is missing; 0 for ops that are not counted. */
export function nodeFlops(n: GraphNode, shapeOf: ShapeOf): number | null {
  const ins = (n.input ?? []).filter((i) => !i.startsWith('^')).map(inputName);
  switch (n.op) {
    case FUSED_CONV:
    case 'Conv2D': {
      const out = shapeOf(n.name), f = shapeOf(ins[1]);
      return out && f ? 2 * numel(out) * f[0] * f[1] * f[2] : null;
    }
    case FUSED_DEPTHWISE:
    case 'DepthwiseConv2dNative': {
      const out = shapeOf(n.name), f = shapeOf(ins[1]);
      return out && f ? 2 * numel(out) * f[0] * f[1] : null;
    }
    case 'Conv2DBackpropInput': {
      const dy = shapeOf(ins[2]), f = shapeOf(ins[1]);
      return dy && f ? 2 * numel(dy) * f[0] * f[1] * f[2] : null;
    }
    case 'MatMul':
    case 'BatchMatMul':
    case 'BatchMatMulV2': {
      const out = shapeOf(n.name), a = shapeOf(ins[0]);
      if (!out || !a) return null;
      const ta = n.attr?.transpose_a?.b || n.attr?.adj_x?.b;
      const k = ta ? a[a.length - 2] : a[a.length - 1];
      return 2 * numel(out) * k;
    }
    default:
      return 0;
  }
}

/** Count the forward FLOPs of the subgraph feeding `outputs` (all nodes if `outputs` is empty). */
export function countFlops(nodes: readonly GraphNode[], shapeOf: ShapeOf, outputs: readonly string[] = []): FlopCount {
  const keep = outputs.length ? ancestors(nodes, outputs) : new Set(nodes.map((n) => n.name));
  const byOp: Record<string, number> = {};
  const unknown: string[] = [];
  let forward = 0;
  for (const n of nodes) {
    if (!keep.has(n.name) || !(COUNTED_OPS as readonly string[]).includes(n.op)) continue;
    const f = nodeFlops(n, shapeOf);
    if (f == null) { unknown.push(n.name); continue; }
    byOp[n.op] = (byOp[n.op] ?? 0) + f;
    forward += f;
  }
  return { forward, step: forward * (1 + BACKWARD_FACTOR), byOp, unknown };
}

/** The nodes whose shapes `countFlops` needs (counted nodes and their inputs), for one shape-probing run. */
export function shapeNodes(nodes: readonly GraphNode[], outputs: readonly string[] = []): string[] {
  const keep = outputs.length ? ancestors(nodes, outputs) : new Set(nodes.map((n) => n.name));
  const want = new Set<string>();
  for (const n of nodes) {
    if (!keep.has(n.name) || !(COUNTED_OPS as readonly string[]).includes(n.op)) continue;
    want.add(n.name);
    for (const i of n.input ?? []) if (!i.startsWith('^')) want.add(inputName(i));
  }
  return [...want];
}
