import { describe, it, expect } from 'vitest';
import { cpuBucket, cpuShares, CPU_BUCKETS, type CpuProfile } from '../../../scripts/bench/cpu-shares';

const NM = 'file:///repo/node_modules/@tensorflow';

describe('cpuBucket', () => {
  it('puts each frame of a dream step in its layer of the stack', () => {
    expect(cpuBucket('wasm-function[400]', 'wasm://wasm/0019ea4a')).toBe('kernels');
    expect(cpuBucket('js-to-wasm:iiiii:', '')).toBe('kernels');
    expect(cpuBucket('getKernel', `${NM}/tfjs-core/dist/tf-core.node.js`)).toBe('tfjs');
    expect(cpuBucket('mul_', `${NM}/tfjs/dist/tf.node.js`)).toBe('tfjs');
    expect(cpuBucket('executeOp', `${NM}/tfjs-converter/dist/tf-converter.node.js`)).toBe('graph');
    expect(cpuBucket('kernelFunc', `${NM}/tfjs-backend-wasm/dist/tf-backend-wasm.node.js`)).toBe('backend');
    expect(cpuBucket('transformOnHeap', 'file:///repo/src/tf/accel/heap/kernels.ts')).toBe('ours');
    expect(cpuBucket('(garbage collector)', '')).toBe('gc');
    expect(cpuBucket('(idle)', '')).toBe('other');
    expect(cpuBucket('x', 'file:///repo/node_modules/some/src/a.js')).toBe('other'); // a package's src/ is not ours
  });
});

describe('cpuShares', () => {
  it('sums each sample\'s self time per bucket (hand-made profile), shares adding to 1', () => {
    // root → wasm kernel (3 samples of 100 µs), engine (1 × 200 µs), our kernel (2 × 50 µs), GC (1 × 100 µs)
    const p: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '' }, children: [2, 3, 4, 5] },
        { id: 2, callFrame: { functionName: 'wasm-function[400]', url: 'wasm://wasm/0019ea4a' } },
        { id: 3, callFrame: { functionName: 'runKernel', url: `${NM}/tfjs-core/dist/tf-core.node.js` } },
        { id: 4, callFrame: { functionName: 'rollOnHeap', url: 'file:///repo/src/tf/accel/heap/kernels.ts' } },
        { id: 5, callFrame: { functionName: '(garbage collector)', url: '' } },
      ],
      samples: [2, 3, 2, 4, 2, 4, 5, 99],
      timeDeltas: [100, 200, 100, 50, 100, 50, 100, 1000], // the last sample's node is unknown: not counted
    };
    const { totalMs, shares } = cpuShares(p);
    expect(totalMs).toBeCloseTo(0.7, 12);
    expect(shares.kernels).toBeCloseTo(3 / 7, 12);
    expect(shares.tfjs).toBeCloseTo(2 / 7, 12);
    expect(shares.ours).toBeCloseTo(1 / 7, 12);
    expect(shares.gc).toBeCloseTo(1 / 7, 12);
    expect(shares.graph + shares.backend + shares.other).toBe(0);
    expect(CPU_BUCKETS.reduce((k, b) => k + shares[b], 0)).toBeCloseTo(1, 12);
    expect(cpuShares({ nodes: [], samples: [], timeDeltas: [] }).shares.kernels).toBe(0);
  });
});
