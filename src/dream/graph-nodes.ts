// Small helpers shared by the load-time graph rewrites (graph.ts, graph-layout.ts).
import type { GraphArtifacts, GraphNode } from './graph';

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
