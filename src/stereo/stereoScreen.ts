// Turns dream keyframes (one image + its depth) into what the stereo methods draw: keyframe textures in a
// small ring of slots, the continuous zoom (playback.ts), the comfort governor (comfort.ts), one set of
// uniforms every method's materials share, and the per-eye warp materials (shaders/stereo-warp.frag), which
// the warp method shows and the snapshot draws with. Per frame it only moves numbers into uniforms;
// textures change only when a keyframe arrives.
import * as THREE from 'three';
import screenVert from '../../shaders/screen.vert?raw';
import warpFrag from '../../shaders/stereo-warp.frag?raw';
import { ZoomPlayback, type PlaybackConfig } from './playback';
import { ComfortGovernor, type ComfortConfig } from './comfort';

export interface StereoKeyframe {
  /** The dreamed image (transferred from the worker). Closed when its slot is reused. */
  image: ImageBitmap | { data: Uint8Array | Uint8ClampedArray; width: number; height: number };
  /** Depth in [0,1], near 0 → far 1, row-major, top row first; null = flat. */
  depth: { data: Float32Array; width: number; height: number } | null;
  /** Magnification from the previous keyframe (1 for the first or a reset). */
  stepZoom: number;
  /** Focus of that magnification in the previous keyframe's uv. */
  focus: readonly [number, number];
  /** True when this keyframe is not a zoom of the previous one (new seed, new recipe). */
  reset?: boolean;
}

const SLOTS = 6;

interface Slot {
  color: THREE.Texture | null;
  depth: THREE.DataTexture;
  depthBytes: Uint8Array;
  bitmap: ImageBitmap | null;
  hasDepth: boolean;
}

export class StereoScreen {
  readonly playback: ZoomPlayback;
  readonly comfort: ComfortGovernor;
  readonly left: THREE.ShaderMaterial;
  readonly right: THREE.ShaderMaterial;
  /**
   * The uniforms every method's materials share (the same objects, so one update reaches all): keyframes A
   * (current) and B (fading out) with their zoom windows, the fade, the disparity scale k and the
   * zero-parallax depth z0.
   */
  readonly uniforms: Readonly<Record<string, THREE.IUniform>>;
  /** Shader defines of the warp fragment shader (occlusion search steps). */
  readonly defines: Readonly<Record<string, number>>;
  /** When set, the comfort governor is bypassed (tests, calibration). */
  override: { z0: number; scale: number } | null = null;
  private readonly slots: Slot[] = [];
  private readonly shared: Record<string, THREE.IUniform>;
  private readonly keyUv: [number, number] = [0, 0];
  private readonly blank: THREE.DataTexture;

  constructor(opts: { playback?: Partial<PlaybackConfig>; comfort?: Partial<ComfortConfig>; searchSteps?: number } = {}) {
    this.playback = new ZoomPlayback(opts.playback);
    this.comfort = new ComfortGovernor(opts.comfort);
    this.blank = new THREE.DataTexture(new Uint8Array([8, 10, 20, 255]), 1, 1);
    this.blank.needsUpdate = true;
    for (let i = 0; i < SLOTS; i++) {
      const depthBytes = new Uint8Array([128]);
      this.slots.push({ color: null, depth: depthTexture(depthBytes, 1, 1), depthBytes, bitmap: null, hasDepth: false });
    }
    // One uniforms object shared by both eyes' materials, except the eye sign. depthB is the mesh method's
    // (its displacement cross-fades); the warp sees the fading keyframe through depthA (stereo-warp.frag).
    this.shared = {
      colorA: { value: this.blank }, depthA: { value: this.slots[0].depth }, winA: { value: new THREE.Vector3(0, 0, 1) },
      colorB: { value: this.blank }, depthB: { value: this.slots[0].depth }, winB: { value: new THREE.Vector3(0, 0, 1) },
      fade: { value: 1 }, scale: { value: 0 }, z0: { value: 0.5 },
    };
    this.uniforms = this.shared;
    const defines = { SEARCH_STEPS: opts.searchSteps ?? 16 };
    this.defines = defines;
    const make = (eye: number) => new THREE.ShaderMaterial({
      uniforms: { ...this.shared, eye: { value: eye } },
      vertexShader: screenVert,
      fragmentShader: warpFrag,
      defines,
    });
    this.left = make(1);
    this.right = make(-1);
  }

  get hasKeyframe(): boolean {
    return this.playback.hasKeyframe;
  }

  /** Does the keyframe on screen carry depth (false: it is shown flat)? */
  get showingDepth(): boolean {
    const c = this.playback.currentSlot;
    return c >= 0 && this.slots[c].hasDepth;
  }

  /** A keyframe arrived. Uploads its textures into a free slot (never one on screen or queued). */
  push(k: StereoKeyframe, nowSec: number): void {
    let slot = -1;
    for (let i = 0; i < SLOTS; i++) if (!this.playback.inUse(i)) { slot = i; break; }
    if (slot < 0) slot = this.playback.previousSlot; // cannot happen with the queue bound; be safe
    this.fill(this.slots[slot], k);
    if (k.reset || !this.playback.hasKeyframe) this.playback.reset(slot);
    else this.playback.push({ slot, stepZoom: Math.max(1, k.stepZoom), focus: k.focus }, nowSec);
  }

  private fill(s: Slot, k: StereoKeyframe): void {
    s.color?.dispose();
    s.bitmap?.close();
    s.bitmap = null;
    if (typeof ImageBitmap !== 'undefined' && k.image instanceof ImageBitmap) {
      s.bitmap = k.image;
      s.color = new THREE.Texture(k.image);
    } else {
      const img = k.image as { data: Uint8Array | Uint8ClampedArray; width: number; height: number };
      s.color = new THREE.DataTexture(new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength), img.width, img.height);
    }
    s.color.flipY = false;
    s.color.colorSpace = THREE.NoColorSpace;
    s.color.minFilter = THREE.LinearFilter;
    s.color.magFilter = THREE.LinearFilter;
    s.color.generateMipmaps = false;
    s.color.wrapS = s.color.wrapT = THREE.ClampToEdgeWrapping;
    s.color.needsUpdate = true;

    const d = k.depth;
    const w = d?.width ?? 1, h = d?.height ?? 1;
    if (s.depthBytes.length !== w * h) {
      s.depth.dispose();
      s.depthBytes = new Uint8Array(w * h);
      s.depth = depthTexture(s.depthBytes, w, h);
    }
    s.hasDepth = !!d;
    if (d) for (let i = 0; i < d.data.length; i++) s.depthBytes[i] = Math.round(Math.min(1, Math.max(0, d.data[i])) * 255);
    else s.depthBytes.fill(128);
    s.depth.needsUpdate = true;
  }

  /** Depth (0..1) of the current keyframe under a screen point, from the CPU copy: no GPU readback. */
  depthAt(u: number, v: number): number | null {
    const p = this.playback;
    if (p.currentSlot < 0) return null;
    const s = this.slots[p.currentSlot];
    p.toKeyframe(u, v, this.keyUv);
    const w = s.depth.image.width, h = s.depth.image.height;
    const x = Math.min(w - 1, Math.max(0, Math.floor(this.keyUv[0] * w)));
    const y = Math.min(h - 1, Math.max(0, Math.floor(this.keyUv[1] * h)));
    return s.depthBytes[y * w + x] / 255;
  }

  /** Per frame: advance the zoom about the focus (screen uv), govern depth, set the shared uniforms. */
  update(dtSec: number, focusU: number, focusV: number): void {
    const p = this.playback;
    if (p.currentSlot < 0) return;
    p.advance(dtSec, focusU, focusV);
    this.comfort.update(dtSec, this.depthAt(focusU, focusV), p.logSpeed);
    const u = this.shared;
    const a = this.slots[p.currentSlot];
    u.colorA.value = a.color ?? this.blank;
    u.depthA.value = a.depth;
    (u.winA.value as THREE.Vector3).set(p.current.cx, p.current.cy, p.current.w);
    if (p.previousSlot >= 0 && p.fade < 1) {
      const b = this.slots[p.previousSlot];
      u.colorB.value = b.color ?? this.blank;
      u.depthB.value = b.depth;
      (u.winB.value as THREE.Vector3).set(p.previous.cx, p.previous.cy, p.previous.w);
      u.fade.value = p.fade;
    } else {
      // Nothing fades: point B at live textures, never at a slot that may be recycled (three.js
      // binds every sampler each draw, and a recycled slot's bitmap is closed).
      u.colorB.value = u.colorA.value;
      u.depthB.value = a.depth;
      u.fade.value = 1;
    }
    u.scale.value = this.override ? this.override.scale : this.comfort.scale;
    u.z0.value = this.override ? this.override.z0 : this.comfort.z0;
  }

  dispose(): void {
    for (const s of this.slots) {
      s.color?.dispose();
      s.bitmap?.close();
      s.depth.dispose();
    }
    this.blank.dispose();
    this.left.dispose();
    this.right.dispose();
  }
}

function depthTexture(bytes: Uint8Array, w: number, h: number): THREE.DataTexture {
  const t = new THREE.DataTexture(bytes, w, h, THREE.RedFormat, THREE.UnsignedByteType);
  t.unpackAlignment = 1; // R8 rows of any width
  t.flipY = false;
  // Nearest: linear filtering would invent intermediate depths across an edge, a "rubber sheet"
  // that lands inside disocclusions and hides them from the background fill.
  t.minFilter = THREE.NearestFilter;
  t.magFilter = THREE.NearestFilter;
  t.generateMipmaps = false;
  t.colorSpace = THREE.NoColorSpace;
  t.needsUpdate = true;
  return t;
}
