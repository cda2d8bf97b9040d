// What the desktop panel, the page's drop target and the in-VR buttons do: seeds (defaults, the
// person's own image), recipe, zoom, depth, pause, capture and the shareable URL. main.ts only hands
// the parts over. The frame hook (`frame`) allocates nothing.
import type * as THREE from 'three';
import type { ViewMode } from '../stereo/modes';
import { ControlPanel, type PanelState } from './panel';
import { encodeShareParams, USER_SEED, type ShareParams } from './recipeUrl';
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
  on(type: 'ready', h: () => void): () => void;
  start(): void;
  stop(): void;
  setRecipe(name: string): void;
  setSeedImage(px: SeedPixels): void;
}

export interface ControlsOptions {
  hud: Hud;
  viewer: { setMode(m: ViewMode): void; renderer: THREE.WebGLRenderer; presenting: boolean };
  stereo: StereoLike;
  client: DreamLike | null;
  recipes: readonly string[];
  /** The share parameters to start from (resolveShareParams), what the URL set, and its warnings. */
  initial: { params: ShareParams; given: Partial<ShareParams>; warnings: string[] };
  /** Keyframe size [w, h] (the dream worker's), for seeds and snapshots. */
  size: [number, number];
  /** For ?dream=off: show the initial seed even without a dream. */
  showInitialSeed: boolean;
}

/** xr-standard gamepad: buttons[4] = A/X, buttons[5] = B/Y (Quest Touch; IWER emulates the same). */
const BUTTON_AX = 4;
const BUTTON_BY = 5;

export class ProductControls {
  readonly state: PanelState;
  readonly panel: ControlPanel;
  private captureImpl: StereoCapture | null = null;
  /** Warnings from the URL (also shown as messages). */
  readonly urlWarnings: string[];
  private ready = false;
  private pendingSeed: SeedPixels | null = null;
  private pendingRecipe: string | null = null;
  private userSeed: SeedPixels | null = null;
  private readonly held = [false, false, false, false]; // [left AX, left BY, right AX, right BY] last frame

  constructor(private readonly o: ControlsOptions) {
    this.urlWarnings = o.initial.warnings;
    this.urlWarnings.forEach((w, i) => o.hud.message('warning', w, `url-${i}`));
    const c = o.stereo.comfort.config;
    this.state = { ...o.initial.params, depth: c.strength, budget: c.maxDisparityDeg, paused: false };
    // The URL's zoom speed wins; otherwise keep the screen's own (reduced motion halves it).
    if (o.initial.given.zoom !== undefined) o.stereo.playback.config.speedScale = o.initial.given.zoom;
    this.state.zoom = o.stereo.playback.config.speedScale;
    o.viewer.setMode(this.state.mode);
    o.hud.setMode(this.state.mode);
    o.hud.onModeChange((m) => { this.state.mode = m; this.panel.refresh(); this.updateUrl(); });

    const seeds = [...DEFAULT_SEEDS.map(({ id, label }) => ({ id, label })), { id: USER_SEED, label: 'your own image' }];
    this.panel = new ControlPanel(o.hud.root, this.state, { recipes: o.recipes, seeds }, {
      recipe: (r) => { this.sendRecipe(r); this.updateUrl(); },
      seed: (id) => void this.chooseSeed(id),
      zoom: (z) => { o.stereo.playback.config.speedScale = z; this.updateUrl(); },
      rng: () => this.reloadWithRng(),
      mode: (m) => { o.viewer.setMode(m); o.hud.setMode(m); this.updateUrl(); },
      depth: (strength, budget) => o.stereo.comfort.setConfig({ strength, maxDisparityDeg: budget }),
      paused: (p) => this.setPaused(p),
      resetSeed: () => void this.chooseSeed(this.state.seed),
      pickFile: (f) => void this.useFile(f),
      snapshot: () => void this.snapshot(),
      record: () => void this.toggleRecording(),
      copyLink: () => void this.copyLink(),
    });
    this.bindDrop();
    // In an (emulated) immersive session the page's DOM lies over the eyes: fold the panel away while
    // presenting; in a real headset it is not seen anyway.
    o.viewer.renderer.xr.addEventListener('sessionstart', () => { this.panel.gui.domElement.style.display = 'none'; });
    o.viewer.renderer.xr.addEventListener('sessionend', () => { this.panel.gui.domElement.style.display = ''; });

    o.client?.on('ready', () => {
      this.ready = true;
      if (this.pendingRecipe) o.client!.setRecipe(this.pendingRecipe);
      if (this.pendingSeed) o.client!.setSeedImage(this.pendingSeed);
      this.pendingRecipe = null;
      this.pendingSeed = null;
      if (this.state.paused) o.client!.stop();
    });
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
  }

  private sendRecipe(r: string): void {
    if (!this.o.client) return;
    if (this.ready) this.o.client.setRecipe(r);
    else this.pendingRecipe = r;
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
    } catch (err) {
      this.o.hud.message('error', `Snapshot failed: ${(err as Error).message}`, 'capture');
    }
  }

  async toggleRecording(): Promise<void> {
    try {
      if (!this.capture.recording) {
        this.capture.startRecording();
        this.panel.setRecording(true);
        this.o.hud.message('info', 'Recording side-by-side video…', 'capture');
        return;
      }
      const name = captureFileName(this.state.recipe, new Date(), 'video');
      this.panel.setRecording(false);
      download(await this.capture.stopRecording(), name);
      this.o.hud.message('info', `Video saved: ${name}`, 'capture');
    } catch (err) {
      this.panel.setRecording(false);
      this.o.hud.message('error', `Recording: ${(err as Error).message}`, 'capture');
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
   * Per frame: recording frames, and the in-VR buttons — B/Y takes a snapshot, A/X pauses/resumes.
   * No allocation: the session's input source list is walked by index.
   */
  frame(dtSec: number): void {
    this.captureImpl?.frame(dtSec);
    if (!this.o.viewer.presenting) return;
    const sources = this.o.viewer.renderer.xr.getSession()?.inputSources;
    if (!sources) return;
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i];
      const b = s.gamepad?.buttons;
      if (!b || s.handedness === 'none') continue;
      const k = s.handedness === 'left' ? 0 : 2;
      const ax = !!b[BUTTON_AX]?.pressed, by = !!b[BUTTON_BY]?.pressed;
      if (ax && !this.held[k]) this.setPaused(!this.state.paused);
      if (by && !this.held[k + 1]) void this.snapshot();
      this.held[k] = ax;
      this.held[k + 1] = by;
    }
  }

  dispose(): void {
    this.captureImpl?.dispose();
    this.panel.dispose();
  }
}
