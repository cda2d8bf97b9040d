import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CHOICE_MAX_AGE_MS, choiceValid, loadChoice, saveChoice } from '../../../src/tf/backend-cache';
import { chooseBackend } from '../../../src/tf/backend';
import { WASM_DIR } from '../dream/helpers';

describe('remembered backend choice', () => {
  const c = { backend: 'webgl', timingsMs: { webgl: 5, wasm: 9 }, at: 1000, agent: 'UA' };

  it('is valid for the same browser within its age, and not otherwise', () => {
    expect(choiceValid(c, 1000 + CHOICE_MAX_AGE_MS - 1, 'UA')).toBe(true);
    expect(choiceValid(c, 1000 + CHOICE_MAX_AGE_MS, 'UA')).toBe(false); // too old
    expect(choiceValid(c, 999, 'UA')).toBe(false); // from the future (clock changed)
    expect(choiceValid(c, 2000, 'other UA')).toBe(false);
    expect(choiceValid(null, 2000, 'UA')).toBe(false);
    expect(choiceValid({ at: 1000, agent: 'UA' }, 2000, 'UA')).toBe(false);
  });

  it('without IndexedDB (Node) is a miss, never an error', async () => {
    await saveChoice('wasm', { wasm: 1 });
    expect(await loadChoice()).toBeNull();
  });

  it('one candidate (override or remembered) is only warmed up, not timed again', async () => {
    let calls = 0;
    const job = () => { calls++; return tf.ones([2, 2]); };
    const r = await chooseBackend(job, { candidates: ['wasm'], wasmPath: WASM_DIR, runs: 3 });
    expect(r.backend).toBe('wasm');
    expect(calls).toBe(1);
    calls = 0;
    await chooseBackend(job, { candidates: ['wasm', 'cpu'], wasmPath: WASM_DIR, runs: 3 });
    expect(calls).toBe(8); // 2 candidates × (1 warm-up + 3 timed)
  });
});
