// What the loader does to a model's graph JSON before TF.js sees it: the model's own fixes (from its manifest
// entry: what it needs to be dreamed on at all) and the optimisation passes of a profile (what the backend it will
// run on gains from). Both are data; the passes themselves are pure functions (passes.ts, graph-layout.ts).
import type { BackendName } from '../platform';
import type { GraphArtifacts } from './graph';
import { nhwcIslands } from './graph-layout';
import { foldPads, fuseBiasRelu6, fuseConvAct, fuseHardSigmoid, fuseHardSwish, globalAvgPoolToMean, relaxPlaceholders, unfuse } from './passes';

/**
 * A model's fixes (manifest `graphFixes`). 'nhwc-islands' is listed per model (only ONNX-converted graphs have the
 * islands) but is an optimisation: it runs only where the profile has it too.
 */
export type GraphFix = 'relax-placeholders' | 'nhwc-islands' | 'unfuse' | 'global-avgpool-to-mean';
export const GRAPH_FIXES: readonly GraphFix[] = ['relax-placeholders', 'nhwc-islands', 'unfuse', 'global-avgpool-to-mean'];

/**
 * The optimisation passes, in the order they run. All but 'nhwc-islands' fold what `unfuse` leaves and run only on
 * models with that fix: 'bias-relu6' BiasAdd → Relu6, 'conv-act' conv → bias → activation, 'hard-swish' and
 * 'hard-sigmoid' their MobileNetV3 spellings, 'fold-pads' a zero Pad into the conv after it (it needs 'conv-act').
 */
export type GraphPass = 'nhwc-islands' | 'bias-relu6' | 'conv-act' | 'hard-swish' | 'hard-sigmoid' | 'fold-pads';
export const GRAPH_PASSES: readonly GraphPass[] = ['nhwc-islands', 'bias-relu6', 'conv-act', 'hard-swish', 'hard-sigmoid', 'fold-pads'];

/** Which optimisation passes a load runs. */
export interface PassProfile {
  readonly name: string;
  readonly passes: readonly GraphPass[];
}

/**
 * The profile per backend. Every backend runs every pass: a folded op runs as one kernel where the backend has one
 * (wasm's accelerator, WebGL's fused conv program) and as its composite elsewhere (src/tf), which is the unfolded
 * graph's arithmetic. A backend that a fold would slow down gets its own list here. The graph is compiled for the
 * backend the weights load onto; when the automatic choice then moves them to another, the graph stays as it was
 * compiled (harmless while the lists are equal).
 */
export const PASS_PROFILES: Readonly<Record<BackendName, PassProfile>> = Object.freeze({
  wasm: Object.freeze({ name: 'wasm', passes: GRAPH_PASSES }),
  webgl: Object.freeze({ name: 'webgl', passes: GRAPH_PASSES }),
  webgpu: Object.freeze({ name: 'webgpu', passes: GRAPH_PASSES }),
  cpu: Object.freeze({ name: 'cpu', passes: GRAPH_PASSES }),
});

/** No optimisation: the graph as a plain TF.js user would load it (with the model's fixes). The bench's naive loop. */
export const NAIVE_PROFILE: PassProfile = Object.freeze({ name: 'naive', passes: Object.freeze([]) });

/** Only the first fold: the reference the later folds are checked against (tests, `dream:bench --compare=folds`). */
export const UNFOLDED_PROFILE: PassProfile = Object.freeze({ name: 'unfolded', passes: Object.freeze(['bias-relu6'] as const) });

/** The profile for a backend by its TF.js name; throws on a backend without one. */
export function passProfile(backend: string): PassProfile {
  const p = (PASS_PROFILES as Record<string, PassProfile | undefined>)[backend];
  if (!p) throw new Error(`no graph pass profile for backend '${backend}' (have ${Object.keys(PASS_PROFILES).join(', ')})`);
  return p;
}

/** What compileGraph needs to know of a model: its fixes, its input layout and (for 'nhwc-islands') its feed node. */
export interface GraphSpec {
  fixes: readonly GraphFix[];
  layout: 'NHWC' | 'NCHW';
  /** The feed node; an NCHW one may get an NHWC twin (graph-layout.ts). */
  feed?: string;
}

/** The model's fixes and the profile's passes over `g`, in one fixed order. */
export function compileGraph(g: GraphArtifacts, spec: GraphSpec, profile: PassProfile): GraphArtifacts {
  const on = (p: GraphPass) => profile.passes.includes(p);
  const fix = (f: GraphFix) => spec.fixes.includes(f);
  let out = g;
  if (fix('relax-placeholders')) out = relaxPlaceholders(out, spec.layout);
  if (fix('nhwc-islands') && on('nhwc-islands')) out = nhwcIslands(out, spec.layout === 'NCHW' && spec.feed != null ? [spec.feed] : []);
  if (fix('unfuse')) {
    out = unfuse(out);
    if (on('bias-relu6')) out = fuseBiasRelu6(out);
    if (on('conv-act')) out = fuseConvAct(out);
    if (on('hard-swish')) out = fuseHardSwish(out);
    if (on('hard-sigmoid')) out = fuseHardSigmoid(out);
    if (on('fold-pads')) out = foldPads(out);
  }
  if (fix('global-avgpool-to-mean')) out = globalAvgPoolToMean(out);
  return out;
}
