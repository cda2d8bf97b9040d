// What the desktop panel, the page's drop target and the in-VR buttons do: seeds (defaults, the
// person's own image), recipe, zoom, depth, pause, capture and the shareable URL. main.ts only hands
// the parts over. The frame hook (`frame`) allocates nothing.
import type * as THREE from 'three';
import type { ViewMode, StereoMethodName } from '../stereo';
import type { BackendName } from '../platform';
import { RECIPES, type DreamEvent, type Recipe } from '../dream';
import { screenPoint } from '../gaze';
import type { ScreenLayout } from '../xr';
import { ControlPanel, type PanelState } from './panel';
import { encodeShareParams, USER_SEED, ZOOM_RANGE, type ShareParams } from './recipeUrl';
import { VRLabel } from './vrLabel';
import { VRInputMapper, stepRecipe, stepZoom, type VRAction } from './vrInput';
import { DEFAULT_SEEDS, NOISE_SEED, noisePixels } from './seeds';
import { loadSeedFile, type SeedPixels } from './seedImage';
import { StereoCapture, captureFileName, download } from './capture';
import type { Hud } from './hud';

/** The parts of StereoScreen the controls use (structural, so tests can pass fakes). */
export interface StereoLike {
  left: THREE.ShaderMaterial;
  right: THREE.ShaderMaterial;
  playback: { config: { speedScale: number }; setPaused(p: boolean): void };
  comfort: { config: { strength: number; maxDisparityDeg: number }; setConfig(c: { strength?: number; maxDisparityDeg?: number }): void };
  push(k: { image: SeedPixels; depth: null; stepZoom: number; focus: readonly [number, number]; reset: boolean }, nowSec: number): void;
}

/** The parts of DreamClient the controls use. */
export interface DreamLike {
  on<T extends DreamEvent['type']>(type: T, h: (e: Extract<DreamEvent, { type: T }>) => void): () => void;
  start(): void;
  stop(): void;
  setRecipe(recipe: string | Recipe): void;
  setSeedImage(px: SeedPixels): void;
  /** Replace the worker with one on another backend (null = measure and pick). */
  setBackend?(backend: BackendName | null): void;
}

export interface ControlsOptions {
  hud: Hud;
  viewer: {
    setMode(m: ViewMode): void; renderer: THREE.WebGLRenderer; presenting: boolean;
    /** The dream screen: the in-scene label goes in front of it. */
    screen: { group: THREE.Object3D; layout: ScreenLayout };
  };
  stereo: StereoLike;
  client: DreamLike | null;
  recipes: readonly string[];
  /** The share parameters to start from (src/app/config.ts) and which of them the URL set. */
  initial: { params: ShareParams; given: Partial<ShareParams> };
  /** The backend the page was asked for (`?backend=`), null for the automatic choice. */
  backend: BackendName | null;
  /** Keyframe size [w, h] (the dream worker's), for seeds and snapshots. */
  size: [number, number];
  /** Without a dream (tests' ?dream=off): show the URL's seed anyway. */
  showInitialSeed: boolean;
  /** Stereo method at start (?stereo=) and how to switch it (main.ts); absent: the panel's method control changes nothing. */
  method?: StereoMethodName;
  setStereoMethod?(m: StereoMethodName): void;
  /** Frame guard (src/dream/pace.ts): on at start? and how to switch it (main.ts). */
  frameGuard?(): boolean;
  setFrameGuard?(on: boolean): void;
}

/** The panel's backend choices: 'auto' measures a warm-up on each and keeps the fastest. */
export const BACKEND_CHOICES = ['auto', 'wasm', 'webgl', 'webgpu', 'cpu'] as const;
/** Zoom speeds the thumbstick steps through (the panel's slider range). */
const VR_ZOOM_RANGE: readonly [number, number] = [0.25, 2];
/** Where the label sits: image point (u, v) of the screen, lifted this far towards the eye (m). */
const LABEL_UV: readonly [number, number] = [0.5, 0.72];
const LABEL_LIFT_M = 0.3;

export class ProductControls {
  readonly state: PanelState;
  readonly panel: ControlPanel;
  private captureImpl: StereoCapture | null = null;
  private ready = false;
  private pendingSeed: SeedPixels | null = null;
  private pendingRecipe: string | Recipe | null = null;
  private userSeed: SeedPixels | null = null;
  /** In-scene feedback (no DOM in XR). */
  readonly label = new VRLabel();
  private readonly vrInput = new VRInputMapper();
  private readonly onVRAction = (a: VRAction) => this.vrAction(a);
  private lastLocked = false;
  /** The recipe the worker last confirmed (its 'recipe' event). */
  workerRecipe: Recipe | null = null;
  private adoptNextRecipe = false;
  /** The latest loading progress per model ('dream network (…)', 'depth network'), bytes. */
  readonly loads = new Map<string, { loaded: number; total: number }>();

  constructor(private readonly o: ControlsOptions) {
    const c = o.stereo.comfort.config;
    const r0 = RECIPES[o.initial.params.recipe] ?? Object.values(RECIPES)[0];
    this.state = {
      ...o.initial.params, method: o.method ?? 'warp', depth: c.strength, budget: c.maxDisparityDeg, paused: false,
      frameGuard: o.frameGuard?.() ?? true,
      steps: r0.steps, stepSize: r0.stepSize, octaves: r0.octaves,
      backend: o.backend ?? 'auto',
    };
    // The URL's zoom speed wins; otherwise keep the screen's own (reduced motion halves it).
    if (o.initial.given.zoom !== undefined) o.stereo.playback.config.speedScale = o.initial.given.zoom;
    this.state.zoom = o.stereo.playback.config.speedScale;
    o.viewer.setMode(this.state.mode);
    o.hud.setMode(this.state.mode);
    o.hud.onModeChange((m) => { this.state.mode = m; this.panel.refresh(); this.updateUrl(); });

    const seeds = [...DEFAULT_SEEDS.map(({ id, label }) => ({ id, label })), { id: USER_SEED, label: 'your own image' }];
    this.panel = new ControlPanel(o.hud.root, this.state, { recipes: o.recipes, seeds, backends: BACKEND_CHOICES }, {
      recipe: (r) => this.setRecipe(r),
      strength: () => this.sendRecipe(),
      backend: (b) => this.setBackend(b),
      seed: (id) => void this.chooseSeed(id),
      zoom: (z) => this.setZoom(z),
      rng: () => this.reloadWithRng(),
      mode: (m) => { o.viewer.setMode(m); o.hud.setMode(m); this.updateUrl(); },
      method: (m) => {
        o.setStereoMethod?.(m);
        // ?stereo= is kept by encodeShareParams (it keeps the page's other parameters).
        const q = new URLSearchParams(location.search);
        q.set('stereo', m);
        history.replaceState(history.state, '', `?${q}`);
        this.updateUrl();
      },
      depth: (strength, budget) => o.stereo.comfort.setConfig({ strength, maxDisparityDeg: budget }),
      paused: (p) => this.setPaused(p),
      frameGuard: (on) => {
        o.setFrameGuard?.(on);
        const q = new URLSearchParams(location.search); // kept by encodeShareParams, like ?stereo=
        if (on) q.delete('frameGuard'); else q.set('frameGuard', 'off');
        history.replaceState(history.state, '', `?${q}`);
        this.updateUrl();
      },
      resetSeed: () => void this.chooseSeed(this.state.seed),
      pickFile: (f) => void this.useFile(f),
      snapshot: () => void this.snapshot(),
      record: () => void this.toggleRecording(),
      copyLink: () => void this.copyLink(),
    });
    this.bindDrop();
    // In an (emulated) immersive session the page's DOM lies over the eyes: fold the panel away while
    // presenting; in a real headset it is not seen anyway.
    o.viewer.renderer.xr.addEventListener('sessionstart', () => { this.panel.gui.domElement.style.display = 'none'; this.bindPinch(); });
    o.viewer.renderer.xr.addEventListener('sessionend', () => { this.panel.gui.domElement.style.display = ''; this.vrInput.reset(); });

    // The label: in front of the lower part of the screen, facing the eye, seen by both eyes.
    const p = this.label.mesh.position;
    const n = { x: 0, y: 0, z: 1 };
    screenPoint(o.viewer.screen.layout, LABEL_UV[0], LABEL_UV[1], p, n);
    p.set(p.x + n.x * LABEL_LIFT_M, p.y + n.y * LABEL_LIFT_M, p.z + n.z * LABEL_LIFT_M);
    o.viewer.screen.group.add(this.label.mesh);

    o.client?.on('ready', () => {
      this.ready = true;
      // The recipe event that follows 'ready' is what the worker could load (a broken model falls back to
      // the next recipe); unless the person has chosen one meanwhile, the panel and the link follow it.
      this.adoptNextRecipe = !this.pendingRecipe;
      if (this.pendingRecipe) o.client!.setRecipe(this.pendingRecipe);
      if (this.pendingSeed) o.client!.setSeedImage(this.pendingSeed);
      this.pendingRecipe = null;
      this.pendingSeed = null;
      if (this.state.paused) o.client!.stop();
    });
    o.client?.on('recipe', (e) => {
      this.workerRecipe = e.recipe;
      if (!this.adoptNextRecipe) return;
      this.adoptNextRecipe = false;
      const name = e.recipe.name;
      if (name === this.state.recipe || !o.recipes.includes(name)) return;
      this.state.recipe = name;
      Object.assign(this.state, { steps: e.recipe.steps, stepSize: e.recipe.stepSize, octaves: e.recipe.octaves });
      this.panel.refresh();
      this.updateUrl();
    });
    o.client?.on('progress', (e) => { this.loads.set(e.what, { loaded: e.loaded, total: e.total }); o.hud.setProgress(e.what, e.loaded, e.total); });
    o.client?.on('error', () => o.hud.hideProgress());
    this.updateUrl();
    // The first keyframe moment: the seed zooms on the screen while the network loads.
    if (o.client || o.showInitialSeed) void this.chooseSeed(this.state.seed, true);
  }

  /** Made on first use: a second (small) WebGL context costs nothing until someone captures. */
  get capture(): StereoCapture {
    this.captureImpl ??= new StereoCapture(this.o.stereo, { eyeWidth: 2 * this.o.size[0], eyeHeight: 2 * this.o.size[1] });
    return this.captureImpl;
  }

  /** Shows a seed at once (a reset keyframe) and gives it to the dream (now, or once it is ready). */
  showSeed(px: SeedPixels, toDream: boolean): void {
    const copy = (): SeedPixels => ({ data: new Uint8ClampedArray(px.data), width: px.width, height: px.height });
    // StereoScreen keeps the buffer as its texture: give it a copy of its own.
    this.o.stereo.push({ image: copy(), depth: null, stepZoom: 1, focus: [0.5, 0.5], reset: true }, performance.now() / 1000);
    if (!toDream || !this.o.client) return;
    if (this.ready) this.o.client.setSeedImage(copy());
    else this.pendingSeed = copy();
  }

  async chooseSeed(id: string, initial = false): Promise<void> {
    const [w, h] = this.o.size;
    try {
      if (id === USER_SEED) {
        if (this.userSeed) this.showSeed(this.userSeed, true);
        else this.panel.chooseFile();
        return;
      }
      const seed = DEFAULT_SEEDS.find((s) => s.id === id) ?? DEFAULT_SEEDS[0];
      this.state.seed = seed.id;
      if (seed.id === NOISE_SEED) {
        // The worker makes this seed itself from the random seed: on first load it only needs showing.
        this.showSeed({ data: noisePixels(w, h, this.state.rng), width: w, height: h }, !initial);
      } else {
        const blob = await (await fetch(seed.url!)).blob();
        this.showSeed(await loadSeedFile(new File([blob], `${seed.id}.png`, { type: 'image/png' }), w, h), true);
      }
      this.o.hud.clearMessage('seed');
    } catch (err) {
      this.o.hud.message('error', `Seed: ${(err as Error).message}`, 'seed');
    } finally {
      this.panel.refresh();
      this.updateUrl();
    }
  }

  /** A person's own image (file picker or drop). It never leaves the device. */
  async useFile(file: File): Promise<void> {
    const [w, h] = this.o.size;
    try {
      const px = await loadSeedFile(file, w, h);
      this.userSeed = px;
      this.state.seed = USER_SEED;
      this.showSeed(px, true);
      this.o.hud.message('info', `Seed: ${file.name} (stays on this device; a shared link uses a default seed).`, 'seed');
    } catch (err) {
      this.o.hud.message('error', (err as Error).message, 'seed');
    }
    this.panel.refresh();
    this.updateUrl();
  }

  setPaused(p: boolean): void {
    this.state.paused = p;
    this.panel.setPaused(p);
    this.o.stereo.playback.setPaused(p);
    if (this.ready) { if (p) this.o.client!.stop(); else this.o.client!.start(); }
    this.label.show(p ? 'paused' : 'dreaming');
  }

  /** A named recipe, with its own steps, step size and octaves (the panel's dream-strength controls reset). */
  setRecipe(name: string): void {
    this.state.recipe = name;
    const r = RECIPES[name];
    if (r) { this.state.steps = r.steps; this.state.stepSize = r.stepSize; this.state.octaves = r.octaves; }
    this.panel.refresh();
    this.sendRecipe();
    this.updateUrl();
    this.label.show(`recipe: ${name}`);
  }

  /** Zoom speed (× the recipe's own), clamped to the share URL's range. */
  setZoom(z: number): void {
    const v = Math.min(ZOOM_RANGE[1], Math.max(ZOOM_RANGE[0], z));
    this.state.zoom = v;
    this.o.stereo.playback.config.speedScale = v;
    this.panel.refresh();
    this.updateUrl();
    this.label.show(`zoom ×${Number(v.toFixed(2))}`);
  }

  /** What the worker should dream: the named preset, or a copy with the panel's steps / step size / octaves. */
  recipeSpec(): string | Recipe {
    const base = RECIPES[this.state.recipe];
    const { steps, stepSize, octaves } = this.state;
    if (!base || (steps === base.steps && stepSize === base.stepSize && octaves === base.octaves)) return this.state.recipe;
    return { ...base, steps: Math.round(steps), stepSize, octaves: Math.round(octaves) };
  }

  private sendRecipe(): void {
    if (!this.o.client) return;
    const spec = this.recipeSpec();
    if (this.ready) this.o.client.setRecipe(spec);
    else this.pendingRecipe = spec;
  }

  /**
   * Another backend: the dream worker is replaced on it (DreamClient.setBackend: the recipe, focus, the
   * newest picture and the pause state carry over). Without a dream the page reloads with ?backend=.
   */
  setBackend(b: string): void {
    this.state.backend = b;
    const name = b === 'auto' ? null : (b as BackendName);
    const client = this.o.client;
    if (!client?.setBackend) {
      const q = new URLSearchParams(location.search);
      if (name) q.set('backend', name); else q.delete('backend');
      location.search = q.toString();
      return;
    }
    this.ready = false;
    this.pendingRecipe = this.recipeSpec();
    this.o.hud.message('info', `Restarting the dream on ${name ?? 'the fastest backend'}…`, 'backend');
    const off = client.on('ready', (e) => { off(); this.o.hud.message('info', `Dreaming on ${e.backend}.`, 'backend'); });
    client.setBackend(name);
  }

  /** The share parameters as a URL query (the page's other parameters kept). */
  shareSearch(): string {
    const { recipe, seed, zoom, rng, mode } = this.state;
    return encodeShareParams({ recipe, seed, zoom, rng, mode }, location.search).search;
  }

  private updateUrl(): void {
    history.replaceState(history.state, '', this.shareSearch() || location.pathname);
  }

  // The random seed is fixed when the dream worker starts: a new one restarts the page with it.
  private reloadWithRng(): void {
    this.state.rng = Math.max(0, Math.min(2 ** 31 - 1, Math.round(this.state.rng)));
    location.search = this.shareSearch();
  }

  private async copyLink(): Promise<void> {
    const { warnings } = encodeShareParams({ ...this.state }, location.search);
    try {
      await navigator.clipboard.writeText(location.href);
      this.o.hud.message('info', `Link copied. ${warnings.join(' ')}`, 'share');
    } catch {
      this.o.hud.message('info', `Link to this dream: ${location.href} ${warnings.join(' ')}`, 'share');
    }
  }

  async snapshot(): Promise<void> {
    try {
      const now = new Date();
      const { sbs, depth } = await this.capture.snapshot();
      download(sbs, captureFileName(this.state.recipe, now, 'sbs'));
      download(depth, captureFileName(this.state.recipe, now, 'depth'));
      this.o.hud.message('info', 'Stereo snapshot saved (side-by-side PNG + depth PNG).', 'capture');
      this.label.show('snapshot saved');
    } catch (err) {
      this.o.hud.message('error', `Snapshot failed: ${(err as Error).message}`, 'capture');
      this.label.show('snapshot failed');
    }
  }

  async toggleRecording(): Promise<void> {
    try {
      if (!this.capture.recording) {
        this.capture.startRecording();
        this.panel.setRecording(true);
        this.o.hud.message('info', 'Recording side-by-side video…', 'capture');
        this.label.show('● recording');
        return;
      }
      const name = captureFileName(this.state.recipe, new Date(), 'video');
      this.panel.setRecording(false);
      this.label.show('recording saved');
      download(await this.capture.stopRecording(), name);
      this.o.hud.message('info', `Video saved: ${name}`, 'capture');
    } catch (err) {
      this.panel.setRecording(false);
      this.o.hud.message('error', `Recording: ${(err as Error).message}`, 'capture');
      this.label.show('recording failed');
    }
  }

  private bindDrop(): void {
    const root = document.documentElement;
    root.addEventListener('dragover', (e) => { e.preventDefault(); root.dataset.dragging = 'true'; });
    root.addEventListener('dragleave', () => { delete root.dataset.dragging; });
    root.addEventListener('drop', (e) => {
      e.preventDefault();
      delete root.dataset.dragging;
      const f = e.dataTransfer?.files?.[0];
      if (f) void this.useFile(f);
    });
  }

  /**
   * Per frame: recording frames, the label's fade, and the in-VR controller buttons (src/ui/vrInput.ts:
   * A/X pause, B/Y snapshot, thumbstick press record, thumbstick up/down zoom, left/right recipe).
   * `focusLocked` (the gaze's lock, toggled by trigger / right-hand pinch) only feeds the label.
   * No allocation: the session's input sources are walked by index; actions go to a bound callback.
   */
  frame(dtSec: number, focusLocked = this.lastLocked): void {
    this.captureImpl?.frame(dtSec);
    if (focusLocked !== this.lastLocked) {
      this.lastLocked = focusLocked;
      this.label.show(focusLocked ? 'focus locked' : 'focus follows gaze');
    }
    this.label.update(dtSec);
    if (!this.o.viewer.presenting) return;
    const sources = this.o.viewer.renderer.xr.getSession()?.inputSources;
    if (!sources) return;
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i];
      const g = s.gamepad;
      // Hands have a gamepad too (buttons[0] = pinch): their pinches are handled as select events.
      if (!g || s.hand || s.handedness === 'none') continue;
      this.vrInput.poll(s.handedness === 'left' ? 0 : 1, g.buttons, g.axes, this.onVRAction);
    }
  }

  private vrAction(a: VRAction): void {
    switch (a) {
      case 'pause': this.setPaused(!this.state.paused); return;
      case 'snapshot': void this.snapshot(); return;
      case 'record': void this.toggleRecording(); return;
      case 'faster': this.setZoom(stepZoom(this.state.zoom, 1, VR_ZOOM_RANGE)); return;
      case 'slower': this.setZoom(stepZoom(this.state.zoom, -1, VR_ZOOM_RANGE)); return;
      case 'next-recipe': this.setRecipe(stepRecipe(this.o.recipes, this.state.recipe, 1)); return;
      case 'previous-recipe': this.setRecipe(stepRecipe(this.o.recipes, this.state.recipe, -1)); return;
    }
  }

  /**
   * Hand tracking: a pinch of the LEFT hand pauses / resumes (the right hand's pinch locks the focus,
   * src/gaze). Vision Pro's transient-pointer pinches steer the focus and are not counted here.
   */
  private bindPinch(): void {
    const session = this.o.viewer.renderer.xr.getSession();
    session?.addEventListener('selectstart', (e) => {
      const s = (e as XRInputSourceEvent).inputSource;
      if (s.hand && s.handedness === 'left' && s.targetRayMode === 'tracked-pointer') this.setPaused(!this.state.paused);
    });
  }

  dispose(): void {
    this.captureImpl?.dispose();
    this.label.dispose();
    this.panel.dispose();
  }
}
