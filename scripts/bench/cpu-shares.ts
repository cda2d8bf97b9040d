// Where a dream step's CPU time goes, by layer of the stack: the profile that explains a B2 miss.
//
// Input: a V8 CPU profile (node:inspector's Profiler.stop, or `node --cpu-prof`) taken around nothing but ascent
// steps. Each sample's self time is put in one bucket by the frame's script:
//   kernels      WebAssembly: XNNPACK's convs and TF.js's other wasm kernels, element-wise ones included
//   tfjs         TF.js's JavaScript: engine bookkeeping, ops, the tape and backprop (@tensorflow/tfjs-core, tfjs)
//   graph        the graph-model executor (@tensorflow/tfjs-converter)
//   backend      tfjs-backend-wasm's JavaScript side (argument marshalling, kernel set-up)
//   ours         this repo's JavaScript (src/: heap kernels, gradients, transforms, the step)
//   gc           the garbage collector
//   other        everything else (V8 internals, Node, idle)
// The shares sum to 1. Pure: no I/O, so a unit test can feed it a hand-made profile.

export type CpuBucket = 'kernels' | 'tfjs' | 'graph' | 'backend' | 'ours' | 'gc' | 'other';
export const CPU_BUCKETS: readonly CpuBucket[] = ['kernels', 'tfjs', 'graph', 'backend', 'ours', 'gc', 'other'];

export interface CpuProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
export interface CpuProfile { nodes: CpuProfileNode[]; samples: number[]; timeDeltas: number[] }

/** The bucket of one frame (see the header). */
export function cpuBucket(functionName: string, url: string): CpuBucket {
  if (url.startsWith('wasm://') || /^(wasm-function\[|js-to-wasm|wasm-to-js)/.test(functionName)) return 'kernels';
  if (functionName === '(garbage collector)') return 'gc';
  if (/tfjs-converter|tf-converter/.test(url)) return 'graph';
  if (/tfjs-backend-wasm|tf-backend-wasm/.test(url)) return 'backend';
  if (/tfjs-core|tf-core|@tensorflow\/tfjs\/|\/tf\.(node|es2017|fesm)[^/]*\.js/.test(url)) return 'tfjs';
  if (/\/src\//.test(url) && !url.includes('/node_modules/')) return 'ours';
  return 'other';
}

/** Shares of the profile's sampled time per bucket, and the total in ms. */
export function cpuShares(p: CpuProfile): { totalMs: number; shares: Record<CpuBucket, number> } {
  const byNode = new Map(p.nodes.map((n) => [n.id, n]));
  const us = Object.fromEntries(CPU_BUCKETS.map((b) => [b, 0])) as Record<CpuBucket, number>;
  let total = 0;
  const n = Math.min(p.samples.length, p.timeDeltas.length);
  for (let i = 0; i < n; i++) {
    const node = byNode.get(p.samples[i]);
    const dt = Math.max(0, p.timeDeltas[i]);
    if (!node) continue;
    us[cpuBucket(node.callFrame.functionName, node.callFrame.url)] += dt;
    total += dt;
  }
  const shares = Object.fromEntries(CPU_BUCKETS.map((b) => [b, total > 0 ? us[b] / total : 0])) as Record<CpuBucket, number>;
  return { totalMs: total / 1000, shares };
}
