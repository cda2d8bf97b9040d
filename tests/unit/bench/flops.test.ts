import { describe, it, expect } from 'vitest';
import type { GraphNode } from '../../../src/model';
import { ancestors, countFlops, shapeNodes, BACKWARD_FACTOR } from '../../../scripts/bench/flops';
import { FUSED_CONV, FUSED_DEPTHWISE } from '../../../src/tf/ops/names';

// A hand-made graph: x [1,8,8,3] → conv 3×3 (4 ch) → relu → depthwise 3×3 stride 2 → reshape → matmul (10),
// plus a side branch (1×1 conv, 100 ch) that the output does not need.
const nodes: GraphNode[] = [
  { name: 'x', op: 'Placeholder' },
  { name: 'w1', op: 'Const' },
  { name: 'conv', op: 'Conv2D', input: ['x', 'w1'] },
  { name: 'relu', op: 'Relu', input: ['conv'] },
  { name: 'w2', op: 'Const' },
  { name: 'dw', op: 'DepthwiseConv2dNative', input: ['relu', 'w2', '^x'] },
  { name: 'shape', op: 'Const' },
  { name: 'flat', op: 'Reshape', input: ['dw', 'shape'] },
  { name: 'w3', op: 'Const' },
  { name: 'mm', op: 'MatMul', input: ['flat:0', 'w3'] },
  { name: 'w4', op: 'Const' },
  { name: 'side', op: 'Conv2D', input: ['x', 'w4'] },
];
const shapes: Record<string, number[]> = {
  x: [1, 8, 8, 3], w1: [3, 3, 3, 4], conv: [1, 8, 8, 4], relu: [1, 8, 8, 4], w2: [3, 3, 4, 1], dw: [1, 4, 4, 4],
  flat: [1, 64], w3: [64, 10], mm: [1, 10], w4: [1, 1, 3, 100], side: [1, 8, 8, 100],
};
const shapeOf = (n: string) => shapes[n];

// By hand, 2 FLOPs per multiply-accumulate:
const CONV = 2 * (8 * 8 * 4) * (3 * 3 * 3); // 13 824: every output element sums 3·3·3 products
const DW = 2 * (4 * 4 * 4) * (3 * 3); // 1 152: every output element sums 3·3 products of its own channel
const MM = 2 * 10 * 64; // 1 280
const SIDE = 2 * (8 * 8 * 100) * 3; // 38 400

describe('FLOP counter', () => {
  it('counts the subgraph the output needs, 2 FLOPs per MAC', () => {
    const c = countFlops(nodes, shapeOf, ['mm']);
    expect(c.byOp).toEqual({ Conv2D: CONV, DepthwiseConv2dNative: DW, MatMul: MM });
    expect(c.forward).toBe(16_256);
    expect(c.step).toBe(c.forward * (1 + BACKWARD_FACTOR));
    expect(c.step).toBe(32_512); // forward + input-gradient backward of the same MAC count
    expect(c.unknown).toEqual([]);
  });

  it('counts every node without outputs, and stops at intermediate outputs', () => {
    expect(countFlops(nodes, shapeOf).forward).toBe(CONV + DW + MM + SIDE);
    expect(countFlops(nodes, shapeOf, ['relu']).forward).toBe(CONV);
  });

  it('honours transpose_a and reports nodes with missing shapes', () => {
    const t: GraphNode[] = [{ name: 'a', op: 'Const' }, { name: 'b', op: 'Const' }, { name: 'm', op: 'MatMul', input: ['a', 'b'], attr: { transpose_a: { b: true } } }];
    const s: Record<string, number[]> = { a: [7, 2], b: [7, 5], m: [2, 5] };
    expect(countFlops(t, (n) => s[n]).forward).toBe(2 * 2 * 5 * 7);
    const c = countFlops(t, (n) => (n === 'm' ? undefined : s[n]));
    expect(c).toMatchObject({ forward: 0, unknown: ['m'] });
  });

  it('counts the engine\'s fused conv ops (conv + bias + activation) as their convs', () => {
    const fused = nodes.map((n) => (n.name === 'conv' ? { ...n, op: FUSED_CONV, input: ['x', 'w1', 'b1'] } : n.name === 'dw' ? { ...n, op: FUSED_DEPTHWISE, input: ['relu', 'w2', 'b2'] } : n));
    const c = countFlops(fused, shapeOf, ['mm']);
    expect(c.byOp).toEqual({ [FUSED_CONV]: CONV, [FUSED_DEPTHWISE]: DW, MatMul: MM });
    expect(c.forward).toBe(16_256);
  });

  it('lists the ancestors and the shapes it needs', () => {
    expect([...ancestors(nodes, ['dw'])].sort()).toEqual(['conv', 'dw', 'relu', 'w1', 'w2', 'x']);
    expect(shapeNodes(nodes, ['mm']).sort()).toEqual(['conv', 'dw', 'flat', 'mm', 'relu', 'w1', 'w2', 'w3', 'x']);
  });
});
