// A computation's kernel calls, recorded once and replayed straight against the backend. A dream step's
// gradient runs the same kernels on the same shapes every time, but each call through TF.js pays for the graph
// executor, the engine (scopes, tensor tracking, kernel lookup) and the tape (a node and a cloned save per
// saved tensor): 174 calls for a crowds 128² gradient, 604 for textures, ~20–45 % of a step's CPU time
// (bench/README.md, `profiles.stepCpu`). `recordKernels` runs `fn(x)` once through TF.js with every kernel of the
// backend wrapped to note its inputs, attributes and outputs; the program it returns calls the same kernel
// functions with the same attributes on a new `x`, freeing each intermediate after its last reader. Only `x`
// may change between calls: everything else `fn` reads (weights, constants its ops make) is held by the program
// as it was. The caller checks a replay against TF.js once before trusting it (./replay-cache.ts).
// Replay needs kernels that are plain functions of their inputs and the backend (wasm's are): the accelerator
// turns it on for such a backend (installReplay).
import * as tf from '@tensorflow/tfjs';
import type { Restore } from '../../registry';
import { engineBusy, tensorOf } from '../internals';

const backends = new Set<string>();
/** Let programs be recorded and replayed on `backendName`; returns what stops that. */
export function installReplay(backendName: string): Restore {
  backends.add(backendName);
  return () => { backends.delete(backendName); };
}

type Info = tf.TensorInfo;
type Inputs = Record<string, Info | undefined> | (Info | undefined)[];
type KernelFn = (args: { inputs: Inputs; backend: tf.KernelBackend; attrs?: unknown }) => Info | Info[];
interface Call { fn: KernelFn; inputs: Inputs; attrs: unknown; outputs: Info[] }

/** A recorded computation of one input, replayable on new data of the same shape and dtype. */
export interface KernelProgram {
  /** Kernel calls per run (aliases of a call's input data are not calls). */
  readonly calls: number;
  /**
   * The computation on `x` (a tensor the engine tracks, like fn's result). It calls the kernel functions it
   * recorded: kernels registered or taken out since do not change it (callers comparing kernels turn replay off).
   */
  run(x: tf.Tensor): tf.Tensor;
  /** Let go of the data the program holds. */
  dispose(): void;
}

/** Whether a replay now would be seen by TF.js as it expects: replay on for the active backend, no gradient being
 *  recorded, no profile. */
export const replayAllowed = (): boolean => backends.has(tf.getBackend()) && !engineBusy();

/**
 * Run `fn()` (a synchronous function of `x` and of data that does not change) through TF.js, noting every kernel
 * call; returns its result and the program, or a null program where replay does not apply (see `replayAllowed`)
 * or the result is not something a kernel made.
 */
export function recordKernels<T extends tf.Tensor>(x: tf.Tensor, fn: () => T): { result: T; program: KernelProgram | null } {
  if (!replayAllowed()) return { result: fn(), program: null };
  const backendName = tf.getBackend();
  const backend = tf.backend();
  const calls: Call[] = [];
  const held = new Set<object>(); // data the program reads but no call made (weights, constants), x aside
  const made = new Set<object>();
  const configs = tf.getKernelsForBackend(backendName);
  for (const config of configs) {
    const fn0 = config.kernelFunc as unknown as KernelFn;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: ((args: { inputs: Inputs; backend: tf.KernelBackend; attrs?: unknown }) => {
        for (const v of Object.values(args.inputs)) {
          if (v && !made.has(v.dataId) && !held.has(v.dataId) && v.dataId !== x.dataId) { held.add(v.dataId); backend.incRef(v.dataId); }
        }
        const out = fn0(args);
        const outputs = Array.isArray(out) ? out : [out];
        for (const o of outputs) made.add(o.dataId);
        calls.push({ fn: fn0, inputs: Array.isArray(args.inputs) ? [...args.inputs] : { ...args.inputs }, attrs: args.attrs, outputs });
        return out;
      }) as unknown as tf.KernelFunc,
    });
  }
  let result: T;
  try {
    result = fn();
  } catch (e) {
    for (const id of held) backend.disposeData(id as tf.DataId);
    throw e;
  } finally {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
    }
  }
  const program = makeProgram(backendName, backend, x, result.dataId, calls, held);
  if (!program) for (const id of held) backend.disposeData(id as tf.DataId);
  return { result, program };
}

function makeProgram(backendName: string, backend: tf.KernelBackend, x0: tf.Tensor, resultId: object, calls: Call[], held: Set<object>): KernelProgram | null {
  // the last call that made the result's data (a Reshape or Identity may share it with an earlier one)
  let last = -1, lastOut = -1;
  calls.forEach((c, i) => c.outputs.forEach((o, j) => { if (o.dataId === resultId) { last = i; lastOut = j; } }));
  if (last < 0) return null;
  const prog = calls.slice(0, last + 1);
  // when each output may go: after the last call that reads its data (outputs sharing data go together)
  const lastRead = new Map<object, number>();
  prog.forEach((c, i) => { for (const v of Object.values(c.inputs)) if (v) lastRead.set(v.dataId, i); });
  const shape = [...x0.shape], dtype = x0.dtype, inputId = x0.dataId;
  // Compiled once: every output gets a slot (slot 0 is x), one per (data, shape) since a Reshape shares its input's
  // data and a later reader may want either view; each input reads the slot that made its view, or a held
  // constant; each call knows which slots it frees. A run is then array reads and writes, no lookups.
  // A call whose one output is one of its inputs' data (Identity, Reshape: the kernel only counted a reference;
  // 283 of a textures gradient's 604 calls, most of them the tape's saves) becomes an alias of that slot: no
  // call, no reference, nothing to free (the data's last reader is counted over the alias's readers too).
  const slotOf = new Map<object, Map<string, number>>([[inputId, new Map([[x0.shape.join(), 0]])]]);
  const slotFor = (v: Info) => slotOf.get(v.dataId)?.get(v.shape.join()) ?? -1;
  const outSlots: number[][] = [];
  let slots = 1, unresolved = false;
  const plans = prog.map((c, i) => {
    const reads = Object.entries(c.inputs).map(([name, v]) => ({ name, slot: v == null ? -1 : slotFor(v), value: v }));
    // a view no slot holds, of data an earlier call made, would be read as recorded (freed since): no program then
    if (reads.some((r) => r.slot < 0 && r.value != null && slotOf.has(r.value.dataId))) unresolved = true;
    const shared = c.outputs.length === 1 && i !== last ? reads.find((r) => r.value?.dataId === c.outputs[0].dataId) : undefined;
    outSlots.push(c.outputs.map((o) => {
      if (!slotOf.has(o.dataId)) slotOf.set(o.dataId, new Map());
      slotOf.get(o.dataId)!.set(o.shape.join(), slots);
      return slots++;
    }));
    const alias = shared ? { from: shared.slot, value: shared.value!, shape: c.outputs[0].shape, dtype: c.outputs[0].dtype } : null;
    // the call's argument object, made once: a run only points its inputs at this run's data
    const inputs: Record<string, Info | undefined> = Array.isArray(c.inputs) ? ([] as unknown as Record<string, Info | undefined>) : {};
    for (const r of reads) inputs[r.name] = r.value;
    const args = { inputs: inputs as Inputs, backend, attrs: c.attrs };
    return { fn: c.fn, args, inputs, reads, outs: outSlots[i], free: [] as number[], alias };
  });
  prog.forEach((c, i) => c.outputs.forEach((o, j) => {
    if ((i === last && j === lastOut) || plans[i].alias) return; // the result; an alias holds no reference
    plans[Math.max(i, lastRead.get(o.dataId) ?? i)].free.push(outSlots[i][j]);
  }));
  if (unresolved) return null;
  const resultSlot = outSlots[last][lastOut];
  let disposed = false;
  return {
    calls: plans.filter((p) => !p.alias).length,
    run(x: tf.Tensor): tf.Tensor {
      if (disposed) throw new Error('kernel replay: the program was disposed');
      if (tf.getBackend() !== backendName || tf.backend() !== backend) throw new Error(`kernel replay: recorded on ${backendName}, the backend is now ${tf.getBackend()}`);
      if (x.dtype !== dtype || x.shape.join() !== shape.join()) throw new Error(`kernel replay: recorded for ${dtype} [${shape}], got ${x.dtype} [${x.shape}]`);
      const now: (Info | undefined)[] = new Array(slots);
      now[0] = { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
      let done = 0;
      try {
        for (; done < plans.length; done++) {
          const p = plans[done];
          if (p.alias) {
            const a = p.alias;
            now[p.outs[0]] = { dataId: a.from < 0 ? a.value.dataId : now[a.from]!.dataId, shape: a.shape, dtype: a.dtype };
          } else {
            for (const r of p.reads) if (r.slot >= 0) p.inputs[r.name] = now[r.slot];
            const out = p.fn(p.args);
            if (Array.isArray(out)) for (let j = 0; j < out.length; j++) now[p.outs[j]] = out[j];
            else now[p.outs[0]] = out;
          }
          // an alias may be the last reader of data a call made: it frees like any reader
          for (const f of p.free) { backend.disposeData(now[f]!.dataId); now[f] = undefined; }
        }
      } catch (e) {
        // what the calls before the failing one made and had not freed yet
        for (let i = 0; i < done; i++) if (!plans[i].alias) for (const o of plans[i].outs) if (now[o]) backend.disposeData(now[o]!.dataId);
        throw e;
      }
      return tensorOf(now[resultSlot]!);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const id of held) backend.disposeData(id as tf.DataId);
    },
  };
}
