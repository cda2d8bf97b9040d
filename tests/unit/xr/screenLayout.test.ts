import { describe, it, expect } from 'vitest';
import { screenLayout, screenVertices, screenGrid, DEFAULT_SCREEN_LAYOUT } from '../../../src/xr/screenLayout';

const deg = (r: number) => (r * 180) / Math.PI;

describe('screenLayout', () => {
  it('defaults put a screen at 2–3 m filling 60–70° horizontally', () => {
    const l = screenLayout();
    expect(l.distance).toBeGreaterThanOrEqual(2);
    expect(l.distance).toBeLessThanOrEqual(3);
    expect(l.horizontalFovDeg).toBeGreaterThanOrEqual(60);
    expect(l.horizontalFovDeg).toBeLessThanOrEqual(70);
    expect(l.curvature).toBeGreaterThan(0);
  });

  for (const curvature of [0, 0.3, 0.6, 1]) {
    it(`edges are seen at exactly ±fov/2 from the eye (curvature ${curvature})`, () => {
      const l = screenLayout({ curvature });
      const { positions } = screenVertices(l, 32);
      const xL = positions[0], zL = positions[2];
      const last = (33 * 2 - 1) * 3;
      const xR = positions[last], zR = positions[last + 2];
      expect(deg(Math.atan2(-xL, -zL))).toBeCloseTo(DEFAULT_SCREEN_LAYOUT.horizontalFovDeg / 2, 4); // positions are float32
      expect(deg(Math.atan2(xR, -zR))).toBeCloseTo(DEFAULT_SCREEN_LAYOUT.horizontalFovDeg / 2, 4); // positions are float32
      // centre column at the requested distance
      const mid = 16 * 2 * 3;
      expect(positions[mid + 2]).toBeCloseTo(-l.distance, 9);
      expect(positions[mid]).toBeCloseTo(0, 9);
    });
  }

  it('a fully curved screen keeps every column at the same distance', () => {
    const l = screenLayout({ curvature: 1 });
    const { positions } = screenVertices(l, 16);
    for (let i = 0; i < positions.length; i += 3) expect(Math.hypot(positions[i], positions[i + 2])).toBeCloseTo(l.distance, 5);
  });

  it('height follows the aspect; uvs span [0,1]²; triangles face the eye', () => {
    const l = screenLayout({ aspect: 2 });
    expect(l.height).toBeCloseTo(l.width / 2);
    const { uvs, indices, positions } = screenVertices(l, 8);
    expect(Math.min(...uvs)).toBe(0);
    expect(Math.max(...uvs)).toBe(1);
    // normal of the first triangle points toward the eye (+z side of a panel at −z)
    const p = (i: number) => [positions[i * 3], positions[i * 3 + 1], positions[i * 3 + 2]];
    const [a, b, c] = [p(indices[0]), p(indices[1]), p(indices[2])];
    const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]], v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    const nz = u[0] * v[1] - u[1] * v[0];
    expect(nz).toBeGreaterThan(0);
  });

  it('rejects out-of-range options with exact messages', () => {
    expect(() => screenLayout({ distance: 0.1 })).toThrow('screen distance must be in (0.3, 50) m, got 0.1');
    expect(() => screenLayout({ curvature: 2 })).toThrow('screen curvature must be in [0, 1], got 2');
  });
});

describe('screenGrid (the mesh stereo method\'s tessellated screen)', () => {
  it('lies on the same surface as the strip, with unit normals facing the viewer', () => {
    for (const curvature of [0, 0.6, 1]) {
      const layout = screenLayout({ curvature });
      const g = screenGrid(layout, 8, 4);
      const strip = screenVertices(layout, 8);
      expect(g.positions.length).toBe(9 * 5 * 3);
      expect(g.indices.length).toBe(8 * 4 * 6);
      for (let i = 0; i <= 8; i++) {
        // bottom row of the grid = the strip's bottom vertex of column i
        for (let c = 0; c < 3; c++) expect(g.positions[i * 3 + c]).toBeCloseTo(strip.positions[i * 2 * 3 + c], 5);
        const n = [g.normals[i * 3], g.normals[i * 3 + 1], g.normals[i * 3 + 2]];
        expect(Math.hypot(n[0], n[1], n[2])).toBeCloseTo(1, 6);
        // the normal points from the surface towards the eye's side (eye at the origin, screen at −z)
        const p = [g.positions[i * 3], g.positions[i * 3 + 1], g.positions[i * 3 + 2]];
        expect(-(n[0] * p[0] + n[2] * p[2])).toBeGreaterThan(0);
      }
      expect(g.normals[4 * 3 + 2]).toBeCloseTo(1, 6); // centre column faces +z
    }
  });
});
