// The XR viewer: renderer, scene, the dream screen, the per-frame loop and the flat preview modes.
// The frame loop allocates nothing; everything it touches is created up front.
import * as THREE from 'three';
import fullscreenVert from '../../shaders/fullscreen.vert?raw';
import anaglyphFrag from '../../shaders/anaglyph.frag?raw';
import { DreamScreen, LEFT_EYE_LAYER, RIGHT_EYE_LAYER } from './screen';
import { contentHeight, pickReferenceSpace, SESSION_INIT, DEFAULT_EYE_HEIGHT, type RefSpaceType } from './session';
import { eyeViewportsInto, DEFAULT_VIEW_MODE, type ViewMode, type EyeViewport } from '../stereo';
import type { ScreenLayoutOptions } from './screenLayout';
import { emulatedFramebufferSize } from './resolution';
import { shadowClearState } from './emulation';

export type FrameCallback = (timeMs: number, frame: XRFrame | undefined) => void;

const NOOP: FrameCallback = () => undefined;

function removeNoops(list: FrameCallback[]): void {
  let j = 0;
  for (let i = 0; i < list.length; i++) if (list[i] !== NOOP) list[j++] = list[i];
  list.length = j;
}

export interface ViewerOptions {
  container: HTMLElement;
  left: THREE.Texture;
  right: THREE.Texture;
  screen?: Partial<ScreenLayoutOptions>;
  antialias?: boolean;
  mode?: ViewMode;
  /**
   * The headset is IWER's emulation: it ignores framebufferScaleFactor and sizes the canvas to the window,
   * so the viewer resizes the canvas itself while presenting.
   */
  emulated?: boolean;
}

export class Viewer {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  /** Desktop camera; in XR three.js derives the eye cameras from the pose. */
  readonly camera: THREE.PerspectiveCamera;
  readonly screen: DreamScreen;
  readonly content = new THREE.Group();
  mode: ViewMode;
  refSpace: RefSpaceType | null = null;
  frameCount = 0;
  /**
   * Flat preview only: metres between the two eye viewpoints of side-by-side and anaglyph (0 = both
   * from the one camera, for the warp method whose eye textures already differ; the mesh method's
   * displaced screen needs two viewpoints to show its depth).
   */
  flatEyeSeparation = 0;
  /** True between 'webglcontextlost' and 'webglcontextrestored' (nothing is drawn meanwhile). */
  contextLost = false;
  /**
   * Size of the XR framebuffer relative to the device's (WebXR's framebufferScaleFactor; see
   * resolution.ts). Read when a session starts.
   */
  xrScale = 1;

  private readonly frameCallbacks: FrameCallback[] = [];
  private readonly afterRender: FrameCallback[] = [];
  private readonly contextListeners: ((lost: boolean) => void)[] = [];
  private readonly eyeTargets: [THREE.WebGLRenderTarget, THREE.WebGLRenderTarget];
  private readonly anaglyphScene = new THREE.Scene();
  private readonly anaglyphCamera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  private readonly anaglyphMaterial: THREE.ShaderMaterial;
  private readonly size = new THREE.Vector2();
  private readonly views: [EyeViewport, EyeViewport] = [{ eye: 'left', x: 0, y: 0, w: 1, h: 1 }, { eye: 'right', x: 0, y: 0, w: 1, h: 1 }];
  private readonly resizeObserver: ResizeObserver;
  private session: XRSession | null = null;
  private compact = false;
  private readonly emulated: boolean;
  private readonly fbSize: [number, number] = [0, 0];
  private sessionScale = 1; // xrScale when the session started

  constructor(opts: ViewerOptions) {
    this.mode = opts.mode ?? DEFAULT_VIEW_MODE;
    this.emulated = opts.emulated ?? false;
    this.renderer = new THREE.WebGLRenderer({ antialias: opts.antialias ?? true, powerPreference: 'high-performance' });
    // IWER's per-frame clear-value readbacks would wait on the GPU process every frame (see emulation.ts).
    if (this.emulated) shadowClearState(this.renderer.getContext());
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.xr.enabled = true;
    this.renderer.domElement.classList.add('viewer-canvas');
    opts.container.appendChild(this.renderer.domElement);

    this.camera = new THREE.PerspectiveCamera(70, 1, 0.05, 100);
    this.camera.position.set(0, DEFAULT_EYE_HEIGHT, 0);
    this.camera.rotation.order = 'YXZ';
    this.camera.layers.enable(LEFT_EYE_LAYER); // flat preview shows the left eye unless a mode says otherwise

    this.buildSurroundings();
    this.screen = new DreamScreen(opts.left, opts.right, opts.screen);
    this.content.add(this.screen.group);
    this.content.position.y = DEFAULT_EYE_HEIGHT;
    this.scene.add(this.content);

    const rtOpts = { depthBuffer: true, generateMipmaps: false } as const;
    this.eyeTargets = [new THREE.WebGLRenderTarget(1, 1, rtOpts), new THREE.WebGLRenderTarget(1, 1, rtOpts)];
    this.anaglyphMaterial = new THREE.ShaderMaterial({
      uniforms: { leftEye: { value: this.eyeTargets[0].texture }, rightEye: { value: this.eyeTargets[1].texture } },
      vertexShader: fullscreenVert,
      fragmentShader: anaglyphFrag,
      depthTest: false,
      depthWrite: false,
    });
    this.anaglyphScene.add(new THREE.Mesh(new THREE.PlaneGeometry(2, 2), this.anaglyphMaterial));

    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(opts.container);
    this.resize();
    this.renderer.xr.addEventListener('sessionend', () => this.onSessionEnd());
    // three.js keeps the canvas restorable (preventDefault on loss) and, on restore, starts with empty GPU
    // state: every texture, render target and program is uploaded again from its CPU source on next use
    // (the stereo screen keeps its keyframes' bitmaps and depth bytes open for exactly that).
    const canvas = this.renderer.domElement;
    canvas.addEventListener('webglcontextlost', () => this.onContext(true), false);
    canvas.addEventListener('webglcontextrestored', () => this.onContext(false), false);
    this.renderer.setAnimationLoop((t, frame) => this.frame(t, frame));
  }

  /** Dark, quiet surroundings: a near-black sky and a faint floor grid for a sense of ground. */
  private buildSurroundings(): void {
    this.scene.background = new THREE.Color(0x04050a);
    const grid = new THREE.GridHelper(40, 40, 0x1b2233, 0x0f131d);
    grid.layers.enableAll();
    this.scene.add(grid);
  }

  /** Runs every frame before rendering (zoom, gaze, texture swaps), in subscription order. Returns an unsubscribe. */
  onFrame(cb: FrameCallback): () => void {
    return this.subscribe(this.frameCallbacks, cb);
  }

  /** Runs every frame right after rendering, while the frame's pixels are still in the framebuffer. */
  onAfterRender(cb: FrameCallback): () => void {
    return this.subscribe(this.afterRender, cb);
  }

  // Unsubscribing during the loop only blanks the entry (the loop's indices stay valid); the lists are
  // compacted after the frame.
  private subscribe(list: FrameCallback[], cb: FrameCallback): () => void {
    list.push(cb);
    return () => {
      const i = list.indexOf(cb);
      if (i >= 0) { list[i] = NOOP; this.compact = true; }
    };
  }

  /** Called with true when the WebGL context is lost, false when it is back. Returns an unsubscribe. */
  onContextChange(cb: (lost: boolean) => void): () => void {
    this.contextListeners.push(cb);
    return () => { const i = this.contextListeners.indexOf(cb); if (i >= 0) this.contextListeners.splice(i, 1); };
  }

  private onContext(lost: boolean): void {
    this.contextLost = lost;
    // An immersive session cannot draw into a lost context (its XRWebGLLayer is dead): end it, and the
    // flat preview comes back with the context; the user can enter VR again.
    if (lost && this.session) void this.session.end().catch(() => undefined);
    if (!lost) this.resize();
    for (const cb of [...this.contextListeners]) cb(lost);
  }

  setMode(mode: ViewMode): void {
    this.mode = mode;
  }

  get presenting(): boolean {
    return this.renderer.xr.isPresenting;
  }

  /** Metres between the XR eye cameras of the latest frame (0 when not presenting or mono). */
  xrEyeSeparation(): number {
    const cams = this.renderer.xr.getCamera().cameras;
    if (!this.presenting || cams.length < 2) return 0;
    const a = cams[0].matrixWorld.elements, b = cams[1].matrixWorld.elements;
    return Math.hypot(a[12] - b[12], a[13] - b[13], a[14] - b[14]);
  }

  async enterVR(): Promise<void> {
    if (!navigator.xr) throw new Error('WebXR is not available in this browser');
    const session = await navigator.xr.requestSession('immersive-vr', SESSION_INIT);
    try {
      this.refSpace = await pickReferenceSpace(session);
      this.content.position.y = contentHeight(this.refSpace);
      this.renderer.xr.setReferenceSpaceType(this.refSpace);
      this.renderer.xr.setFramebufferScaleFactor(this.xrScale);
      this.sessionScale = this.xrScale;
      await this.renderer.xr.setSession(session);
      this.session = session;
    } catch (err) {
      await session.end().catch(() => undefined);
      throw err;
    }
  }

  async exitVR(): Promise<void> {
    await this.session?.end();
  }

  private onSessionEnd(): void {
    this.session = null;
    this.refSpace = null;
    this.content.position.y = DEFAULT_EYE_HEIGHT;
    this.resize();
  }

  private resize(): void {
    if (this.renderer.xr.isPresenting) return; // the XR framebuffer dictates the size
    const el = this.renderer.domElement.parentElement;
    const w = Math.max(1, el?.clientWidth ?? window.innerWidth);
    const h = Math.max(1, el?.clientHeight ?? window.innerHeight);
    this.renderer.setSize(w, h);
    this.renderer.getDrawingBufferSize(this.size);
    for (const t of this.eyeTargets) t.setSize(this.size.x, this.size.y);
  }

  private frame(timeMs: number, frame: XRFrame | undefined): void {
    this.frameCount++;
    for (let i = 0; i < this.frameCallbacks.length; i++) this.frameCallbacks[i](timeMs, frame);
    if (this.renderer.xr.isPresenting) {
      if (this.emulated && this.sessionScale !== 1) this.fitEmulatedFramebuffer();
      this.renderer.render(this.scene, this.camera);
    } else {
      this.renderFlat();
    }
    for (let i = 0; i < this.afterRender.length; i++) this.afterRender[i](timeMs, frame);
    if (this.compact) {
      this.compact = false;
      removeNoops(this.frameCallbacks);
      removeNoops(this.afterRender);
    }
  }

  /**
   * IWER sizes the canvas (its framebuffer) to the window when the session starts; the eyes' viewports
   * follow the canvas. Shrinking it here is the emulator's framebufferScaleFactor (the canvas keeps its
   * CSS size, so the picture is scaled up). Only writes when the size differs: a write clears the canvas.
   */
  private fitEmulatedFramebuffer(): void {
    const c = this.renderer.domElement;
    const [w, h] = emulatedFramebufferSize(window.innerWidth, window.innerHeight, this.sessionScale, this.fbSize);
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
  }

  /** Width × height of the drawing buffer now (the XR framebuffer while presenting). */
  drawingBufferSize(): { width: number; height: number } {
    const gl = this.renderer.getContext();
    return { width: gl.drawingBufferWidth, height: gl.drawingBufferHeight };
  }

  private renderFlat(): void {
    const r = this.renderer;
    const cam = this.camera;
    const el = r.domElement;
    const w = el.clientWidth, h = el.clientHeight;
    if (this.mode === 'anaglyph') {
      cam.aspect = w / h;
      cam.updateProjectionMatrix();
      for (let i = 0; i < 2; i++) {
        cam.layers.set(0);
        cam.layers.enable(i === 0 ? LEFT_EYE_LAYER : RIGHT_EYE_LAYER);
        const dx = (i === 0 ? -0.5 : 0.5) * this.flatEyeSeparation;
        cam.translateX(dx);
        r.setRenderTarget(this.eyeTargets[i]);
        r.render(this.scene, cam);
        cam.translateX(-dx);
      }
      r.setRenderTarget(null);
      r.render(this.anaglyphScene, this.anaglyphCamera);
    } else {
      const n = eyeViewportsInto(this.mode, w, h, this.views);
      r.setScissorTest(n > 1);
      for (let i = 0; i < n; i++) {
        const v = this.views[i];
        cam.aspect = v.w / v.h;
        cam.updateProjectionMatrix();
        cam.layers.set(0);
        cam.layers.enable(v.eye === 'left' ? LEFT_EYE_LAYER : RIGHT_EYE_LAYER);
        r.setViewport(v.x, v.y, v.w, v.h);
        r.setScissor(v.x, v.y, v.w, v.h);
        const dx = n > 1 ? (v.eye === 'left' ? -0.5 : 0.5) * this.flatEyeSeparation : 0;
        cam.translateX(dx);
        r.render(this.scene, cam);
        cam.translateX(-dx);
      }
      r.setScissorTest(false);
      r.setViewport(0, 0, w, h);
    }
    cam.layers.set(0);
    cam.layers.enable(LEFT_EYE_LAYER);
  }

  dispose(): void {
    this.renderer.setAnimationLoop(null);
    this.resizeObserver.disconnect();
    this.screen.dispose();
    for (const t of this.eyeTargets) t.dispose();
    this.anaglyphMaterial.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
  }
}
