// Page-side handle on the dream worker: typed commands out, typed events in, and dispose().
// It also keeps the dream alive through faults: when the worker dies (an uncaught error, a lost WebGL
// context, a failed load of its script) it starts a new one — at once after a quiet spell, with backoff when
// crashes repeat — re-sends init, the current recipe and focus, and seeds it with the last keyframe's pixels
// so the dream goes on from where it was. A lost WebGL context restarts on wasm (it cannot be lost, and it
// starts fast); the lost backend is tried once more later.
import type { BackendName } from '../platform';
import type { DreamCommand, DreamEvent, InitOptions, KeyframeMessage, RgbaPixels } from './protocol';
import type { Recipe } from './recipes';
import { DEFAULT_RECIPE } from './recipes';

export const DEFAULT_CLIENT_OPTIONS = { size: [160, 160] as [number, number], recipe: DEFAULT_RECIPE, focus: [0.5, 0.5] as [number, number], seed: 1 };

export interface RestartPolicy {
  /** Delay before the second of repeated crashes' restarts; doubles with each further one (the first is immediate). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Restarts in a row (without a keyframe in between) before giving up. */
  maxRetries: number;
  /** A crash within this long (ms) of the previous one is a repeat (backoff); after a longer spell the restart is immediate. */
  windowMs: number;
  /** After a lost WebGL context the dream goes on on wasm; this long (ms) later the lost backend is tried once more (≤ 0: never). */
  retryLostBackendMs: number;
}
export const DEFAULT_RESTART_POLICY: Readonly<RestartPolicy> = Object.freeze({ baseDelayMs: 250, maxDelayMs: 8000, maxRetries: 5, windowMs: 10_000, retryLostBackendMs: 60_000 });

/** Milliseconds before the restart after crash number `repeat` of a run of repeated crashes (1, 2, …): 0, base, 2·base, … */
export function restartDelayMs(repeat: number, p: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  return repeat <= 1 ? 0 : Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (repeat - 2));
}

type Handler<T extends DreamEvent['type']> = (e: Extract<DreamEvent, { type: T }>) => void;
export type MemoryReport = Omit<Extract<DreamEvent, { type: 'memory' }>, 'type'>;

export class DreamClient {
  private worker!: Worker;
  private readonly handlers = new Map<string, Set<(e: DreamEvent) => void>>();
  private readonly init: InitOptions;
  private readonly policy: RestartPolicy;
  private disposed = false;
  private held: DreamEvent[] | null = null;
  // What the dream should be, replayed into a restarted worker.
  private recipe: string | Recipe;
  private focus: [number, number];
  private pace: { duty: number; probeMs?: number } | null = null;
  private lastFrame: RgbaPixels | null = null; // the newest keyframe's pixels (from the worker)
  private seed: ImageBitmap | RgbaPixels | null = null; // the seed given since the last keyframe, if any
  // Running = wanted (start/stop) and no pause reason (hidden tab, lost graphics, …).
  private wanted = false;
  private readonly pauses = new Set<string>();
  private sentRunning = false;
  private attempts = 0;
  private repeats = 0; // crashes in a row, each within policy.windowMs of the one before
  private lastCrashAt = -Infinity;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  // A lost WebGL context: the backend asked for before it (null = automatic), the number of losses, and
  // the timer that tries that backend again.
  private lostBackend: BackendName | null = null;
  private contextLosses = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Missing URLs default to the build layout next to the page (`models/human/`, `tfjs/`); `backend` to null (the
   * worker chooses). `accelerator: false` runs the worker without the wasm accelerator; `testHooks: true` allows
   * injectFault (a test hook; off unless asked for). Both go into every worker's init, a restarted one's too.
   */
  constructor(options: Partial<InitOptions> = {}, policy: Partial<RestartPolicy> = {}) {
    const base = typeof document !== 'undefined' ? document.baseURI : self.location.href;
    this.init = {
      ...DEFAULT_CLIENT_OPTIONS,
      modelBaseUrl: new URL('models/human/', base).href,
      wasmPath: new URL('tfjs/', base).href,
      depthModelUrl: new URL('models/depth/model.json', base).href,
      backend: null,
      ...options,
      testHooks: options.testHooks ?? false,
    };
    this.policy = { ...DEFAULT_RESTART_POLICY, ...policy };
    this.recipe = this.init.recipe;
    this.focus = [this.init.focus[0], this.init.focus[1]];
    this.spawn();
  }

  /** Subscribe to one event type; returns an unsubscribe function. */
  on<T extends DreamEvent['type']>(type: T, handler: Handler<T>): () => void {
    const set = this.handlers.get(type) ?? new Set();
    set.add(handler as (e: DreamEvent) => void);
    this.handlers.set(type, set);
    return () => set.delete(handler as (e: DreamEvent) => void);
  }

  start(): void { this.guard(); this.wanted = true; this.sync(); }
  stop(): void { this.guard(); this.wanted = false; this.sync(); }
  /** Holds the dream for a reason (e.g. 'hidden', 'context'); it runs again once every reason is resumed. */
  pause(reason: string): void { this.guard(); this.pauses.add(reason); this.sync(); }
  resume(reason: string): void { this.guard(); this.pauses.delete(reason); this.sync(); }
  /** Is the worker asked to dream now? */
  get running(): boolean { return this.sentRunning; }
  get pausedBy(): string[] { return [...this.pauses]; }
  /** Restarts since the last keyframe (0 while healthy). */
  get restartAttempts(): number { return this.attempts; }
  /** The backend the worker is asked for (null = its automatic choice); wasm after a lost WebGL context. */
  get requestedBackend(): BackendName | null { return this.init.backend; }

  setRecipe(recipe: string | Recipe): void { this.recipe = recipe; this.send({ type: 'setRecipe', recipe }); }
  /** Frame guard (src/dream/pace.ts): the share of time the worker may dream, or null for no pacing.
   * Kept across restarts. */
  setPace(duty: number | null, probeMs?: number): void {
    this.pace = duty === null ? null : { duty, probeMs };
    this.send({ type: 'setPace', duty, probeMs });
  }
  /** (u,v) in [0,1]², u left→right, v top→bottom. */
  setFocus(u: number, v: number): void { this.focus = [u, v]; this.send({ type: 'setFocus', focus: [u, v] }); }
  /** The bitmap is transferred (unusable here afterwards); pixels are copied. */
  setSeedImage(image: ImageBitmap | RgbaPixels): void {
    this.guard();
    // Keep it for a restart until a keyframe (made from it) supersedes it.
    if (!('close' in image)) this.keepSeed({ data: new Uint8ClampedArray(image.data), width: image.width, height: image.height });
    else void createImageBitmap(image).then((b) => this.keepSeed(b), () => undefined);
    this.send({ type: 'setSeedImage', image }, 'close' in image ? [image] : []);
  }

  /** The worker's tf.memory() (tensors and bytes on its backend); `settled`: between keyframes (see protocol.ts). */
  memory(opts: { settled?: boolean } = {}): Promise<MemoryReport> {
    return new Promise((resolve) => {
      const off = this.on('memory', ({ type: _t, ...m }) => { off(); resolve(m); });
      this.send({ type: 'memory', ...opts });
    });
  }

  /**
   * Another backend (null = time them and pick): the worker is replaced the way a crashed one is (recipe,
   * focus and the newest picture carry over, running state is kept), without counting as a fault.
   */
  setBackend(backend: BackendName | null): void {
    this.guard();
    this.cancelRetry(); // the user's choice stands
    this.replace(backend);
  }

  private replace(backend: BackendName | null): void {
    if (this.restartTimer) { clearTimeout(this.restartTimer); this.restartTimer = null; }
    this.init.backend = backend;
    this.worker.terminate();
    this.sentRunning = false;
    void this.respawn(0);
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Fault injection (e2e tests): see the 'fault' command in protocol.ts. Only with the `testHooks` option. */
  injectFault(fault: 'crash' | 'loseContext'): void {
    this.guard();
    if (!this.init.testHooks) throw new Error('DreamClient: injectFault needs the testHooks option (fault injection is a test hook)');
    this.send({ type: 'fault', fault });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.cancelRetry();
    this.worker.postMessage({ type: 'dispose' } satisfies DreamCommand);
    this.worker.terminate();
    this.handlers.clear();
    this.held?.forEach((e) => { if (e.type === 'keyframe') e.bitmap.close(); });
    this.held = null;
    this.lastFrame = null;
    this.keepSeed(null);
  }

  private spawn(): void {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker = w;
    this.sentRunning = false;
    w.onmessage = (ev: MessageEvent<DreamEvent>) => { if (w === this.worker) this.onEvent(ev.data); };
    // An error that escaped the worker's handlers (or its script failed to load): its state is unknown.
    w.onerror = (ev) => { ev.preventDefault(); if (w === this.worker) this.crashed(`dream worker failed: ${ev.message || 'script error'}`); };
    w.onmessageerror = () => { if (w === this.worker) this.crashed('dream worker sent a message that could not be read'); };
    w.postMessage({ type: 'init', options: { ...this.init, recipe: this.recipe, focus: this.focus } } satisfies DreamCommand);
    if (this.pace !== null) w.postMessage({ type: 'setPace', ...this.pace } satisfies DreamCommand);
  }

  private crashed(reason: string, contextLost = false): void {
    if (this.disposed || this.restartTimer) return;
    this.worker.terminate();
    this.sentRunning = false;
    this.attempts++;
    const now = Date.now();
    this.repeats = now - this.lastCrashAt < this.policy.windowMs ? this.repeats + 1 : 1;
    this.lastCrashAt = now;
    if (this.attempts > this.policy.maxRetries) {
      this.emit({ type: 'error', message: `${reason}; gave up after ${this.policy.maxRetries} restarts (reload the page to try again)` });
      return;
    }
    const fallback = contextLost ? this.fallBackFromLostContext() : undefined;
    const delayMs = restartDelayMs(this.repeats, this.policy);
    this.emit({ type: 'restarting', attempt: this.attempts, delayMs, reason, ...(fallback ? { fallback } : {}) });
    const attempt = this.attempts;
    this.restartTimer = setTimeout(() => void this.respawn(attempt), delayMs);
  }

  /**
   * A lost WebGL context: the new worker dreams on wasm (no context to lose, and it is up in well under a
   * second: the dream goes on from the last keyframe quickly). After the first loss the lost backend is
   * tried again once, policy.retryLostBackendMs later; after a second loss the dream stays on wasm.
   */
  private fallBackFromLostContext(): BackendName | undefined {
    this.cancelRetry();
    if (this.init.backend === 'wasm') return undefined;
    this.contextLosses++;
    this.lostBackend = this.init.backend;
    this.init.backend = 'wasm';
    const retryMs = this.policy.retryLostBackendMs;
    if (this.contextLosses === 1 && retryMs > 0) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.disposed || this.init.backend !== 'wasm') return;
        this.emit({ type: 'notice', message: `Trying ${this.lostBackend ?? 'the automatic backend choice'} again for the dream (its WebGL context was lost ${Math.round(retryMs / 1000)} s ago).` });
        this.replace(this.lostBackend);
      }, retryMs);
    }
    return 'wasm';
  }

  /** A new worker in place of the dead one; `attempt` 0: a requested replacement (setBackend), not a fault. */
  private async respawn(attempt: number): Promise<void> {
    // The dream goes on from the newest picture we have (the seed given since the last keyframe, else the
    // last keyframe); a copy is sent, so a second crash can use it again. The recipe and focus go with init.
    const from = this.seed ?? this.lastFrame;
    // Pixels (a keyframe's, a seed given as pixels) are copied at once; a seed bitmap needs an async copy.
    const image: ImageBitmap | RgbaPixels | null = !from ? null
      : 'close' in from ? await createImageBitmap(from).catch(() => null)
      : { data: new Uint8ClampedArray(from.data), width: from.width, height: from.height };
    this.restartTimer = null;
    if (this.disposed) { if (image && 'close' in image) image.close(); return; }
    this.spawn();
    if (image) this.worker.postMessage({ type: 'setSeedImage', image } satisfies DreamCommand, 'close' in image ? [image] : [image.data.buffer]);
    this.sync(); // 'start' after the seed: the first keyframe is already the old dream's
    if (attempt > 0) this.emit({ type: 'restarted', attempt, backend: this.init.backend });
  }

  private keepSeed(s: ImageBitmap | RgbaPixels | null): void {
    if (this.seed && 'close' in this.seed) this.seed.close();
    this.seed = s;
  }

  private onEvent(e: DreamEvent): void {
    if (e.type === 'fatal') { this.crashed(e.message, e.contextLost === true); return; }
    if (e.type === 'keyframe') {
      this.attempts = 0;
      this.keepSeed(null);
      this.lastFrame = { data: e.pixels, width: e.width, height: e.height }; // the seed of a restart
    }
    this.emit(e);
  }

  private sync(): void {
    const run = this.wanted && this.pauses.size === 0 && !this.restartTimer;
    if (run === this.sentRunning || this.disposed) return;
    this.sentRunning = run;
    this.worker.postMessage({ type: run ? 'start' : 'stop' } satisfies DreamCommand);
  }

  private guard(): void {
    if (this.disposed) throw new Error('DreamClient: used after dispose()');
  }

  private send(cmd: DreamCommand, transfer: Transferable[] = []): void {
    this.guard();
    this.worker.postMessage(cmd, transfer);
  }

  /**
   * Queue events instead of delivering them, until releaseEvents(). Lets a page create the client (and
   * start the worker loading) first thing, then subscribe once the rest of the page exists, without
   * losing 'ready' or 'progress'. Call it right after `new` (events arrive as later tasks).
   */
  holdEvents(): this { this.held ??= []; return this; }
  /** Delivers the queued events in order, then events flow as usual. */
  releaseEvents(): void {
    const q = this.held;
    this.held = null;
    q?.forEach((e) => this.emit(e));
  }

  private emit(e: DreamEvent): void {
    if (this.held) { this.held.push(e); return; }
    const set = this.handlers.get(e.type);
    if (!set?.size && e.type === 'keyframe') (e as KeyframeMessage).bitmap.close(); // nobody owns it
    set?.forEach((h) => h(e));
  }
}
