import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Plane, Sphere } from '../../../training/depth/gen/geometry.ts';
import { makeCamera, randomScene, type Scene } from '../../../training/depth/gen/scene.ts';
import { render } from '../../../training/depth/gen/render.ts';
import { toHalf, fromHalf, writeShard, readShard } from '../../../training/depth/gen/shards.ts';
import { mixSeed } from '../../../training/depth/gen/rng.ts';

const material = { kind: 'solid' as const, a: [0.5, 0.5, 0.5] as [number, number, number], b: [0, 0, 0] as [number, number, number], scale: 1, phase: 0, spec: 0, shininess: 1 };

function sceneOf(prims: Scene['prims'], fovY: number): Scene {
  return {
    type: 'test', camera: makeCamera([0, 0, 0], 0, 0, 0, fovY), prims, materials: [material],
    light: { kind: 'dir', dir: [0, 1, 0] }, ambient: 0.5, shadows: false, flat: true,
    skyTop: [0, 0, 1], skyBottom: [1, 1, 1], skyMaterial: null, fogColor: [1, 1, 1], fogDensity: 0,
  };
}

describe('depth data generator', () => {
  const W = 32, H = 24, fov = (60 * Math.PI) / 180, t = Math.tan(fov / 2);
  const screen = (x: number, y: number): [number, number] => [((x + 0.5) / W * 2 - 1) * t * (W / H), (1 - (y + 0.5) / H * 2) * t];

  it('renders the exact disparity of a ground plane (sky above the horizon)', () => {
    // camera at the origin looking down +z; ground y = -1.5. A ray (sx, sy, 1) meets it at z = -1.5/sy.
    const img = render(sceneOf([new Plane([0, 1, 0], -1.5)], fov), W, H, 1);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const [, sy] = screen(x, y);
      const expected = sy < 0 ? -sy / 1.5 : 0;
      expect(img.disparity[y * W + x]).toBeCloseTo(expected, 6);
    }
  });

  it('renders the exact disparity of a sphere in front of a wall', () => {
    const c = [0.4, -0.2, 5], r = 1.2;
    const img = render(sceneOf([new Sphere(c as [number, number, number], r), new Plane([0, 0, 1], 9)], fov), W, H, 1);
    let onSphere = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const [sx, sy] = screen(x, y);
      const l = Math.hypot(sx, sy, 1), d = [sx / l, sy / l, 1 / l];
      const b = d[0] * c[0] + d[1] * c[1] + d[2] * c[2];
      const disc = b * b - (c[0] ** 2 + c[1] ** 2 + c[2] ** 2 - r * r);
      let z = 9; // wall
      if (disc >= 0) { z = (b - Math.sqrt(disc)) * d[2]; onSphere++; }
      expect(Math.abs(img.disparity[y * W + x] - 1 / z) / (1 / z)).toBeLessThan(1e-6);
    }
    expect(onSphere).toBeGreaterThan(20);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = render(randomScene(mixSeed(5, 3), { bank: [], dreamShare: 0.5 }), 24, 24, 1);
    const b = render(randomScene(mixSeed(5, 3), { bank: [], dreamShare: 0.5 }), 24, 24, 1);
    const c = render(randomScene(mixSeed(5, 4), { bank: [], dreamShare: 0.5 }), 24, 24, 1);
    expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true);
    expect(Array.from(a.disparity)).toEqual(Array.from(b.disparity));
    expect(Buffer.from(a.rgb).equals(Buffer.from(c.rgb))).toBe(false);
  });

  it('stores disparity as float16 and reads shards back', () => {
    for (const v of [0, 1, 0.2, 1e-3, 3.14159, 65504, 6e-8]) expect(Math.abs(fromHalf(toHalf(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 6e-8);
    const items = [0, 1].map((i) => render(randomScene(i + 11, { bank: [], dreamShare: 0 }), 16, 16, 1));
    const path = join(mkdtempSync(join(tmpdir(), 'dgd-')), 'x.dgd');
    writeShard(path, items);
    const back = readShard(path);
    expect(back).toHaveLength(2);
    expect(Buffer.from(back[1].rgb).equals(Buffer.from(items[1].rgb))).toBe(true);
    back[1].disparity.forEach((v, i) => expect(Math.abs(v - items[1].disparity[i])).toBeLessThanOrEqual(items[1].disparity[i] * 2 ** -11 + 1e-7));
  });
});

describe('scene type weights', () => {
  it('draws only the requested types, and the default mix is unchanged', () => {
    const types = new Set<string>();
    for (let i = 0; i < 40; i++) types.add(randomScene(mixSeed(7, i), { bank: [], dreamShare: 0, types: { surface: 3, closeup: 1 } }).type);
    expect([...types].sort()).toEqual(['closeup', 'surface']);
    const all = new Set<string>();
    for (let i = 0; i < 200; i++) all.add(randomScene(mixSeed(7, i), { bank: [], dreamShare: 0 }).type);
    expect(all.size).toBe(7);
    // leaving `types` out and passing the default table give the same scene
    expect(randomScene(mixSeed(3, 11), { bank: [], dreamShare: 0.5 })).toEqual(randomScene(mixSeed(3, 11), { bank: [], dreamShare: 0.5, types: { outdoor: 30, corridor: 15, room: 10, tunnel: 10, surface: 10, clutter: 18, closeup: 7 } }));
  });
});
