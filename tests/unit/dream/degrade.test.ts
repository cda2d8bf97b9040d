import { describe, expect, it } from 'vitest';
import { DEFAULT_DEGRADE, DreamGovernor } from '../../../src/dream/degrade';

describe('DreamGovernor (graceful degradation)', () => {
  it('keeps the level while keyframes are within the limit', () => {
    const g = new DreamGovernor({ size: 128, steps: 10 });
    for (const ms of [100, 2999, 3000, 500]) expect(g.observe(ms)).toBeNull();
    expect(g.level).toEqual({ size: 128, steps: 10 });
    expect(DEFAULT_DEGRADE.limitMs).toBe(3000);
    const unset = new DreamGovernor({ size: 128, steps: 10 }, { limitMs: undefined, patience: 1 });
    expect(unset.config.limitMs).toBe(3000);
    expect(unset.observe(2000)).toBeNull();
  });

  it('needs `patience` keyframes over the limit in a row; one in-limit keyframe resets the count', () => {
    const g = new DreamGovernor({ size: 128, steps: 10 }, { patience: 2 });
    expect(g.observe(3100)).toBeNull();
    expect(g.observe(2000)).toBeNull();
    expect(g.observe(3100)).toBeNull();
    const d = g.observe(3100);
    expect(d?.level).toEqual({ size: 112, steps: 10 }); // just over: one quantum down
    expect(d?.message).toBe('dream lowered to 112 px to keep up (keyframes took 3.1 s, limit 3.0 s)');
  });

  it('drops the size to what should fit (work ∝ size²), in multiples of the quantum', () => {
    const g = new DreamGovernor({ size: 224, steps: 10 }, { patience: 1 });
    // 4× too slow → half the edge: 112
    expect(g.observe(12_000)?.level).toEqual({ size: 112, steps: 10 });
    // 2× too slow → 112/√2 = 79.2 → 64 (quantum 16)
    expect(g.observe(6000)?.level).toEqual({ size: 64, steps: 10 });
  });

  it('at the minimum size lowers the steps, then stops at the floor', () => {
    const g = new DreamGovernor({ size: 80, steps: 10 }, { patience: 1, minSize: 64, minSteps: 2 });
    expect(g.observe(100_000)?.level).toEqual({ size: 64, steps: 10 });
    const d = g.observe(6000);
    expect(d?.level).toEqual({ size: 64, steps: 5 });
    expect(d?.message).toBe('dream lowered to 5 steps per octave at 64 px to keep up (keyframes took 6.0 s, limit 3.0 s)');
    expect(g.observe(3500)?.level).toEqual({ size: 64, steps: 4 }); // at least one step less
    expect(g.observe(100_000)?.level).toEqual({ size: 64, steps: 2 });
    expect(g.atFloor).toBe(true);
    expect(g.observe(100_000)).toBeNull();
    expect(g.level).toEqual({ size: 64, steps: 2 });
  });

  it('says small times in ms', () => {
    const g = new DreamGovernor({ size: 128, steps: 10 }, { limitMs: 1, patience: 1 });
    expect(g.observe(850)?.message).toBe('dream lowered to 64 px to keep up (keyframes took 850 ms, limit 1 ms)');
  });

  it('is off with a limit ≤ 0, ignores non-finite times, and rejects bad settings', () => {
    const off = new DreamGovernor({ size: 128, steps: 10 }, { limitMs: 0, patience: 1 });
    expect(off.observe(1e9)).toBeNull();
    const g = new DreamGovernor({ size: 128, steps: 10 }, { patience: 1 });
    expect(g.observe(Number.NaN)).toBeNull();
    expect(g.observe(Number.POSITIVE_INFINITY)).toBeNull();
    expect(() => new DreamGovernor({ size: 128, steps: 10 }, { patience: 0 })).toThrow(/bad config/);
    expect(() => new DreamGovernor({ size: 0, steps: 10 })).toThrow(/bad start level/);
  });

  it('never raises the level again', () => {
    const g = new DreamGovernor({ size: 128, steps: 10 }, { patience: 1 });
    g.observe(5000);
    const low = g.level;
    for (let i = 0; i < 5; i++) expect(g.observe(10)).toBeNull();
    expect(g.level).toEqual(low);
  });
});
