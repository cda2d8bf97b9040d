// Which backend the dream runs on, decided in two steps around the model load: first the backend the weights load
// onto (forced by `?backend=`, else this browser's remembered automatic choice, else wasm), then the one the dream
// runs on (the forced one warmed up, the remembered one warmed up, or every candidate timed on a real ascent step).
// A forced or remembered backend that fails falls back to the automatic choice, with a notice for a forced one.
// The policy only decides: starting, timing and storing are injected (src/tf's in the worker, fakes in tests).
import type * as tf from '@tensorflow/tfjs';
import type { BackendChoice, BackendConfig, BackendName, chooseBackend, useBackend } from '../tf';

/** Set-up passed to every start and warm-up: the wasm files' folder, and `accelerator: false` for `?accel=off`. */
export type BackendSetup = BackendConfig;

/** What the policy acts through. */
export interface BackendOps {
  useBackend: typeof useBackend;
  chooseBackend: typeof chooseBackend;
  /** This browser's last automatic choice, if still valid (src/tf/backend-cache.ts). */
  loadChoice(): Promise<{ backend: BackendName } | null>;
  saveChoice(backend: BackendName, timingsMs: Partial<Record<BackendName, number>>): Promise<void>;
  clearChoice(): Promise<void>;
}

/** After the first step: the weights' backend is active. */
export interface StartedBackend {
  /** The forced backend, while it stands (null: none was asked for, or it could not start). */
  forced: BackendName | null;
  /** The remembered automatic choice (looked up only when nothing is forced). */
  remembered: { backend: BackendName } | null;
  setup: BackendSetup;
}

/** After the second step: the backend the dream runs on, active. */
export interface SettledBackend extends BackendChoice {
  /** The forced backend, if it stood to the end. */
  forced: BackendName | null;
  /** The remembered choice was used (warmed up only, not re-timed). */
  fromMemory: boolean;
  /** The start-up phase the warm-up or timing was (the 'ready' event's phasesMs key); null: no warm-up. */
  phase: 'warmup (remembered backend)' | 'warmup' | 'backend choice' | null;
}

/**
 * A forced wasm is not warmed up: it is the backend of last resort (nothing to compare with or fall back to), and
 * the first keyframe runs the same kernels, so a warm-up would only delay it. Any other backend is warmed up: the
 * warm-up proves that it can run every kernel of the dream step.
 */
export const warmsUp = (forced: BackendName | null): boolean => forced !== 'wasm';

/** An automatic choice that compared backends (timed or named as skipped) is remembered; a forced one never. */
export const worthRemembering = (choice: BackendChoice, forced: BackendName | null): boolean =>
  forced == null && Object.keys(choice.timingsMs).length + Object.keys(choice.skipped ?? {}).length > 1;

/** Step 1, before the models load: start the forced, else the remembered, else the wasm backend (wasm if that fails). */
export async function startBackend(forced: BackendName | null, setup: BackendSetup, ops: BackendOps, notice: (message: string) => void): Promise<StartedBackend> {
  const remembered = forced ? null : await ops.loadChoice();
  const first: BackendName = forced ?? remembered?.backend ?? 'wasm';
  if (!(await ops.useBackend(first, setup))) {
    if (forced) {
      notice(`The '${forced}' backend could not start in this browser; choosing one automatically.`);
      forced = null;
    }
    if (!(await ops.useBackend('wasm', setup))) throw new Error("backend: 'wasm' could not start");
  }
  return { forced, remembered, setup };
}

/**
 * Step 2, once a model is loaded: `warmup` is one real ascent step (it must not leak; it runs inside tf.tidy).
 * A remembered backend that cannot run it is forgotten and every candidate timed; a forced one that cannot is
 * given up with a notice, and every candidate timed.
 */
export async function settleBackend(started: StartedBackend, warmup: () => tf.Tensor, ops: BackendOps, notice: (message: string) => void): Promise<SettledBackend> {
  const { remembered, setup } = started;
  let forced = started.forced;
  if (!warmsUp(forced)) return { backend: 'wasm', timingsMs: {}, forced, fromMemory: false, phase: null };
  if (remembered) {
    const again = await ops.chooseBackend(warmup, { ...setup, candidates: [remembered.backend] }).catch(() => null);
    if (again?.backend === remembered.backend) return { ...again, forced: null, fromMemory: true, phase: 'warmup (remembered backend)' };
    void ops.clearChoice();
  }
  const choice = await ops.chooseBackend(warmup, { ...setup, override: forced }).catch((e: Error) => {
    if (!forced) throw e;
    notice(`The '${forced}' backend cannot run the dream here (${e.message}); choosing one automatically.`);
    forced = null;
    return ops.chooseBackend(warmup, { ...setup });
  });
  if (worthRemembering(choice, forced)) void ops.saveChoice(choice.backend, choice.timingsMs);
  return { ...choice, forced, fromMemory: false, phase: forced ? 'warmup' : 'backend choice' };
}
