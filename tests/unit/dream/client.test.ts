import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DreamClient, restartDelayMs } from '../../../src/dream/client';
import type { DreamEvent } from '../../../src/dream/protocol';
import { FakeWorker, bitmap, flush, type FakeBitmap } from './fakeWorker';

// DreamClient's fault handling with a stand-in Worker: restarts with backoff, a limit, and the dream's
// state (recipe, focus, running, the last keyframe as seed) replayed into the new worker.

beforeEach(() => {
  FakeWorker.all = [];
  vi.useFakeTimers();
  vi.stubGlobal('Worker', FakeWorker);
  vi.stubGlobal('document', { baseURI: 'http://localhost/' });
  vi.stubGlobal('self', { location: { href: 'http://localhost/', search: '' } });
  vi.stubGlobal('createImageBitmap', async (b: FakeBitmap) => bitmap(`copy of ${b.id}`));
});
afterEach(() => { vi.useRealTimers(); vi.unstubAllGlobals(); });

const keyframe = (id: string): DreamEvent => ({ type: 'keyframe', bitmap: bitmap(id) as unknown as ImageBitmap, index: 1, zoom: 1, focus: [0.5, 0.5], width: 8, height: 8, recipe: 'faces', ms: 1 });

describe('DreamClient restarts', () => {
  it('backoff doubles from 250 ms up to 8 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelayMs(n))).toEqual([250, 500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('a crashed worker is replaced: init with the current recipe and focus, the last keyframe as seed, then start', async () => {
    const c = new DreamClient({ recipe: 'faces', size: [8, 8] });
    const events: DreamEvent[] = [];
    c.on('restarting', (e) => events.push(e));
    c.on('keyframe', (e) => events.push(e));
    const w1 = FakeWorker.all[0];
    c.setRecipe('textures');
    c.setFocus(0.2, 0.3);
    c.start();
    expect(w1.types()).toEqual(['init', 'setRecipe', 'setFocus', 'start']);
    w1.emit(keyframe('k1'));
    await flush();
    w1.crash();
    expect(w1.terminated).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'restarting', attempt: 1, delayMs: 250, reason: 'dream worker failed: boom' });
    expect(c.running).toBe(false);
    vi.advanceTimersByTime(249);
    expect(FakeWorker.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await flush();
    const w2 = FakeWorker.all[1];
    expect(w2.types()).toEqual(['init', 'setSeedImage', 'start']);
    expect(w2.posted[0]).toMatchObject({ options: { recipe: 'textures', focus: [0.2, 0.3], size: [8, 8] } });
    expect((w2.posted[1].image as FakeBitmap).id).toBe('copy of copy of k1');
    expect(c.running).toBe(true);
    // Events of the dead worker are ignored.
    w1.emit(keyframe('late'));
    expect(events.filter((e) => e.type === 'keyframe')).toHaveLength(1);
    c.dispose();
  });

  it('a paused (stopped) dream stays stopped after a restart; a worker fatal event restarts too', async () => {
    const c = new DreamClient();
    c.start();
    c.pause('hidden');
    FakeWorker.all[0].emit({ type: 'fatal', message: 'the dream worker lost its WebGL context' });
    vi.advanceTimersByTime(250);
    await flush();
    expect(FakeWorker.all[1].types()).toEqual(['init']); // no keyframe yet: nothing to seed; paused: no start
    c.resume('hidden');
    expect(FakeWorker.all[1].types()).toEqual(['init', 'start']);
    c.dispose();
  });

  it('gives up after 5 restarts in a row with a clear error; a keyframe in between resets the count', async () => {
    const c = new DreamClient();
    const errors: string[] = [];
    const delays: number[] = [];
    c.on('error', (e) => errors.push(e.message));
    c.on('restarting', (e) => delays.push(e.delayMs));
    FakeWorker.all[0].crash();
    vi.advanceTimersByTime(250); await flush();
    FakeWorker.all[1].emit(keyframe('k'));
    await flush();
    expect(c.restartAttempts).toBe(0);
    for (let i = 0; i < 6; i++) {
      FakeWorker.all.at(-1)!.crash('again');
      vi.advanceTimersByTime(10_000); await flush();
    }
    expect(delays).toEqual([250, 250, 500, 1000, 2000, 4000]);
    expect(errors).toEqual(['dream worker failed: again; gave up after 5 restarts (reload the page to try again)']);
    expect(FakeWorker.all).toHaveLength(7); // the first, one after the first crash, five more
    c.dispose();
  });
});
