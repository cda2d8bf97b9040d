import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DreamClient } from '../../../src/dream/client';
import type { DreamEvent } from '../../../src/dream/protocol';
import { FakeWorker, bitmap, flush, keyframeEvent, type FakeBitmap, type RgbaLike } from './fakeWorker';

// DreamClient.setBackend (the panel's backend control): the worker is replaced at once on the new
// backend, the dream's state carries over, and it is not counted as a fault.
const keyframe = (id: string) => keyframeEvent(id, 7, 3);

beforeEach(() => {
  FakeWorker.all = [];
  vi.stubGlobal('Worker', FakeWorker);
  vi.stubGlobal('document', { baseURI: 'http://localhost/' });
  vi.stubGlobal('self', { location: { href: 'http://localhost/', search: '' } });
  vi.stubGlobal('createImageBitmap', async (b: FakeBitmap) => bitmap(`copy of ${b.id}`));
});
afterEach(() => { vi.unstubAllGlobals(); });

describe('DreamClient.setBackend', () => {
  it('replaces the worker on the new backend with the recipe, focus, last keyframe and running state', async () => {
    const c = new DreamClient({ recipe: 'faces', size: [8, 8], backend: 'wasm' });
    const restarting: DreamEvent[] = [];
    c.on('restarting', (e) => restarting.push(e));
    const w1 = FakeWorker.all[0];
    expect(w1.posted[0]).toMatchObject({ options: { backend: 'wasm' } });
    const custom = { name: 'faces', model: 'posenet', terms: [{ node: 'pw5', weight: 1 }], octaves: 2, octaveScale: 1.4, steps: 3, stepSize: 0.03, jitter: 16, zoom: 1.05, colour: 0.3 };
    c.setRecipe(custom);
    c.setFocus(0.7, 0.4);
    c.start();
    w1.emit(keyframe('k1'));
    await flush();
    c.setBackend('cpu');
    await flush();
    expect(w1.terminated).toBe(true);
    const w2 = FakeWorker.all[1];
    expect(w2.types()).toEqual(['init', 'setSeedImage', 'start']);
    expect(w2.posted[0]).toMatchObject({ options: { backend: 'cpu', recipe: custom, focus: [0.7, 0.4], size: [8, 8] } });
    expect((w2.posted[1].image as RgbaLike).data).toEqual(new Uint8ClampedArray(8 * 8 * 4).fill(7)); // k1's pixels
    expect(c.running).toBe(true);
    expect(restarting).toEqual([]); // not a fault
    expect(c.restartAttempts).toBe(0);
    // null: back to timing the backends.
    c.stop();
    c.setBackend(null);
    await flush();
    const w3 = FakeWorker.all[2];
    expect(w3.posted[0]).toMatchObject({ options: { backend: null } });
    expect(w3.types()).not.toContain('start'); // stopped stays stopped
    c.dispose();
  });
});

describe('DreamClient.holdEvents', () => {
  it('queues events until releaseEvents, then delivers them in order; a held keyframe is closed on dispose', () => {
    const c = new DreamClient({ recipe: 'faces', size: [8, 8] }).holdEvents();
    const w = FakeWorker.all[0];
    w.emit({ type: 'progress', what: 'dream network', loaded: 1, total: 2 });
    w.emit({ type: 'ready', backend: 'wasm', timingsMs: {}, recipes: ['faces'] } as unknown as DreamEvent);
    const seen: string[] = [];
    c.on('progress', () => seen.push('progress'));
    c.on('ready', () => seen.push('ready'));
    expect(seen).toEqual([]); // subscribed late, nothing lost yet
    c.releaseEvents();
    expect(seen).toEqual(['progress', 'ready']);
    w.emit({ type: 'progress', what: 'dream network', loaded: 2, total: 2 });
    expect(seen).toEqual(['progress', 'ready', 'progress']); // flowing after release

    const c2 = new DreamClient({ recipe: 'faces', size: [8, 8] }).holdEvents();
    const k = keyframe('held');
    FakeWorker.all[1].emit(k);
    c2.dispose();
    expect((k as unknown as { bitmap: FakeBitmap }).bitmap.closed).toBe(true);
  });
});
