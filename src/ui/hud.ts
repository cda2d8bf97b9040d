// The page's heads-up display around the canvas: title, status line, messages, mode picker and
// the Enter-VR button. Plain DOM (no framework); only outside XR — in XR nothing here is seen.
import { VIEW_MODES, type ViewMode } from '../stereo';
import type { XRButtonState } from '../xr';
import './hud.css';

export type MessageLevel = 'info' | 'warning' | 'error';

export class Hud {
  readonly root: HTMLElement;
  readonly viewport: HTMLElement;
  readonly vrButton: HTMLButtonElement;
  readonly modeSelect: HTMLSelectElement;
  private readonly status: HTMLElement;
  private readonly messages: HTMLElement;
  /** Loading bar: bytes of the model files (worker 'progress' events). Hidden when nothing loads. */
  readonly progress: HTMLElement;
  private readonly progressBar: HTMLProgressElement;
  private readonly progressText: HTMLElement;

  constructor(parent: HTMLElement) {
    this.root = el('div', 'dg-root');
    this.viewport = el('div', 'dg-viewport');
    const bar = el('div', 'dg-bar');
    const title = el('h1', 'dg-title');
    title.textContent = 'dream-goggles';
    this.status = el('p', 'dg-status');
    this.status.setAttribute('role', 'status');
    this.status.dataset.testid = 'status';
    this.messages = el('div', 'dg-messages');
    this.messages.setAttribute('role', 'alert');

    const modeLabel = el('label', 'dg-mode');
    modeLabel.textContent = 'View ';
    this.modeSelect = document.createElement('select');
    this.modeSelect.name = 'mode';
    this.modeSelect.dataset.testid = 'mode';
    for (const m of VIEW_MODES) {
      const o = document.createElement('option');
      o.value = m;
      o.textContent = m === 'side-by-side' ? 'side-by-side' : m === 'anaglyph' ? 'red-cyan anaglyph' : 'mono';
      this.modeSelect.appendChild(o);
    }
    modeLabel.appendChild(this.modeSelect);

    this.vrButton = document.createElement('button');
    this.vrButton.className = 'dg-vr';
    this.vrButton.dataset.testid = 'vr-button';
    this.setVRState('CHECKING');

    this.progress = el('div', 'dg-progress');
    this.progress.dataset.testid = 'progress';
    this.progress.hidden = true;
    this.progressBar = document.createElement('progress');
    this.progressText = el('span', 'dg-progress-text');
    this.progress.append(this.progressText, this.progressBar);

    bar.append(title, this.status, modeLabel, this.vrButton);
    this.root.append(this.viewport, this.progress, bar, this.messages);
    parent.appendChild(this.root);
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  /**
   * Shows the loading bar: `loaded` of `total` bytes of `what`. It hides itself once loaded reaches total;
   * the last values stay readable in data-loaded / data-total.
   */
  setProgress(what: string, loaded: number, total: number): void {
    const mb = (n: number) => (n / 1e6).toFixed(1);
    this.progressBar.max = Math.max(1, total);
    this.progressBar.value = Math.min(loaded, total);
    this.progressBar.setAttribute('aria-label', `loading ${what}`);
    this.progressText.textContent = `loading ${what}: ${mb(loaded)} / ${mb(total)} MB`;
    Object.assign(this.progress.dataset, { what, loaded: String(loaded), total: String(total) });
    this.progress.hidden = total > 0 && loaded >= total;
  }

  hideProgress(): void {
    this.progress.hidden = true;
  }

  setMode(mode: ViewMode): void {
    this.modeSelect.value = mode;
  }

  onModeChange(cb: (mode: ViewMode) => void): void {
    this.modeSelect.addEventListener('change', () => cb(this.modeSelect.value as ViewMode));
  }

  setVRState(state: XRButtonState): void {
    this.vrButton.textContent = state;
    this.vrButton.dataset.state = state;
    this.vrButton.disabled = !(state === 'ENTER VR' || state === 'EXIT VR' || state === 'VR NOT ALLOWED');
  }

  /** Shows a message; the same key replaces its earlier message instead of stacking. */
  message(level: MessageLevel, text: string, key = text): void {
    let node = this.messages.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
    if (!node) {
      node = el('p', 'dg-message');
      node.dataset.key = key;
      this.messages.appendChild(node);
    }
    node.dataset.level = level;
    node.textContent = text;
  }

  clearMessage(key: string): void {
    this.messages.querySelector(`[data-key="${CSS.escape(key)}"]`)?.remove();
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}
