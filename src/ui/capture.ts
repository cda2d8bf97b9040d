// Stereo snapshot (side-by-side PNG, left|right, plus the depth map) and side-by-side WebM recording.
//
// A second, small WebGL renderer draws the stereo screen's own eye materials (StereoScreen.left/right)
// into an offscreen canvas: no pixels are read back from the viewer's context, the viewer's frame is
// untouched (also in XR, where its framebuffer belongs to the headset), and the canvas feeds both
// `toBlob` (snapshot) and `captureStream` + MediaRecorder (recording). three.js keeps textures and
// programs per renderer, so the same materials and keyframe textures simply get uploaded here too.
import * as THREE from 'three';
import screenVert from '../../shaders/screen.vert?raw';
import depthFrag from '../../shaders/depth-view.frag?raw';

export interface EyeMaterials { left: THREE.ShaderMaterial; right: THREE.ShaderMaterial }

export type CaptureKind = 'sbs' | 'depth' | 'video';

/** `dream-goggles_<recipe>_<YYYY-MM-DD_HH-MM-SS>_<kind>.<ext>`, local time, safe on every file system. */
export function captureFileName(recipe: string, when: Date, kind: CaptureKind): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const t = `${when.getFullYear()}-${p(when.getMonth() + 1)}-${p(when.getDate())}_${p(when.getHours())}-${p(when.getMinutes())}-${p(when.getSeconds())}`;
  const safe = recipe.replace(/[^a-z0-9-]+/gi, '-').replace(/^-+|-+$/g, '') || 'dream';
  return `dream-goggles_${safe}_${t}_${kind}.${kind === 'video' ? 'webm' : 'png'}`;
}

/** The first WebM codec MediaRecorder here can write (vp9, vp8, any webm), or null. */
export function pickWebmType(isSupported: (t: string) => boolean): string | null {
  for (const t of ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm']) if (isSupported(t)) return t;
  return null;
}

export interface StereoCaptureOptions {
  /** One eye's size in pixels; the side-by-side image is twice as wide. */
  eyeWidth: number;
  eyeHeight: number;
  /** Recording frame rate (frames are drawn by `frame()`, at most this often). */
  fps: number;
}

export const DEFAULT_CAPTURE_OPTIONS: Readonly<StereoCaptureOptions> = Object.freeze({ eyeWidth: 320, eyeHeight: 320, fps: 24 });

export class StereoCapture {
  readonly options: StereoCaptureOptions;
  /** Offscreen: never shown. Side-by-side, left eye on the left. */
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0.1, 2);
  private readonly quad: THREE.Mesh;
  private readonly depthMaterial: THREE.ShaderMaterial;
  private recorder: MediaRecorder | null = null;
  private track: CanvasCaptureMediaStreamTrack | null = null;
  private sinceFrame = Infinity;

  constructor(private readonly eyes: EyeMaterials, options: Partial<StereoCaptureOptions> = {}) {
    this.options = { ...DEFAULT_CAPTURE_OPTIONS, ...options };
    const { eyeWidth: w, eyeHeight: h } = this.options;
    if (!(w >= 1 && h >= 1 && Number.isInteger(w) && Number.isInteger(h))) throw new Error(`StereoCapture: eye size must be whole pixels ≥ 1, got ${w}×${h}`);
    this.canvas = document.createElement('canvas');
    this.canvas.width = 2 * w;
    this.canvas.height = h;
    // preserveDrawingBuffer: toBlob may run after the browser composited the canvas.
    this.renderer = new THREE.WebGLRenderer({ canvas: this.canvas, antialias: false, alpha: false, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(1);
    this.renderer.setSize(2 * w, h, false);
    this.camera.position.z = 1;
    this.quad = new THREE.Mesh(new THREE.PlaneGeometry(2, 2), eyes.left);
    this.quad.frustumCulled = false;
    this.scene.add(this.quad);
    // Shares the eyes' uniform objects: always the keyframe and window on screen now.
    const u = eyes.left.uniforms;
    this.depthMaterial = new THREE.ShaderMaterial({ uniforms: { depthA: u.depthA, winA: u.winA }, vertexShader: screenVert, fragmentShader: depthFrag });
  }

  get recording(): boolean {
    return this.recorder !== null && this.recorder.state === 'recording';
  }

  /** Both eyes into the canvas, left|right. */
  private drawStereo(): void {
    const { eyeWidth: w, eyeHeight: h } = this.options;
    const r = this.renderer;
    r.setScissorTest(true);
    this.quad.material = this.eyes.left;
    r.setViewport(0, 0, w, h);
    r.setScissor(0, 0, w, h);
    r.render(this.scene, this.camera);
    this.quad.material = this.eyes.right;
    r.setViewport(w, 0, w, h);
    r.setScissor(w, 0, w, h);
    r.render(this.scene, this.camera);
    r.setScissorTest(false);
  }

  /** Side-by-side PNG, then the depth map PNG (one eye's size). Not for the frame loop: once per click. */
  async snapshot(): Promise<{ sbs: Blob; depth: Blob }> {
    const { eyeWidth: w, eyeHeight: h } = this.options;
    this.drawStereo();
    const sbs = await this.blob();
    const r = this.renderer;
    this.quad.material = this.depthMaterial;
    r.setViewport(0, 0, w, h);
    r.setSize(w, h, false);
    r.render(this.scene, this.camera);
    const depth = await this.blob();
    r.setSize(2 * w, h, false);
    if (this.recording) this.drawStereo();
    return { sbs, depth };
  }

  private blob(): Promise<Blob> {
    return new Promise((resolve, reject) => this.canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
  }

  /**
   * Starts recording the side-by-side view; throws (with a message for the person) where WebM recording is
   * missing. `bitsPerSecond`: the encoder's target (4 Mbit/s; the README's clip asks for less).
   */
  startRecording(bitsPerSecond = 4_000_000): void {
    if (this.recording) return;
    if (typeof MediaRecorder === 'undefined' || typeof this.canvas.captureStream !== 'function') throw new Error('This browser cannot record video from a canvas.');
    const type = pickWebmType((t) => MediaRecorder.isTypeSupported(t));
    if (!type) throw new Error('This browser cannot record WebM video.');
    const chunks: Blob[] = [];
    // Frame rate 0 + requestFrame(): a frame is taken exactly when one is drawn. The canvas is never in
    // the page, and an offscreen WebGL canvas is not composited, so automatic capture would see nothing new.
    const stream = this.canvas.captureStream(0);
    this.track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
    const rec = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: bitsPerSecond });
    rec.ondataavailable = (e) => { if (e.data.size > 0) chunks.push(e.data); };
    rec.onstop = () => { this.done?.(new Blob(chunks, { type: 'video/webm' })); this.done = null; };
    this.recorder = rec;
    this.sinceFrame = Infinity;
    rec.start(1000);
    this.drawStereo();
    this.track.requestFrame();
  }

  private done: ((b: Blob) => void) | null = null;

  /** Stops and resolves with the WebM. */
  stopRecording(): Promise<Blob> {
    const rec = this.recorder;
    if (!rec || rec.state === 'inactive') return Promise.reject(new Error('not recording'));
    this.recorder = null;
    this.track = null;
    return new Promise((resolve) => { this.done = resolve; rec.stop(); });
  }

  /** Per frame (after the stereo screen's update): draws a recording frame at the recording rate. Allocates nothing. */
  frame(dtSec: number): void {
    if (!this.recorder) return;
    this.sinceFrame += dtSec;
    if (this.sinceFrame < 1 / this.options.fps) return;
    this.sinceFrame = 0;
    this.drawStereo();
    this.track?.requestFrame();
  }

  dispose(): void {
    if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
    this.recorder = null;
    this.quad.geometry.dispose();
    this.depthMaterial.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
  }
}

/** Offers a blob as a download with the given name (nothing is uploaded anywhere). */
export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}
