// Small helpers shared by the load-time graph passes (passes.ts, graph-layout.ts).
import { expectedWeightBytes, type GraphArtifacts, type GraphNode } from './graph';

/** A node input's producer name ('^ctrl' and 'node:1' both name their node). */
export const producer = (input: string): string => input.replace(/^\^/, '').replace(/:\d+$/, '');

/** An input that is a node's first output and not a control edge ('^ctrl', 'node:1' are not). */
export const plainInput = (input: string): boolean => !/[:^]/.test(input);

/** How many inputs of other nodes read each node. */
export function consumerCounts(nodes: readonly GraphNode[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of nodes) for (const i of n.input ?? []) counts.set(producer(i), (counts.get(producer(i)) ?? 0) + 1);
  return counts;
}

/** The graph with each node in `replaced` swapped for its fold and the nodes in `folded` (the fold's inner ones) dropped. */
export function replaceNodes(g: GraphArtifacts, replaced: ReadonlyMap<string, GraphNode>, folded: ReadonlySet<string>): GraphArtifacts {
  return { ...g, nodes: g.nodes.flatMap((n) => (replaced.has(n.name) ? [replaced.get(n.name)!] : folded.has(n.name) ? [] : [n])) };
}

/** Byte offset of each weight in the concatenated weight data, or null where a size is unknown. */
function weightOffsets(g: GraphArtifacts): Map<string, { offset: number; shape: number[]; dtype: string; quantized: boolean }> | null {
  const out = new Map<string, { offset: number; shape: number[]; dtype: string; quantized: boolean }>();
  let offset = 0;
  for (const w of g.weightSpecs) {
    out.set(w.name, { offset, shape: w.shape, dtype: w.dtype, quantized: w.quantization != null });
    const bytes = expectedWeightBytes([w]);
    if (bytes == null) return null;
    offset += bytes;
  }
  return out;
}

/**
 * A reader of the graph's int32 constants (pads, axes, permutations): a Const node's values from the weight data,
 * or null when the name is not an unquantized int32 Const held there (or the weight sizes cannot be told).
 */
export function int32Consts(g: GraphArtifacts): (name: string) => number[] | null {
  const offsets = weightOffsets(g);
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  return (name) => {
    const w = offsets?.get(name);
    if (byName.get(name)?.op !== 'Const' || w == null || w.dtype !== 'int32' || w.quantized) return null;
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (w.offset + 4 * n > g.weightData.byteLength) return null;
    const view = new DataView(g.weightData, w.offset, 4 * n); // offsets need not be 4-aligned
    return Array.from({ length: n }, (_, i) => view.getInt32(4 * i, true));
  };
}
