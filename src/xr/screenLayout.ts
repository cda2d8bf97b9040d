// Geometry of the dream screen: a slightly curved panel (a cylinder arc centred on the viewer) at a
// comfortable distance. A cylinder centred on the eye keeps every column of the image at the same
// distance, so the screen's own parallax is uniform and the dream's stereo is not distorted at the edges.

export interface ScreenLayoutOptions {
  /** Eye-to-screen distance in metres (about 2–3 m: far enough for comfortable vergence). */
  distance: number;
  /** Horizontal angle the screen fills, in degrees (about 60–70°). */
  horizontalFovDeg: number;
  /** Image aspect, width / height. */
  aspect: number;
  /** Curvature in [0, 1]: 0 = flat plane, 1 = full cylinder arc about the eye. */
  curvature: number;
}

export const DEFAULT_SCREEN_LAYOUT: Readonly<ScreenLayoutOptions> = Object.freeze({
  distance: 2.5,
  horizontalFovDeg: 65,
  aspect: 1,
  curvature: 0.6,
});

export interface ScreenLayout extends ScreenLayoutOptions {
  /** Width of the panel along its surface, metres (arc length when curved). */
  width: number;
  height: number;
  /** Vertical angle the screen fills at its centre column, degrees. */
  verticalFovDeg: number;
  /** Radius of the cylinder the panel lies on (Infinity when flat). */
  radius: number;
}

export function validateScreenLayout(opts: Partial<ScreenLayoutOptions> = {}): ScreenLayoutOptions {
  const o = { ...DEFAULT_SCREEN_LAYOUT, ...opts };
  if (!(o.distance > 0.3 && o.distance < 50)) throw new Error(`screen distance must be in (0.3, 50) m, got ${o.distance}`);
  if (!(o.horizontalFovDeg > 5 && o.horizontalFovDeg < 170)) throw new Error(`screen horizontalFovDeg must be in (5, 170), got ${o.horizontalFovDeg}`);
  if (!(o.aspect > 0.1 && o.aspect < 10)) throw new Error(`screen aspect must be in (0.1, 10), got ${o.aspect}`);
  if (!(o.curvature >= 0 && o.curvature <= 1)) throw new Error(`screen curvature must be in [0, 1], got ${o.curvature}`);
  return o;
}

/**
 * Sizes the panel so that, seen from the eye, it spans `horizontalFovDeg` whatever the curvature.
 * A curvature c bends the panel onto a cylinder of radius distance / c through the screen centre;
 * c = 1 is a cylinder centred on the eye.
 */
export function screenLayout(opts: Partial<ScreenLayoutOptions> = {}): ScreenLayout {
  const o = validateScreenLayout(opts);
  const half = (o.horizontalFovDeg * Math.PI) / 360;
  let width: number;
  let radius = Infinity;
  if (o.curvature === 0) {
    width = 2 * o.distance * Math.tan(half);
  } else {
    radius = o.distance / o.curvature;
    // The cylinder's centre lies R - d behind the eye; an arc edge at angle phi about that centre is
    // seen at atan(R sin phi / (d - R + R cos phi)). Bisect phi so the edge is seen at `half`.
    let lo = 0, hi = Math.PI;
    for (let i = 0; i < 80; i++) {
      const phi = (lo + hi) / 2;
      const ang = Math.atan2(radius * Math.sin(phi), o.distance - radius + radius * Math.cos(phi));
      if (ang < half) lo = phi; else hi = phi;
    }
    width = 2 * radius * ((lo + hi) / 2);
  }
  const height = width / o.aspect;
  const verticalFovDeg = (2 * Math.atan(height / 2 / o.distance) * 180) / Math.PI;
  return { ...o, width, height, verticalFovDeg, radius };
}

/**
 * Vertex positions (x, y, z) and uvs of the panel as a (segments+1) × 2 strip grid, eye at the
 * origin looking down −z, panel centre at (0, 0, −distance). u runs left→right, v bottom→top.
 */
export function screenVertices(layout: ScreenLayout, segments = 48): { positions: Float32Array; uvs: Float32Array; indices: Uint16Array } {
  const cols = segments + 1;
  const positions = new Float32Array(cols * 2 * 3);
  const uvs = new Float32Array(cols * 2 * 2);
  const indices = new Uint16Array(segments * 6);
  for (let i = 0; i < cols; i++) {
    const u = i / segments;
    const s = (u - 0.5) * layout.width; // signed arc length from the centre
    let x: number, z: number;
    if (!Number.isFinite(layout.radius)) {
      x = s; z = -layout.distance;
    } else {
      const phi = s / layout.radius;
      x = layout.radius * Math.sin(phi);
      z = -(layout.distance - layout.radius + layout.radius * Math.cos(phi));
    }
    for (let j = 0; j < 2; j++) {
      const k = i * 2 + j;
      positions[k * 3] = x;
      positions[k * 3 + 1] = (j - 0.5) * layout.height;
      positions[k * 3 + 2] = z;
      uvs[k * 2] = u;
      uvs[k * 2 + 1] = j;
    }
  }
  for (let i = 0; i < segments; i++) {
    const a = i * 2, b = a + 1, c = a + 2, d = a + 3;
    indices.set([a, c, b, b, c, d], i * 6);
  }
  return { positions, uvs, indices };
}

/**
 * The panel as a fine grid (for the depth-displaced "mesh" stereo method): `cols` × `rows` cells, with
 * the surface normal at each vertex pointing towards the viewer's side (the cylinder's axis; +z when
 * flat). Same placement and uvs as screenVertices.
 */
export function screenGrid(layout: ScreenLayout, cols = 160, rows = 160): { positions: Float32Array; normals: Float32Array; uvs: Float32Array; indices: Uint32Array } {
  const nx = cols + 1, ny = rows + 1;
  const positions = new Float32Array(nx * ny * 3);
  const normals = new Float32Array(nx * ny * 3);
  const uvs = new Float32Array(nx * ny * 2);
  const indices = new Uint32Array(cols * rows * 6);
  for (let i = 0; i < nx; i++) {
    const u = i / cols;
    const s = (u - 0.5) * layout.width;
    let x = s, z = -layout.distance, nX = 0, nZ = 1;
    if (Number.isFinite(layout.radius)) {
      const phi = s / layout.radius;
      x = layout.radius * Math.sin(phi);
      z = -(layout.distance - layout.radius + layout.radius * Math.cos(phi));
      nX = -Math.sin(phi); nZ = Math.cos(phi);
    }
    for (let j = 0; j < ny; j++) {
      const k = j * nx + i;
      positions[k * 3] = x;
      positions[k * 3 + 1] = (j / rows - 0.5) * layout.height;
      positions[k * 3 + 2] = z;
      normals[k * 3] = nX;
      normals[k * 3 + 2] = nZ;
      uvs[k * 2] = u;
      uvs[k * 2 + 1] = j / rows;
    }
  }
  let o = 0;
  for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) {
    const a = j * nx + i, b = a + 1, c = a + nx, d = c + 1;
    indices[o++] = a; indices[o++] = b; indices[o++] = c;
    indices[o++] = c; indices[o++] = b; indices[o++] = d;
  }
  return { positions, normals, uvs, indices };
}
