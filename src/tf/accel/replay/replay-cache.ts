// When to replay a pure tensor function as a recorded kernel program (./kernel-replay.ts), per owner (a model, a
// depth net) and key (what the function computes, and the input's shape): recorded on a key's second call,
// checked against TF.js on the third, replayed from then on (a key seen once, like a warm-up, costs nothing).
// The dream step's gradient (src/dream/replay.ts) and the depth estimate (src/depth/estimator.ts) go through it.
import * as tf from '@tensorflow/tfjs';
import { recordKernels, replayAllowed, type KernelProgram } from './kernel-replay';

/** Programs kept per owner (objectives × sizes; a dream uses three sizes, the degrade path a few more), least recently used out first. */
export const MAX_PROGRAMS = 12;

interface Entry { program: KernelProgram | null; recorded: boolean; checked: boolean }
const byOwner = new WeakMap<object, Map<string, Entry>>();

/** How many keys `owner` holds (tests). */
export const programCount = (owner: object): number => byOwner.get(owner)?.size ?? 0;
/** `owner`'s keys, least recently used first (tests). */
export const programKeys = (owner: object): string[] => [...(byOwner.get(owner)?.keys() ?? [])];

/** Let go of every program recorded for `owner` (they hold the data they read, e.g. its weights): call on its dispose. */
export function releasePrograms(owner: object): void {
  const m = byOwner.get(owner);
  if (!m) return;
  for (const e of m.values()) e.program?.dispose();
  byOwner.delete(owner);
}

/** Largest |a − b|, relative to the largest |a| (one readback: the check runs once per program). */
function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  const [d, s] = tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))), tf.max(tf.abs(a))]).map((t) => { const v = t.dataSync()[0]; t.dispose(); return v; });
  return s > 0 ? d / s : d;
}

/**
 * `run()` (a pure function of `x` and of data that does not change while `owner` lives), replayed where a checked
 * program for (owner, key) exists. The second call records, the third also replays and keeps the program only if
 * it gave the same values; a program that fails later (e.g. the backend was replaced) is dropped and recorded again.
 */
export function replayed<T extends tf.Tensor>(owner: object, key: string, x: tf.Tensor, run: () => T): T {
  if (!replayAllowed()) return run();
  let programs = byOwner.get(owner);
  if (!programs) byOwner.set(owner, (programs = new Map()));
  const e = programs.get(key);
  if (!e) {
    if (programs.size >= MAX_PROGRAMS) {
      const [oldest, entry] = programs.entries().next().value as [string, Entry];
      entry.program?.dispose();
      programs.delete(oldest);
    }
    programs.set(key, { program: null, recorded: false, checked: false });
    return run(); // one-off keys (a warm-up, the quick first keyframe) never pay for recording
  }
  programs.delete(key);
  programs.set(key, e); // the most recently used last: the least recently used goes first when full
  if (!e.recorded) {
    e.recorded = true;
    const { result, program } = recordKernels(x, run);
    e.program = program;
    return result;
  }
  if (!e.program) return run();
  if (!e.checked) {
    const want = run();
    let got: tf.Tensor | null = null;
    try { got = e.program.run(x); } catch { /* dropped below */ }
    if (got && relativeError(want, got) <= 1e-6) e.checked = true;
    else { e.program.dispose(); e.program = null; } // TF.js from now on for this key
    got?.dispose();
    return want;
  }
  try {
    return e.program.run(x) as T;
  } catch {
    e.program.dispose();
    programs.delete(key); // recorded again next time
    return run();
  }
}
