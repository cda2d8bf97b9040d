// Desktop controls (lil-gui): every control edits one field of PanelState and calls one handler, so
// the panel is only a view; what a change does lives in controls.ts. Not shown in XR (DOM).
import GUI, { type Controller } from 'lil-gui';
import { VIEW_MODES, STEREO_METHODS, type ViewMode, type StereoMethodName } from '../stereo';
import { ZOOM_RANGE } from './recipeUrl';
// lil-gui's stylesheet as a file, not the <style> element it would inject: the CSP allows no inline styles.
import 'lil-gui.css';
import './panel.css';

export interface PanelState {
  recipe: string;
  seed: string;
  zoom: number;
  rng: number;
  mode: ViewMode;
  /** 'warp': per-eye textures warped by depth; 'mesh': one depth-displaced screen both eyes see. */
  method: StereoMethodName;
  /** 0..1 depth strength (comfort `strength`). */
  depth: number;
  /** Largest disparity, degrees (comfort `maxDisparityDeg`). */
  budget: number;
  paused: boolean;
  /** In VR the dream rests when it slows the frames (src/dream/pace.ts); off: the dream runs flat out. */
  frameGuard: boolean;
  /** Dream strength: ascent steps per octave and step size; octaves. They override the recipe's own. */
  steps: number;
  stepSize: number;
  octaves: number;
  /** 'auto' or a TF.js backend name. */
  backend: string;
}

export interface PanelHandlers {
  recipe(name: string): void;
  /** steps, step size or octaves changed (read them from the state). */
  strength(): void;
  backend(name: string): void;
  seed(id: string): void;
  zoom(z: number): void;
  rng(n: number): void;
  mode(m: ViewMode): void;
  method(m: StereoMethodName): void;
  depth(strength: number, budgetDeg: number): void;
  paused(p: boolean): void;
  frameGuard(on: boolean): void;
  resetSeed(): void;
  pickFile(file: File): void;
  snapshot(): void;
  record(): void;
  copyLink(): void;
}

export interface PanelChoices {
  recipes: readonly string[];
  /** id → label */
  seeds: readonly { id: string; label: string }[];
  backends: readonly string[];
}

export class ControlPanel {
  readonly gui: GUI;
  private readonly seedCtl: Controller;
  private readonly recordCtl: Controller;
  private readonly pauseCtl: Controller;
  private readonly fileInput: HTMLInputElement;

  constructor(container: HTMLElement, readonly state: PanelState, choices: PanelChoices, h: PanelHandlers) {
    this.gui = new GUI({ container, title: 'Dream controls', injectStyles: false });
    this.gui.domElement.classList.add('dg-panel');
    this.gui.domElement.dataset.testid = 'panel';
    const s = state;
    this.gui.add(s, 'recipe', [...choices.recipes]).name('recipe').onChange((v: string) => h.recipe(v));
    const seedOptions = Object.fromEntries(choices.seeds.map((x) => [x.label, x.id]));
    this.seedCtl = this.gui.add(s, 'seed', seedOptions).name('seed image').onChange((v: string) => h.seed(v));

    // Hidden file input behind a button: lil-gui has no file control.
    this.fileInput = document.createElement('input');
    this.fileInput.type = 'file';
    this.fileInput.accept = 'image/jpeg,image/png,image/webp';
    this.fileInput.dataset.testid = 'seed-file';
    this.fileInput.style.display = 'none';
    this.fileInput.addEventListener('change', () => {
      const f = this.fileInput.files?.[0];
      if (f) h.pickFile(f);
      this.fileInput.value = '';
    });
    this.gui.domElement.appendChild(this.fileInput);
    const actions = {
      chooseFile: () => this.fileInput.click(),
      resetSeed: () => h.resetSeed(),
      snapshot: () => h.snapshot(),
      record: () => h.record(),
      copyLink: () => h.copyLink(),
    };
    this.gui.add(actions, 'chooseFile').name('your own image… (or drop one)');
    this.gui.add(actions, 'resetSeed').name('reset seed');

    const motion = this.gui.addFolder('motion & depth');
    motion.add(s, 'zoom', ZOOM_RANGE[0], 2, 0.05).name('zoom speed').onChange((v: number) => h.zoom(v));
    this.pauseCtl = motion.add(s, 'paused').name('paused').onChange((v: boolean) => h.paused(v));
    motion.add(s, 'depth', 0, 1, 0.05).name('depth strength').onChange(() => h.depth(s.depth, s.budget));
    motion.add(s, 'budget', 0, 2, 0.1).name('comfort budget (°)').onChange(() => h.depth(s.depth, s.budget));
    motion.add(s, 'mode', [...VIEW_MODES]).name('stereo view').onChange((v: ViewMode) => h.mode(v));
    motion.add(s, 'method', [...STEREO_METHODS]).name('stereo method').onChange((v: StereoMethodName) => h.method(v));
    motion.add(s, 'frameGuard').name('frame rate first (VR)').onChange((v: boolean) => h.frameGuard(v));
    motion.add(s, 'rng').step(1).name('random seed (restarts)').onFinishChange((v: number) => h.rng(v));

    const dream = this.gui.addFolder('dream');
    dream.add(s, 'steps', 0, 30, 1).name('steps per octave').onChange(() => h.strength());
    dream.add(s, 'stepSize', 0.001, 0.06, 0.001).name('step size').onChange(() => h.strength());
    dream.add(s, 'octaves', 1, 6, 1).name('octaves').onChange(() => h.strength());
    dream.add(s, 'backend', [...choices.backends]).name('backend (restarts)').onChange((v: string) => h.backend(v));

    const capture = this.gui.addFolder('capture & share');
    capture.add(actions, 'snapshot').name('stereo snapshot (PNG)');
    this.recordCtl = capture.add(actions, 'record').name('record video (WebM)');
    capture.add(actions, 'copyLink').name('copy link to this dream');
  }

  /** Reflect a change made elsewhere (URL, VR buttons, the page's mode menu). */
  refresh(): void {
    this.gui.controllersRecursive().forEach((c) => c.updateDisplay());
  }

  /**
   * Sets the control shown as `name` as a person would: its handler runs. For the test API (in VR the panel
   * is folded away, so a test cannot click it).
   */
  set(name: string, value: unknown): void {
    const c = this.gui.controllersRecursive().find((k) => k.$name.textContent === name);
    if (!c) throw new Error(`no panel control named "${name}"`);
    c.setValue(value);
  }

  /** Opens the file picker (the person's own seed image). */
  chooseFile(): void {
    this.fileInput.click();
  }

  setRecording(on: boolean): void {
    this.recordCtl.name(on ? '■ stop recording' : 'record video (WebM)');
  }

  setPaused(p: boolean): void {
    this.state.paused = p;
    this.pauseCtl.updateDisplay();
  }

  dispose(): void {
    this.gui.destroy();
  }
}
