// The independent evaluation generator's scenes (issue 28): three.js meshes rasterised by WebGL in headless
// Chromium, with depth from the rasteriser (the view-space z of each pixel's nearest fragment). Its own scene
// grammar, geometry, materials (physically based, three.js's), lights, shadows and textures: nothing here is
// shared with the ray caster in training/depth/gen/, so what the net learnt of that renderer's habits cannot
// help it here. Loaded by render-three.ts into a page; `renderScene` returns RGB, disparity 1/z (sky 0) and a
// mask of the "figures" (what a dream draws: bodies, heads, things) for the stands-out check.
import * as THREE from '/three.module.js';

/** sfc32: this file's own PRNG. */
function rng(seed) {
  let a = 0x9e3779b9 ^ seed, b = 0x243f6a88 + seed * 7, c = 0xb7e15162 ^ (seed << 5), d = 1;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11); d = (d + 1) | 0;
    const u = (t + d) | 0;
    c = (c + u) | 0;
    return (u >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const r = () => next();
  r.range = (lo, hi) => lo + (hi - lo) * next();
  r.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  r.pick = (xs) => xs[Math.floor(next() * xs.length)];
  r.chance = (p) => next() < p;
  return r;
}

export const TYPES = ['street', 'landscape', 'tabletop', 'gallery', 'pillars', 'floating', 'tunnel', 'stairs', 'figures'];

let renderer, photos = [], dreams = [];

async function loadTextures(urls) {
  const out = [];
  for (const u of urls) {
    const bmp = await createImageBitmap(await (await fetch(u)).blob());
    const t = new THREE.Texture(bmp);
    t.colorSpace = THREE.SRGBColorSpace; t.wrapS = t.wrapT = THREE.MirroredRepeatWrapping; t.needsUpdate = true;
    out.push(t);
  }
  return out;
}

export async function setup(photoUrls, dreamUrls) {
  const canvas = document.createElement('canvas');
  document.body.appendChild(canvas);
  renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true });
  renderer.setPixelRatio(1);
  renderer.shadowMap.enabled = true;
  renderer.shadowMap.type = THREE.PCFSoftShadowMap;
  renderer.toneMapping = THREE.ACESFilmicToneMapping;
  photos = await loadTextures(photoUrls);
  dreams = await loadTextures(dreamUrls);
  return { photos: photos.length, dreams: dreams.length };
}

/** Procedural textures drawn with the 2D canvas: cells, tiles, windows, rings, scribbles. */
function canvasTexture(r) {
  const c = document.createElement('canvas');
  c.width = c.height = 128;
  const g = c.getContext('2d');
  const hue = r.range(0, 360), col = (dh, l) => `hsl(${(hue + dh) % 360},${r.int(15, 85)}%,${l}%)`;
  g.fillStyle = col(0, r.int(25, 75)); g.fillRect(0, 0, 128, 128);
  const kind = r.pick(['cells', 'tiles', 'windows', 'rings', 'scribble']);
  if (kind === 'cells') for (let i = 0; i < 60; i++) { g.fillStyle = col(r.range(-40, 40), r.int(20, 80)); g.beginPath(); g.arc(r.range(0, 128), r.range(0, 128), r.range(4, 22), 0, 7); g.fill(); }
  if (kind === 'tiles') { const n = r.int(2, 8), s = 128 / n; for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) { g.fillStyle = col(r.range(-20, 20), r.int(30, 70)); g.fillRect(x * s + 1, y * s + 1, s - 2, s - 2); } }
  if (kind === 'windows') { g.fillStyle = col(180, r.int(10, 40)); const n = r.int(3, 6); for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) g.fillRect(x * 128 / n + 6, y * 128 / n + 5, 128 / n - 12, 128 / n - 12); }
  if (kind === 'rings') for (let i = 12; i > 0; i--) { g.fillStyle = col(i * 25, 20 + i * 5); g.beginPath(); g.arc(64, 64, i * 9, 0, 7); g.fill(); }
  if (kind === 'scribble') { g.lineWidth = r.range(1, 5); for (let i = 0; i < 40; i++) { g.strokeStyle = col(r.range(0, 180), r.int(10, 90)); g.beginPath(); g.moveTo(r.range(0, 128), r.range(0, 128)); g.bezierCurveTo(r.range(0, 128), r.range(0, 128), r.range(0, 128), r.range(0, 128), r.range(0, 128), r.range(0, 128)); g.stroke(); } }
  const t = new THREE.CanvasTexture(c);
  t.colorSpace = THREE.SRGBColorSpace; t.wrapS = t.wrapT = THREE.RepeatWrapping;
  return t;
}

function material(r, opts = {}) {
  const p = r();
  const m = new THREE.MeshStandardMaterial({ roughness: r.range(0.25, 1), metalness: r.chance(0.15) ? r.range(0.3, 0.9) : 0 });
  const src = opts.dream ? 'dream' : p < 0.3 ? 'dream' : p < 0.55 ? 'photo' : p < 0.85 ? 'canvas' : 'plain';
  if (src === 'plain' || (src === 'dream' && !dreams.length) || (src === 'photo' && !photos.length)) m.color.setHSL(r(), r.range(0.1, 0.8), r.range(0.2, 0.7));
  else {
    const t = (src === 'dream' ? r.pick(dreams) : src === 'photo' ? r.pick(photos) : canvasTexture(r)).clone();
    const rep = r.range(0.5, 4) * (opts.repeat ?? 1);
    t.repeat.set(rep, rep); t.needsUpdate = true;
    m.map = t;
  }
  return m;
}

/** A mesh with a material, casting and receiving shadows; figure = part of what a dream draws (stands-out mask). */
function mesh(scene, geo, mat, pos, figure = false) {
  const o = new THREE.Mesh(geo, mat);
  o.position.set(...pos);
  o.castShadow = o.receiveShadow = true;
  o.userData.figure = figure;
  scene.add(o);
  return o;
}

function thing(r, scene, pos, size, mat, figure = false) {
  const k = r.pick(['knot', 'ico', 'capsule', 'cone', 'lathe', 'box', 'torus']);
  let geo;
  if (k === 'knot') geo = new THREE.TorusKnotGeometry(size * 0.6, size * 0.2, 64, 10);
  else if (k === 'ico') geo = new THREE.IcosahedronGeometry(size, r.int(0, 2));
  else if (k === 'capsule') geo = new THREE.CapsuleGeometry(size * 0.45, size, 6, 12);
  else if (k === 'cone') geo = new THREE.ConeGeometry(size * 0.7, size * 2, 20);
  else if (k === 'lathe') geo = new THREE.LatheGeometry(Array.from({ length: 10 }, (_, i) => new THREE.Vector2(size * (0.3 + 0.5 * Math.sin(i * 0.4 + 0.3)), size * (i / 4.5 - 1))), 24);
  else if (k === 'box') geo = new THREE.BoxGeometry(size * r.range(0.6, 1.8), size * r.range(0.6, 1.8), size * r.range(0.6, 1.8));
  else geo = new THREE.TorusGeometry(size * 0.7, size * 0.25, 12, 32);
  const o = mesh(scene, geo, mat ?? material(r), pos, figure);
  o.rotation.set(r.range(0, 6.3), r.range(0, 6.3), r.range(0, 6.3));
  return o;
}

function ground(r, scene, size = 400, opts = {}) {
  const g = mesh(scene, new THREE.PlaneGeometry(size, size), material(r, { repeat: size / 8, ...opts }), [0, 0, 0]);
  g.rotation.x = -Math.PI / 2;
  return g;
}

function sky(r, scene) {
  const top = new THREE.Color().setHSL(r.range(0.5, 0.7), r.range(0.2, 0.7), r.range(0.4, 0.8));
  scene.background = r.chance(0.25) && photos.length ? r.pick(photos) : top;
  if (r.chance(0.4)) scene.fog = new THREE.FogExp2(top.clone().lerp(new THREE.Color(1, 1, 1), 0.5), r.range(0.003, 0.04));
}

function lights(r, scene, indoor) {
  scene.add(new THREE.HemisphereLight(0xffffff, new THREE.Color().setHSL(r(), 0.3, 0.3), r.range(0.3, 1.2)));
  if (indoor && r.chance(0.7)) {
    for (let i = 0, n = r.int(1, 3); i < n; i++) {
      const l = new THREE.PointLight(new THREE.Color().setHSL(r.range(0.05, 0.15), 0.4, 0.8), r.range(10, 60), 0, 2);
      l.position.set(r.range(-3, 3), r.range(1.5, 3.5), r.range(-3, 3)); l.castShadow = i === 0;
      scene.add(l);
    }
    return;
  }
  const sun = new THREE.DirectionalLight(0xffffff, r.range(0.8, 3));
  const elev = r.range(0.05, 1.3), az = r.range(0, 6.3);
  sun.position.set(Math.cos(elev) * Math.sin(az) * 50, Math.sin(elev) * 50, Math.cos(elev) * Math.cos(az) * 50);
  sun.castShadow = true;
  Object.assign(sun.shadow.camera, { left: -40, right: 40, top: 40, bottom: -40, near: 1, far: 150 });
  sun.shadow.mapSize.set(512, 512);
  scene.add(sun);
}

function camera(r, fovLo = 35, fovHi = 90) {
  return new THREE.PerspectiveCamera(r.range(fovLo, fovHi), 1, 0.05, 500);
}

const build = {
  street(r, scene) {
    ground(r, scene); sky(r, scene); lights(r, scene, false);
    const w = r.range(8, 25);
    for (const side of [-1, 1]) for (let z = -150; z < 60;) {
      const len = r.range(5, 20), depth = r.range(6, 16), h = r.range(3, 35);
      if (r.chance(0.9)) mesh(scene, new THREE.BoxGeometry(depth, h, len), material(r, { repeat: 2 }), [side * (w / 2 + depth / 2 + r.range(0, 3)), h / 2, z + len / 2]);
      z += len + (r.chance(0.3) ? r.range(2, 10) : 0.2);
    }
    for (let i = 0, n = r.int(0, 10); i < n; i++) { const s = r.range(0.3, 1.5); thing(r, scene, [r.range(-w / 2, w / 2), s, -r.range(3, 60)], s); }
    const cam = camera(r);
    cam.position.set(r.range(-0.3, 0.3) * w, r.chance(0.7) ? r.range(1.2, 2.5) : r.range(4, 30), r.range(-2, 5));
    cam.lookAt(r.range(-0.3, 0.3) * w, r.range(0, 6), -60);
    return cam;
  },
  landscape(r, scene) {
    sky(r, scene); lights(r, scene, false);
    const geo = new THREE.PlaneGeometry(400, 400, 160, 160), pos = geo.attributes.position, amp = r.range(2, 25), f = r.range(0.01, 0.05), ph = r.range(0, 100);
    for (let i = 0; i < pos.count; i++) {
      const x = pos.getX(i), y = pos.getY(i);
      pos.setZ(i, amp * (Math.sin(x * f + ph) * Math.cos(y * f * 1.3) + 0.5 * Math.sin(x * f * 2.7 - y * f * 2.1 + ph) + 0.25 * Math.cos((x + y) * f * 5.3)));
    }
    geo.computeVertexNormals();
    const land = mesh(scene, geo, material(r, { repeat: 40 }), [0, 0, 0]);
    land.rotation.x = -Math.PI / 2;
    const hAt = (x, z) => amp * (Math.sin(x * f + ph) * Math.cos(-z * f * 1.3) + 0.5 * Math.sin(x * f * 2.7 + z * f * 2.1 + ph) + 0.25 * Math.cos((x - z) * f * 5.3));
    for (let i = 0, n = r.int(0, 30); i < n; i++) { // trees and rocks
      const x = r.range(-60, 60), z = -r.range(3, 120), y = hAt(x, z);
      if (r.chance(0.6)) {
        const h = r.range(2, 8);
        mesh(scene, new THREE.CylinderGeometry(0.15 * h / 4, 0.25 * h / 4, h * 0.4, 8), material(r), [x, y + h * 0.2, z]);
        mesh(scene, new THREE.ConeGeometry(h * 0.3, h * 0.8, 10), material(r), [x, y + h * 0.75, z]);
      } else thing(r, scene, [x, y + 0.5, z], r.range(0.5, 2.5));
    }
    const cam = camera(r);
    cam.position.set(0, hAt(0, 0) + r.range(1, 20), 0);
    cam.lookAt(r.range(-20, 20), hAt(0, -40) + r.range(-10, 5), -40);
    return cam;
  },
  tabletop(r, scene) {
    scene.background = new THREE.Color().setHSL(r(), 0.2, r.range(0.1, 0.6)); lights(r, scene, true);
    const room = mesh(scene, new THREE.BoxGeometry(10, 4, 10), material(r, { repeat: 3 }), [0, 2, 0]);
    room.material.side = THREE.BackSide;
    mesh(scene, new THREE.BoxGeometry(2.4, 0.08, 1.4), material(r), [0, 0.8, 0]);
    for (const [x, z] of [[-1.1, -0.6], [1.1, -0.6], [-1.1, 0.6], [1.1, 0.6]]) mesh(scene, new THREE.BoxGeometry(0.08, 0.8, 0.08), material(r), [x, 0.4, z]);
    for (let i = 0, n = r.int(2, 9); i < n; i++) { const s = r.range(0.06, 0.25); thing(r, scene, [r.range(-1, 1), 0.84 + s, r.range(-0.55, 0.55)], s); }
    const cam = camera(r, 40, 80);
    cam.position.set(r.range(-1.2, 1.2), r.range(1.1, 2), r.range(1.2, 2.5));
    cam.lookAt(r.range(-0.4, 0.4), 0.8, r.range(-0.3, 0.3));
    return cam;
  },
  gallery(r, scene) {
    scene.background = new THREE.Color(0.5, 0.5, 0.5); lights(r, scene, true);
    const W = r.range(6, 14), L = r.range(8, 20), H = r.range(3, 5);
    const room = mesh(scene, new THREE.BoxGeometry(W, H, L), material(r, { repeat: 2 }), [0, H / 2, 0]);
    room.material.side = THREE.BackSide;
    for (let i = 0, n = r.int(2, 8); i < n; i++) {
      const x = r.range(-W / 2 + 1, W / 2 - 1), z = r.range(-L / 2 + 1, L / 2 - 2), ph = r.range(0.6, 1.2);
      mesh(scene, new THREE.BoxGeometry(0.6, ph, 0.6), material(r), [x, ph / 2, z]);
      thing(r, scene, [x, ph + 0.4, z], r.range(0.2, 0.4));
    }
    for (let i = 0, n = r.int(0, 4); i < n; i++) { // pictures on the side walls
      const side = r.chance(0.5) ? -1 : 1, pic = mesh(scene, new THREE.BoxGeometry(0.05, r.range(0.6, 1.6), r.range(0.8, 2)), material(r), [side * (W / 2 - 0.05), r.range(1.3, 2.2), r.range(-L / 2 + 1, L / 2 - 1)]);
      pic.castShadow = false;
    }
    const cam = camera(r, 45, 95);
    cam.position.set(r.range(-W / 3, W / 3), r.range(1.2, 2), L / 2 - r.range(0.5, 2));
    cam.lookAt(r.range(-W / 3, W / 3), r.range(0.5, 2), -L / 2);
    return cam;
  },
  pillars(r, scene) {
    ground(r, scene); sky(r, scene); lights(r, scene, false);
    const mat = material(r, { repeat: 0.5 });
    for (let i = 0, n = r.int(10, 60); i < n; i++) {
      const x = r.range(-30, 30), z = -r.range(1, 80), rad = r.range(0.15, 1.2), h = r.range(3, 20);
      if (Math.hypot(x, z) < rad + 1) continue;
      mesh(scene, new THREE.CylinderGeometry(rad, rad * r.range(1, 1.4), h, 16), r.chance(0.6) ? mat : material(r), [x, h / 2, z]);
    }
    const cam = camera(r);
    cam.position.set(0, r.range(0.8, 3), 0);
    cam.lookAt(r.range(-5, 5), r.range(0, 4), -20);
    return cam;
  },
  floating(r, scene) {
    sky(r, scene); lights(r, scene, false);
    if (r.chance(0.4)) ground(r, scene);
    for (let i = 0, n = r.int(4, 25); i < n; i++) {
      const z = -Math.exp(r.range(Math.log(1.5), Math.log(40)));
      thing(r, scene, [r.range(-0.8, 0.8) * -z, r.range(0.5, 1.2) * -z * 0.6 + 1, z], r.range(0.2, 2));
    }
    const cam = camera(r);
    cam.position.set(0, r.range(1, 3), 0);
    cam.lookAt(r.range(-3, 3), r.range(0, 4), -10);
    return cam;
  },
  tunnel(r, scene) {
    scene.background = new THREE.Color(0, 0, 0); lights(r, scene, true);
    const rad = r.range(1.5, 4), len = r.range(20, 120), curve = r.range(-0.3, 0.3);
    const path = new THREE.CatmullRomCurve3(Array.from({ length: 6 }, (_, i) => new THREE.Vector3(Math.sin(i * curve) * i * 3, Math.cos(i * 0.7) * curve * 5, -i * len / 5 + 2)));
    const tube = mesh(scene, new THREE.TubeGeometry(path, 120, rad, 24, false), material(r, { repeat: 4 }), [0, 0, 0]);
    tube.material.side = THREE.BackSide;
    tube.castShadow = false; // a closed tube would shadow its own lamps
    scene.add(new THREE.AmbientLight(0xffffff, r.range(0.3, 1)));
    for (let i = 0, n = r.int(0, 6); i < n; i++) { const p = path.getPoint(r.range(0.1, 0.9)); thing(r, scene, [p.x + r.range(-0.5, 0.5) * rad, p.y - rad * 0.5, p.z], r.range(0.2, rad * 0.3)); }
    const cam = camera(r, 45, 90);
    const p0 = path.getPoint(0.02), p1 = path.getPoint(0.2);
    cam.position.set(p0.x + r.range(-0.3, 0.3) * rad, p0.y + r.range(-0.3, 0.3) * rad, p0.z);
    cam.lookAt(p1.x + r.range(-1, 1), p1.y + r.range(-1, 1), p1.z);
    scene.children.filter((o) => o.isPointLight).forEach((l, i) => { const q = path.getPoint(0.05 + 0.15 * i); l.position.set(q.x, q.y + rad * 0.5, q.z); });
    return cam;
  },
  stairs(r, scene) {
    ground(r, scene); sky(r, scene); lights(r, scene, false);
    const steps = r.int(6, 30), rise = r.range(0.12, 0.25), run = r.range(0.25, 0.45), w = r.range(1.5, 6), mat = material(r);
    for (let i = 0; i < steps; i++) mesh(scene, new THREE.BoxGeometry(w, rise * (i + 1), run), mat, [0, rise * (i + 1) / 2, -2 - i * run]);
    if (r.chance(0.6)) for (const side of [-1, 1]) mesh(scene, new THREE.BoxGeometry(0.3, steps * rise + 1, steps * run + 2), material(r), [side * (w / 2 + 0.15), (steps * rise + 1) / 2, -2 - steps * run / 2]);
    const cam = camera(r);
    cam.position.set(r.range(-0.3, 0.3) * w, r.range(0.8, 2.5), r.range(0, 3));
    cam.lookAt(0, steps * rise * r.range(0.2, 0.8), -2 - steps * run * 0.6);
    return cam;
  },
  figures(r, scene) {
    // dream-textured bodies, heads and things in front of a dream-textured backdrop: the stands-out check
    lights(r, scene, false);
    scene.background = dreams.length ? r.pick(dreams) : new THREE.Color(0.3, 0.3, 0.3);
    const back = r.range(4, 30);
    const wall = mesh(scene, new THREE.PlaneGeometry(back * 4, back * 3), material(r, { dream: true, repeat: back / 4 }), [0, back * 0.5, -back]);
    wall.rotation.y = r.range(-0.5, 0.5);
    if (r.chance(0.6)) ground(r, scene, 400, { dream: true });
    for (let i = 0, n = r.int(1, 6); i < n; i++) {
      const z = -r.range(1, Math.min(back * 0.75, 14)), x = r.range(-0.7, 0.7) * -z * 0.8, kind = r.pick(['body', 'body', 'head', 'thing']);
      const mat = material(r, { dream: true });
      if (kind === 'body') {
        const h = r.range(0.9, 1.9);
        mesh(scene, new THREE.CapsuleGeometry(h * 0.17, h * 0.55, 6, 16), mat, [x, h * 0.45, z], true);
        mesh(scene, new THREE.SphereGeometry(h * 0.12, 24, 16), r.chance(0.5) ? mat : material(r, { dream: true }), [x, h * 0.92, z], true);
      } else if (kind === 'head') mesh(scene, new THREE.SphereGeometry(-z * r.range(0.08, 0.2), 32, 20), mat, [x, r.range(0.5, 2), z], true);
      else thing(r, scene, [x, r.range(0.4, 2), z], -z * r.range(0.06, 0.18), mat, true);
    }
    const cam = camera(r, 35, 80);
    cam.position.set(0, r.range(0.8, 1.8), 0);
    cam.lookAt(r.range(-1, 1), r.range(0.5, 1.5), -back);
    return cam;
  },
};

const disparityMaterial = new THREE.ShaderMaterial({
  // 1 / (view-space depth along the camera's axis) of the fragment the depth test kept
  vertexShader: 'varying float vz; void main() { vec4 p = modelViewMatrix * vec4(position, 1.0); vz = -p.z; gl_Position = projectionMatrix * p; }',
  fragmentShader: 'varying float vz; void main() { gl_FragColor = vec4(1.0 / vz, 0.0, 0.0, 1.0); }',
  side: THREE.DoubleSide,
});
const white = new THREE.MeshBasicMaterial({ color: 0xffffff, side: THREE.DoubleSide });
const black = new THREE.MeshBasicMaterial({ color: 0x000000, side: THREE.DoubleSide });

/** Render scene `index` of `type` from `seed` at size² (each pixel the mean of ss×ss samples): RGB bytes,
 *  disparity (sky 0), figure mask (share of the pixel covered by figures, 0–255). */
export function renderScene(seed, type, size, ss = 2) {
  const r = rng(seed);
  const scene = new THREE.Scene();
  const cam = build[type](r, scene);
  cam.updateMatrixWorld();
  const S = size * ss;
  renderer.setSize(S, S, false);
  renderer.setClearColor(0x000000, 1);
  renderer.render(scene, cam);
  const gl = renderer.getContext(), px = new Uint8Array(S * S * 4);
  gl.readPixels(0, 0, S, S, gl.RGBA, gl.UNSIGNED_BYTE, px);
  // disparity and figure mask: the same geometry with override materials, into a float target
  const rt = new THREE.WebGLRenderTarget(S, S, { type: THREE.FloatType, depthBuffer: true });
  const bg = scene.background, fog = scene.fog;
  scene.background = null; scene.fog = null;
  renderer.setRenderTarget(rt);
  renderer.setClearColor(0x000000, 0);
  scene.overrideMaterial = disparityMaterial;
  renderer.render(scene, cam);
  const disp = new Float32Array(S * S * 4);
  renderer.readRenderTargetPixels(rt, 0, 0, S, S, disp);
  scene.overrideMaterial = null;
  const saved = [];
  scene.traverse((o) => { if (o.isMesh) { saved.push([o, o.material]); o.material = o.userData.figure ? white : black; } });
  renderer.render(scene, cam);
  const mask = new Float32Array(S * S * 4);
  renderer.readRenderTargetPixels(rt, 0, 0, S, S, mask);
  for (const [o, m] of saved) o.material = m;
  scene.background = bg; scene.fog = fog;
  renderer.setRenderTarget(null);
  rt.dispose();
  // both readbacks start at the bottom row: flip while box-filtering ss×ss
  const rgb = new Uint8Array(size * size * 3), d = new Float32Array(size * size), m = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    let cr = 0, cg = 0, cb = 0, dd = 0, mm = 0;
    for (let j = 0; j < ss; j++) for (let i = 0; i < ss; i++) {
      const q = ((S - 1 - (y * ss + j)) * S + x * ss + i) * 4;
      cr += px[q]; cg += px[q + 1]; cb += px[q + 2]; dd += disp[q]; mm += mask[q];
    }
    const k = 1 / (ss * ss), o = y * size + x;
    rgb[o * 3] = Math.round(cr * k); rgb[o * 3 + 1] = Math.round(cg * k); rgb[o * 3 + 2] = Math.round(cb * k);
    d[o] = dd * k; m[o] = Math.round(255 * mm * k);
  }
  // every map is a clone (or a canvas texture) made for this scene; the loaded originals stay
  scene.traverse((o) => { if (o.isMesh) { o.geometry.dispose(); o.material.map?.dispose(); o.material.dispose(); } });
  // base64: a fraction of the cost of handing Playwright arrays of numbers
  const b64 = (u8) => { let s = ''; for (let i = 0; i < u8.length; i += 8192) s += String.fromCharCode(...u8.subarray(i, i + 8192)); return btoa(s); };
  return { rgb: b64(rgb), disparity: b64(new Uint8Array(d.buffer)), mask: b64(m) };
}
