import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DreamClient, restartDelayMs } from '../../../src/dream/client';
import type { DreamEvent } from '../../../src/dream/protocol';
import { FakeWorker, bitmap, flush, keyframeEvent, type FakeBitmap, type RgbaLike } from './fakeWorker';

// DreamClient's fault handling with a stand-in Worker: an immediate restart after a quiet spell, backoff
// when crashes repeat, a limit, the dream's state (recipe, focus, running, the last keyframe's pixels as
// seed) replayed into the new worker, and a lost WebGL context restarting on wasm.

beforeEach(() => {
  FakeWorker.all = [];
  vi.useFakeTimers();
  vi.stubGlobal('Worker', FakeWorker);
  vi.stubGlobal('document', { baseURI: 'http://localhost/' });
  vi.stubGlobal('self', { location: { href: 'http://localhost/', search: '' } });
  vi.stubGlobal('createImageBitmap', async (b: FakeBitmap) => bitmap(`copy of ${b.id}`));
});
afterEach(() => { vi.useRealTimers(); vi.unstubAllGlobals(); });

const pixelsOf = (fill: number) => new Uint8ClampedArray(8 * 8 * 4).fill(fill);
const initBackend = (w: FakeWorker) => (w.posted[0] as unknown as { options: { backend: string | null } }).options.backend;

describe('DreamClient restarts', () => {
  it('the first restart is immediate; repeated crashes back off from 250 ms, doubling up to 8 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelayMs(n))).toEqual([0, 250, 500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('a crashed worker is replaced at once: init with the current recipe and focus, a copy of the last keyframe\'s pixels as seed, then start', async () => {
    const c = new DreamClient({ recipe: 'faces', size: [8, 8] });
    const events: DreamEvent[] = [];
    for (const t of ['restarting', 'restarted', 'keyframe'] as const) c.on(t, (e) => events.push(e));
    const w1 = FakeWorker.all[0];
    c.setRecipe('textures');
    c.setFocus(0.2, 0.3);
    c.start();
    expect(w1.types()).toEqual(['init', 'setRecipe', 'setFocus', 'start']);
    const k1 = keyframeEvent('k1', 42);
    w1.emit(k1);
    w1.crash();
    expect(w1.terminated).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'restarting', attempt: 1, delayMs: 0, reason: 'dream worker failed: boom' });
    expect(c.running).toBe(false);
    expect(FakeWorker.all).toHaveLength(1); // on the next task, not inside the error handler
    vi.advanceTimersByTime(0);
    await flush();
    const w2 = FakeWorker.all[1];
    expect(w2.types()).toEqual(['init', 'setSeedImage', 'start']);
    expect(w2.posted[0]).toMatchObject({ options: { recipe: 'textures', focus: [0.2, 0.3], size: [8, 8] } });
    const seed = w2.posted[1].image as RgbaLike;
    expect(seed).toMatchObject({ width: 8, height: 8 });
    expect(seed.data).toEqual(pixelsOf(42));
    expect(seed.data).not.toBe(k1.pixels); // a copy: it is transferred, and a second crash needs it again
    expect(events.at(-1)).toEqual({ type: 'restarted', attempt: 1, backend: null });
    expect(c.running).toBe(true);
    // Events of the dead worker are ignored.
    w1.emit(keyframeEvent('late', 1));
    expect(events.filter((e) => e.type === 'keyframe')).toHaveLength(1);
    // A second crash before the new worker's first keyframe seeds the next one with the same picture.
    w2.crash();
    vi.advanceTimersByTime(250);
    await flush();
    expect((FakeWorker.all[2].posted[1].image as RgbaLike).data).toEqual(pixelsOf(42));
    c.dispose();
  });

  it('a paused (stopped) dream stays stopped after a restart; a worker fatal event restarts too', async () => {
    const c = new DreamClient();
    c.start();
    c.pause('hidden');
    FakeWorker.all[0].emit({ type: 'fatal', message: 'the dream worker could not go on' });
    vi.advanceTimersByTime(0);
    await flush();
    expect(FakeWorker.all[1].types()).toEqual(['init']); // no keyframe yet: nothing to seed; paused: no start
    c.resume('hidden');
    expect(FakeWorker.all[1].types()).toEqual(['init', 'start']);
    c.dispose();
  });

  it('crashes within 10 s of each other back off; after a quiet spell the restart is immediate again', async () => {
    const c = new DreamClient();
    const delays: number[] = [];
    c.on('restarting', (e) => delays.push(e.delayMs));
    const crashThenKeyframe = async (waitMs: number) => {
      FakeWorker.all.at(-1)!.crash();
      vi.advanceTimersByTime(waitMs); await flush();
      FakeWorker.all.at(-1)!.emit(keyframeEvent('k', 1)); // each new worker dreams once, then crashes again
    };
    await crashThenKeyframe(3000);
    await crashThenKeyframe(3000);
    await crashThenKeyframe(3000);
    expect(delays).toEqual([0, 250, 500]);
    vi.advanceTimersByTime(10_000);
    await crashThenKeyframe(0);
    expect(delays).toEqual([0, 250, 500, 0]);
    expect(FakeWorker.all).toHaveLength(5);
    c.dispose();
  });

  it('gives up after 5 restarts in a row with a clear error; a keyframe in between resets the count', async () => {
    const c = new DreamClient();
    const errors: string[] = [];
    const delays: number[] = [];
    c.on('error', (e) => errors.push(e.message));
    c.on('restarting', (e) => delays.push(e.delayMs));
    FakeWorker.all[0].crash();
    vi.advanceTimersByTime(0); await flush();
    FakeWorker.all[1].emit(keyframeEvent('k', 1));
    expect(c.restartAttempts).toBe(0);
    for (let i = 0; i < 6; i++) {
      FakeWorker.all.at(-1)!.crash('again');
      vi.advanceTimersByTime(8000); await flush();
    }
    expect(delays).toEqual([0, 250, 500, 1000, 2000, 4000]);
    expect(errors).toEqual(['dream worker failed: again; gave up after 5 restarts (reload the page to try again)']);
    expect(FakeWorker.all).toHaveLength(7); // the first, one after the first crash, five more
    c.dispose();
  });
});

describe('DreamClient after a lost WebGL context', () => {
  const lose = (w: FakeWorker) => w.emit({ type: 'fatal', message: 'the dream worker lost its WebGL context', contextLost: true });

  it('restarts on wasm at once from the last keyframe, tries the lost backend once more a minute later, and stays on wasm after a second loss', async () => {
    const c = new DreamClient({ size: [8, 8], backend: 'webgl' });
    const events: DreamEvent[] = [];
    for (const t of ['restarting', 'restarted', 'notice'] as const) c.on(t, (e) => events.push(e));
    c.start();
    FakeWorker.all[0].emit(keyframeEvent('k1', 11));
    lose(FakeWorker.all[0]);
    expect(events).toEqual([{ type: 'restarting', attempt: 1, delayMs: 0, reason: 'the dream worker lost its WebGL context', fallback: 'wasm' }]);
    vi.advanceTimersByTime(0); await flush();
    const w2 = FakeWorker.all[1];
    expect(initBackend(w2)).toBe('wasm');
    expect(w2.types()).toEqual(['init', 'setSeedImage', 'start']);
    expect((w2.posted[1].image as RgbaLike).data).toEqual(pixelsOf(11));
    expect(events.at(-1)).toEqual({ type: 'restarted', attempt: 1, backend: 'wasm' });
    expect(c.requestedBackend).toBe('wasm');
    w2.emit(keyframeEvent('k2', 22));

    // A minute later: webgl again, from the newest keyframe; a planned switch, not a fault.
    vi.advanceTimersByTime(59_999); await flush();
    expect(FakeWorker.all).toHaveLength(2);
    vi.advanceTimersByTime(1); await flush();
    expect(w2.terminated).toBe(true);
    const w3 = FakeWorker.all[2];
    expect(initBackend(w3)).toBe('webgl');
    expect(w3.types()).toEqual(['init', 'setSeedImage', 'start']);
    expect((w3.posted[1].image as RgbaLike).data).toEqual(pixelsOf(22));
    expect(events.at(-1)).toMatchObject({ type: 'notice', message: expect.stringContaining('Trying webgl again') });
    expect(events.filter((e) => e.type === 'restarting')).toHaveLength(1);

    // Lost again: wasm for good.
    w3.emit(keyframeEvent('k3', 33));
    lose(w3);
    expect(events.at(-1)).toMatchObject({ type: 'restarting', fallback: 'wasm' });
    vi.advanceTimersByTime(0); await flush();
    expect(initBackend(FakeWorker.all[3])).toBe('wasm');
    vi.advanceTimersByTime(600_000); await flush();
    expect(FakeWorker.all).toHaveLength(4);
    expect(c.requestedBackend).toBe('wasm');
    c.dispose();
  });

  it('the automatic choice is what is tried again; a backend the user picks meanwhile cancels the retry', async () => {
    const c = new DreamClient({ size: [8, 8] }); // backend null: the worker chooses
    lose(FakeWorker.all[0]);
    vi.advanceTimersByTime(0); await flush();
    expect(initBackend(FakeWorker.all[1])).toBe('wasm');
    c.setBackend('cpu');
    await flush();
    expect(initBackend(FakeWorker.all[2])).toBe('cpu');
    vi.advanceTimersByTime(120_000); await flush();
    expect(FakeWorker.all).toHaveLength(3);
    expect(c.requestedBackend).toBe('cpu');
    c.dispose();

    const d = new DreamClient({ size: [8, 8] });
    lose(FakeWorker.all[3]);
    vi.advanceTimersByTime(60_000); await flush();
    expect(FakeWorker.all.slice(4).map(initBackend)).toEqual(['wasm', null]);
    d.dispose();
  });

  it('a worker already on wasm that reports a lost context is restarted as it is (no fallback)', async () => {
    const c = new DreamClient({ size: [8, 8], backend: 'wasm' });
    const restarting: DreamEvent[] = [];
    c.on('restarting', (e) => restarting.push(e));
    lose(FakeWorker.all[0]);
    expect(restarting[0]).not.toHaveProperty('fallback');
    vi.advanceTimersByTime(120_000); await flush();
    expect(FakeWorker.all.map(initBackend)).toEqual(['wasm', 'wasm']);
    c.dispose();
  });
});

describe('DreamClient switches: accelerator and test hooks', () => {
  const initOptions = (w: FakeWorker) => (w.posted[0] as unknown as { options: { accelerator?: boolean; testHooks?: boolean } }).options;

  it('accelerator: false and testHooks go into init, and into a restarted worker\'s init', async () => {
    const c = new DreamClient({ size: [8, 8], accelerator: false, testHooks: true });
    expect(initOptions(FakeWorker.all[0])).toMatchObject({ accelerator: false, testHooks: true });
    FakeWorker.all[0].crash();
    vi.advanceTimersByTime(0);
    await flush();
    expect(FakeWorker.all).toHaveLength(2);
    expect(initOptions(FakeWorker.all[1])).toMatchObject({ accelerator: false, testHooks: true });
    c.dispose();
  });

  it('injectFault sends the fault with testHooks, and throws without sending anything when testHooks is false', () => {
    const on = new DreamClient({ size: [8, 8], testHooks: true });
    on.injectFault('crash');
    expect(FakeWorker.all[0].posted.at(-1)).toEqual({ type: 'fault', fault: 'crash' });
    const off = new DreamClient({ size: [8, 8], testHooks: false });
    expect(initOptions(FakeWorker.all[1]).testHooks).toBe(false);
    expect(() => off.injectFault('loseContext')).toThrow('DreamClient: injectFault needs the testHooks option (fault injection is a test hook)');
    expect(FakeWorker.all[1].types()).toEqual(['init']);
    on.dispose(); off.dispose();
  });

  it('a client created without the option has no fault injection, and its worker is told so', () => {
    const c = new DreamClient({ size: [8, 8] });
    expect(initOptions(FakeWorker.all[0]).testHooks).toBe(false);
    expect(() => c.injectFault('loseContext')).toThrow('needs the testHooks option');
    expect(FakeWorker.all[0].types()).toEqual(['init']);
    c.dispose();
  });

  it('leaves the backend to the worker unless told (the page parses ?backend=, src/app/config.ts)', () => {
    const c = new DreamClient({ size: [8, 8] });
    expect((FakeWorker.all[0].posted[0] as unknown as { options: { backend: unknown } }).options.backend).toBeNull();
    c.dispose();
  });
});
