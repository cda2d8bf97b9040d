// Issue 28's additions to the depth data generator: terrain, the new scene types, photo textures, camera and
// lighting variety — and that none of them changes the scenes of the seeds rendered before them.
import { describe, it, expect } from 'vitest';
import { Heightfield } from '../../../training/depth/gen/geometry.ts';
import { randomScene, SCENE_TYPES_V2, type SceneType } from '../../../training/depth/gen/scene.ts';
import { render } from '../../../training/depth/gen/render.ts';
import { mixSeed } from '../../../training/depth/gen/rng.ts';

const photo = { photos: [{ width: 2, height: 2, data: new Float32Array([0, 0, 0, 1, 1, 1, 0.5, 0.2, 0.1, 0.9, 0.8, 0.7]) }], share: 0.5 };

describe('depth data generator, issue 28', () => {
  it('hits the terrain on its surface, from above and at grazing angles', () => {
    const hf = new Heightfield(8, 0.05, 4, 1234);
    let hits = 0;
    for (let k = 0; k < 200; k++) {
      const yaw = k * 0.7, down = 0.02 + (k % 20) * 0.03;
      const d = [Math.cos(yaw), -down, Math.sin(yaw)], l = Math.hypot(d[0], d[1], d[2]);
      const oy = hf.height(0, 0) + 1.5;
      const t = hf.intersect(0, oy, 0, d[0] / l, d[1] / l, d[2] / l, 1e-6);
      if (t === Infinity) continue;
      hits++;
      const x = (t * d[0]) / l, y = oy + (t * d[1]) / l, z = (t * d[2]) / l;
      expect(Math.abs(y - hf.height(x, z))).toBeLessThan(1e-3);
      // nothing nearer: the ray stays above the terrain before the hit
      for (let s = 0.05; s < 1; s += 0.05) expect(oy + (s * t * d[1]) / l).toBeGreaterThan(hf.height((s * t * d[0]) / l, (s * t * d[2]) / l) - 1e-3);
    }
    expect(hits).toBeGreaterThan(150);
  });

  it('keeps the scenes of the first seven types when the new options are off', () => {
    for (let i = 0; i < 6; i++) {
      const seed = mixSeed(9001, i);
      const a = render(randomScene(seed, { bank: [], dreamShare: 0.5 }), 16, 16, 1);
      const b = render(randomScene(seed, { bank: [], dreamShare: 0.5, variety: false }), 16, 16, 1);
      expect(Array.from(a.disparity)).toEqual(Array.from(b.disparity));
      expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true);
    }
  });

  it('varies lighting and field of view without moving the geometry', () => {
    let changed = 0;
    for (let i = 0; i < 8; i++) {
      const seed = mixSeed(21, i);
      const plain = randomScene(seed, { bank: [], dreamShare: 0.5, types: SCENE_TYPES_V2 });
      const varied = randomScene(seed, { bank: [], dreamShare: 0.5, types: SCENE_TYPES_V2, variety: true });
      expect(varied.type).toBe(plain.type);
      expect(varied.camera.pos).toEqual(plain.camera.pos);
      expect(varied.prims.length).toBe(plain.prims.length);
      if (varied.camera.fovY !== plain.camera.fovY || varied.light !== plain.light) changed++;
    }
    expect(changed).toBeGreaterThan(2);
  });

  it.each(Object.keys(SCENE_TYPES_V2).filter((t) => !['outdoor', 'corridor', 'room', 'tunnel', 'surface', 'clutter', 'closeup'].includes(t)))(
    'renders %s scenes with surfaces in view and finite disparity', (type) => {
      for (let i = 0; i < 3; i++) {
        const s = randomScene(mixSeed(77, i), { bank: [], dreamShare: 0.5, types: { [type as SceneType]: 1 }, photo, variety: true });
        expect(s.type).toBe(type);
        const img = render(s, 24, 24, 1);
        const surface = img.disparity.filter((d) => d >= 0.01).length;
        expect(surface).toBeGreaterThan(24 * 24 * 0.2);
        expect(img.disparity.every((d) => Number.isFinite(d) && d >= 0)).toBe(true);
      }
    });

  it('puts the dream-textured figures nearer than their backdrop', () => {
    const bank = [{ width: 2, height: 2, data: new Float32Array(12).fill(0.5) }];
    for (let i = 0; i < 5; i++) {
      const s = randomScene(mixSeed(78, i), { bank, dreamShare: 0.5, types: { figures: 1 } });
      expect(s.materials.every((m) => m.kind === 'dream')).toBe(true);
    }
  });
});
