import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { settleBackend, startBackend, warmsUp, worthRemembering, type BackendOps, type BackendSetup } from '../../../src/dream/backend-policy';
import type { BackendChoice, BackendName } from '../../../src/tf';

// The backend policy over fakes: which backend starts, which is warmed up or timed, what falls back, what is said,
// and what is remembered. Each fake records what the policy asked of it.

interface World {
  /** Backends that start (useBackend). */
  starts: BackendName[];
  /** Backends that can run the warm-up step, with their time (chooseBackend). */
  runs: Partial<Record<BackendName, number>>;
  /** Candidates the automatic choice names as skipped (a software rasteriser's WebGL). */
  skipped?: Partial<Record<BackendName, string>>;
  remembered?: BackendName;
}

function fakes(w: World) {
  const log: string[] = [];
  const notices: string[] = [];
  let saved: { backend: BackendName; timingsMs: Partial<Record<BackendName, number>> } | null = null;
  let cleared = false;
  const ops: BackendOps = {
    useBackend: async (name, config) => { log.push(`use ${name}${(config as BackendSetup)?.accelerator === false ? ' (accelerator off)' : ''}`); return w.starts.includes(name); },
    chooseBackend: async (warmup, opts = {}) => {
      const candidates = opts.override ? [opts.override] : (opts.candidates ?? ['webgpu', 'webgl', 'wasm']);
      log.push(`choose ${candidates.join(',')}${(opts as BackendSetup).accelerator === false ? ' (accelerator off)' : ''}`);
      tf.tidy(warmup); // the job is called as the real chooseBackend calls it
      const timingsMs: Partial<Record<BackendName, number>> = {};
      const skipped: Partial<Record<BackendName, string>> = {};
      for (const c of candidates) {
        if (candidates.length > 1 && w.skipped?.[c]) { skipped[c] = w.skipped[c]; continue; }
        if (w.runs[c] != null) timingsMs[c] = w.runs[c];
      }
      const best = (Object.entries(timingsMs) as [BackendName, number][]).sort((a, b) => a[1] - b[1])[0]?.[0];
      if (!best) throw new Error(`none of ${candidates.join(', ')} could run the dream step`);
      return { backend: best, timingsMs, ...(Object.keys(skipped).length ? { skipped } : {}) } satisfies BackendChoice;
    },
    loadChoice: async () => (w.remembered ? { backend: w.remembered } : null),
    saveChoice: async (backend, timingsMs) => { saved = { backend, timingsMs }; },
    clearChoice: async () => { cleared = true; },
  };
  return { ops, log, notices, notice: (m: string) => notices.push(m), saved: () => saved, cleared: () => cleared };
}

const setup: BackendSetup = { wasmPath: '/tfjs/' };
const warmup = () => tf.scalar(1);

async function run(forced: BackendName | null, w: World, s: BackendSetup = setup) {
  const f = fakes(w);
  const started = await startBackend(forced, s, f.ops, f.notice);
  const afterStart = [...f.log];
  const settled = await settleBackend(started, warmup, f.ops, f.notice);
  return { ...f, started, settled, afterStart };
}

describe('backend policy', () => {
  it('nothing forced or remembered: the weights load on wasm, then every candidate is timed, the fastest kept and remembered', async () => {
    const r = await run(null, { starts: ['webgl', 'wasm'], runs: { webgl: 30, wasm: 20 } });
    expect(r.afterStart).toEqual(['use wasm']);
    expect(r.log.slice(1)).toEqual(['choose webgpu,webgl,wasm']);
    expect(r.settled).toEqual({ backend: 'wasm', timingsMs: { webgl: 30, wasm: 20 }, forced: null, fromMemory: false, phase: 'backend choice' });
    expect(r.saved()).toEqual({ backend: 'wasm', timingsMs: { webgl: 30, wasm: 20 } });
    expect(r.notices).toEqual([]);
  });

  it('a choice that compared nothing (one candidate ran, none skipped) is not remembered; one that skipped a candidate is', async () => {
    expect((await run(null, { starts: ['wasm'], runs: { wasm: 20 } })).saved()).toBeNull();
    const skipped = await run(null, { starts: ['wasm'], runs: { wasm: 20 }, skipped: { webgl: 'software renderer (SwiftShader)' } });
    expect(skipped.settled.skipped).toEqual({ webgl: 'software renderer (SwiftShader)' });
    expect(skipped.saved()).toEqual({ backend: 'wasm', timingsMs: { wasm: 20 } });
  });

  it('remembered: the weights load on it, it is only warmed up, and nothing is saved or cleared', async () => {
    const r = await run(null, { starts: ['webgl', 'wasm'], runs: { webgl: 5, wasm: 20 }, remembered: 'webgl' });
    expect(r.afterStart).toEqual(['use webgl']);
    expect(r.log.slice(1)).toEqual(['choose webgl']);
    expect(r.settled).toMatchObject({ backend: 'webgl', fromMemory: true, forced: null, phase: 'warmup (remembered backend)' });
    expect([r.saved(), r.cleared()]).toEqual([null, false]);
  });

  it('remembered but it cannot start: the weights load on wasm; it cannot run either, so it is forgotten and every candidate timed', async () => {
    const r = await run(null, { starts: ['wasm'], runs: { wasm: 20 }, remembered: 'webgpu' });
    expect(r.afterStart).toEqual(['use webgpu', 'use wasm']);
    expect(r.log.slice(2)).toEqual(['choose webgpu', 'choose webgpu,webgl,wasm']);
    expect(r.cleared()).toBe(true);
    expect(r.settled).toMatchObject({ backend: 'wasm', fromMemory: false, phase: 'backend choice' });
    expect(r.notices).toEqual([]); // the automatic choice changing is not news
  });

  it('forced and working: loaded on it, warmed up alone, never remembered', async () => {
    const r = await run('webgl', { starts: ['webgl', 'wasm'], runs: { webgl: 50, wasm: 20 }, remembered: 'wasm' });
    expect(r.afterStart).toEqual(['use webgl']); // the remembered choice is not even read
    expect(r.log.slice(1)).toEqual(['choose webgl']);
    expect(r.settled).toMatchObject({ backend: 'webgl', timingsMs: { webgl: 50 }, forced: 'webgl', fromMemory: false, phase: 'warmup' });
    expect(r.saved()).toBeNull();
  });

  it('forced but it cannot start: a notice, the weights load on wasm, and the choice is automatic (and remembered)', async () => {
    const r = await run('webgpu', { starts: ['webgl', 'wasm'], runs: { webgl: 30, wasm: 20 } });
    expect(r.notices).toEqual(["The 'webgpu' backend could not start in this browser; choosing one automatically."]);
    expect(r.started.forced).toBeNull();
    expect(r.afterStart).toEqual(['use webgpu', 'use wasm']);
    expect(r.settled).toMatchObject({ backend: 'wasm', forced: null, phase: 'backend choice' });
    expect(r.saved()).toEqual({ backend: 'wasm', timingsMs: { webgl: 30, wasm: 20 } });
  });

  it('forced, starts, but cannot run the dream step: a notice naming why, then the automatic choice', async () => {
    const r = await run('webgl', { starts: ['webgl', 'wasm'], runs: { wasm: 20 } });
    expect(r.log.slice(1)).toEqual(['choose webgl', 'choose webgpu,webgl,wasm']);
    expect(r.notices).toEqual(["The 'webgl' backend cannot run the dream here (none of webgl could run the dream step); choosing one automatically."]);
    expect(r.settled).toMatchObject({ backend: 'wasm', forced: null, phase: 'backend choice' });
  });

  it('forced wasm: no warm-up at all (the backend of last resort), nothing timed or remembered', async () => {
    const r = await run('wasm', { starts: ['wasm'], runs: { wasm: 20 } });
    expect(r.log).toEqual(['use wasm']);
    expect(r.settled).toEqual({ backend: 'wasm', timingsMs: {}, forced: 'wasm', fromMemory: false, phase: null });
    expect(r.saved()).toBeNull();
    expect([warmsUp('wasm'), warmsUp('webgl'), warmsUp(null)]).toEqual([false, true, true]);
  });

  it('wasm cannot start: an error; nothing runs on without a backend', async () => {
    const f = fakes({ starts: [], runs: {} });
    await expect(startBackend(null, setup, f.ops, f.notice)).rejects.toThrow("backend: 'wasm' could not start");
  });

  it('nothing can run the dream step: the automatic choice\'s error goes up', async () => {
    await expect(run(null, { starts: ['wasm'], runs: {} })).rejects.toThrow('none of webgpu, webgl, wasm could run the dream step');
  });

  it('the set-up (accelerator off, wasm files) goes to every start and every warm-up', async () => {
    const r = await run('webgl', { starts: ['wasm'], runs: { wasm: 20 } }, { ...setup, accelerator: false });
    expect(r.log).toEqual(['use webgl (accelerator off)', 'use wasm (accelerator off)', 'choose webgpu,webgl,wasm (accelerator off)']);
  });

  it('what is worth remembering', () => {
    expect(worthRemembering({ backend: 'wasm', timingsMs: { wasm: 1, webgl: 2 } }, null)).toBe(true);
    expect(worthRemembering({ backend: 'wasm', timingsMs: { wasm: 1, webgl: 2 } }, 'wasm')).toBe(false);
    expect(worthRemembering({ backend: 'wasm', timingsMs: { wasm: 1 } }, null)).toBe(false);
  });
});
