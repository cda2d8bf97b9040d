// Page-side handle on the dream worker: typed commands out, typed events in, and dispose().
import { parseBackendOverride } from '../tf/backend-names';
import type { DreamCommand, DreamEvent, InitOptions, KeyframeMessage, RgbaPixels } from './protocol';
import type { Recipe } from './recipes';
import { DEFAULT_RECIPE } from './recipes';

export const DEFAULT_CLIENT_OPTIONS = { size: [160, 160] as [number, number], recipe: DEFAULT_RECIPE, focus: [0.5, 0.5] as [number, number], seed: 1 };

type Handler<T extends DreamEvent['type']> = (e: Extract<DreamEvent, { type: T }>) => void;

export class DreamClient {
  private readonly worker: Worker;
  private readonly handlers = new Map<string, Set<(e: DreamEvent) => void>>();
  private disposed = false;

  /** Missing URLs default to the build layout next to the page (`models/human/`, `tfjs/`); backend to `?backend=`. */
  constructor(options: Partial<InitOptions> = {}) {
    const base = typeof document !== 'undefined' ? document.baseURI : self.location.href;
    const init: InitOptions = {
      ...DEFAULT_CLIENT_OPTIONS,
      modelBaseUrl: new URL('models/human/', base).href,
      wasmPath: new URL('tfjs/', base).href,
      depthModelUrl: new URL('models/depth/model.json', base).href,
      backend: parseBackendOverride(new URLSearchParams(self.location.search).get('backend')),
      ...options,
    };
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<DreamEvent>) => this.emit(ev.data);
    this.worker.onerror = (ev) => this.emit({ type: 'error', message: `dream worker failed: ${ev.message || 'script error'}` });
    this.send({ type: 'init', options: init });
  }

  /** Subscribe to one event type; returns an unsubscribe function. */
  on<T extends DreamEvent['type']>(type: T, handler: Handler<T>): () => void {
    const set = this.handlers.get(type) ?? new Set();
    set.add(handler as (e: DreamEvent) => void);
    this.handlers.set(type, set);
    return () => set.delete(handler as (e: DreamEvent) => void);
  }

  start(): void { this.send({ type: 'start' }); }
  stop(): void { this.send({ type: 'stop' }); }
  setRecipe(recipe: string | Recipe): void { this.send({ type: 'setRecipe', recipe }); }
  /** (u,v) in [0,1]², u left→right, v top→bottom. */
  setFocus(u: number, v: number): void { this.send({ type: 'setFocus', focus: [u, v] }); }
  /** The bitmap is transferred (unusable here afterwards); pixels are copied. */
  setSeedImage(image: ImageBitmap | RgbaPixels): void {
    this.send({ type: 'setSeedImage', image }, 'close' in image ? [image] : []);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.worker.postMessage({ type: 'dispose' } satisfies DreamCommand);
    this.worker.terminate();
    this.handlers.clear();
  }

  private send(cmd: DreamCommand, transfer: Transferable[] = []): void {
    if (this.disposed) throw new Error('DreamClient: used after dispose()');
    this.worker.postMessage(cmd, transfer);
  }

  private emit(e: DreamEvent): void {
    const set = this.handlers.get(e.type);
    if (!set?.size && e.type === 'keyframe') (e as KeyframeMessage).bitmap.close(); // nobody owns it
    set?.forEach((h) => h(e));
  }
}
