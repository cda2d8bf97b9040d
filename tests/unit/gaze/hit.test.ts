import { describe, it, expect } from 'vitest';
import { rayHitScreen, screenPoint, type ScreenUV } from '../../../src/gaze/hit';
import { screenLayout, screenVertices } from '../../../src/xr/screenLayout';

const v3 = (x: number, y: number, z: number) => ({ x, y, z });

// Every vertex of the panel mesh, seen from several eye positions, must come back as its own uv
// (image convention: v top→bottom = 1 − mesh v). Vertices lie exactly on the plane / cylinder.
function checkVertices(curvature: number, origins: { x: number; y: number; z: number }[]) {
  const layout = screenLayout({ curvature, distance: 2.5, horizontalFovDeg: 65, aspect: 1.5 });
  const { positions, uvs } = screenVertices(layout, 24);
  let checked = 0;
  for (const o of origins) {
    for (let k = 0; k < positions.length / 3; k++) {
      const p = v3(positions[k * 3], positions[k * 3 + 1], positions[k * 3 + 2]);
      // Aim a hair inside the panel edges so float32 rounding of the vertex cannot push the ray off it.
      const cx = p.x * (1 - 1e-5), cy = p.y * (1 - 1e-4);
      const hit = rayHitScreen(o, v3(cx - o.x, cy - o.y, p.z - o.z), layout);
      expect(hit, `vertex ${k} from ${JSON.stringify(o)}`).not.toBeNull();
      expect(hit![0]).toBeCloseTo(uvs[k * 2], 3);
      expect(hit![1]).toBeCloseTo(1 - uvs[k * 2 + 1], 3);
      checked++;
    }
  }
  expect(checked).toBe(origins.length * 50);
}

const ORIGINS = [v3(0, 0, 0), v3(0.3, -0.2, 0.4), v3(-0.5, 0.3, -0.6)];

describe('rayHitScreen', () => {
  it('returns each vertex uv of a flat panel', () => checkVertices(0, ORIGINS));
  it('returns each vertex uv of a curved panel', () => checkVertices(0.6, ORIGINS));
  it('returns each vertex uv of a full eye-centred cylinder', () => checkVertices(1, ORIGINS));

  it('straight ahead is the image centre; right is u > 0.5, up is v < 0.5', () => {
    for (const curvature of [0, 0.6]) {
      const layout = screenLayout({ curvature });
      expect(rayHitScreen(v3(0, 0, 0), v3(0, 0, -1), layout)).toEqual([0.5, 0.5]);
      const [u, v] = rayHitScreen(v3(0, 0, 0), v3(0.2, 0.1, -1), layout)!;
      expect(u).toBeGreaterThan(0.5);
      expect(v).toBeLessThan(0.5);
    }
  });

  it('is exact between vertices on the curved surface (round trip through screenPoint)', () => {
    const layout = screenLayout({ curvature: 0.8 });
    const p = v3(0, 0, 0);
    for (const [u, v] of [[0.13, 0.77], [0.5, 0.02], [0.91, 0.4], [0.333, 0.666]]) {
      screenPoint(layout, u, v, p);
      const o = v3(0.1, 0.05, 0.2);
      const hit = rayHitScreen(o, v3(p.x - o.x, p.y - o.y, p.z - o.z), layout)!;
      expect(hit[0]).toBeCloseTo(u, 10);
      expect(hit[1]).toBeCloseTo(v, 10);
    }
  });

  it('misses: pointing away, past the edges, above the top, parallel', () => {
    for (const curvature of [0, 0.6]) {
      const layout = screenLayout({ curvature });
      expect(rayHitScreen(v3(0, 0, 0), v3(0, 0, 1), layout)).toBeNull();
      expect(rayHitScreen(v3(0, 0, 0), v3(1, 0, -0.2), layout)).toBeNull(); // ~79° right, screen spans ±32.5°
      expect(rayHitScreen(v3(0, 0, 0), v3(0, 1, -0.5), layout)).toBeNull();
      expect(rayHitScreen(v3(0, 0, 0), v3(0, 1, 0), layout)).toBeNull();
      expect(rayHitScreen(v3(0, 0, 0), v3(0, 0, 0), layout)).toBeNull();
    }
  });

  it('from behind the panel, pointing further back, misses', () => {
    const layout = screenLayout({ curvature: 0 });
    expect(rayHitScreen(v3(0, 0, -3), v3(0, 0, -1), layout)).toBeNull();
  });

  it('writes into out without allocating a new array', () => {
    const layout = screenLayout();
    const out: ScreenUV = [0, 0];
    expect(rayHitScreen(v3(0, 0, 0), v3(0.1, 0, -1), layout, out)).toBe(out);
    expect(out[0]).toBeGreaterThan(0.5);
  });
});

describe('screenPoint', () => {
  it('puts the image corners on the mesh corners and the normal towards the eye', () => {
    const layout = screenLayout({ curvature: 0.6 });
    const { positions } = screenVertices(layout, 48);
    const p = v3(0, 0, 0), n = v3(0, 0, 0);
    screenPoint(layout, 0, 1, p, n); // bottom-left = mesh vertex 0
    expect(p.x).toBeCloseTo(positions[0], 5);
    expect(p.y).toBeCloseTo(positions[1], 5);
    expect(p.z).toBeCloseTo(positions[2], 5);
    expect(n.x).toBeGreaterThan(0); // the left edge faces right, towards the eye
    screenPoint(layout, 0.5, 0.5, p, n);
    expect([p.x, p.y, p.z, n.x, n.y, n.z].map((x) => +x.toFixed(9) + 0)).toEqual([0, 0, -2.5, 0, 0, 1]);
  });
});
