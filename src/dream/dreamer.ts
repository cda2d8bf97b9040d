// The endless zoom: each keyframe = zoom about the focus → dream → colour care. Owns its state tensors.
import * as tf from '@tensorflow/tfjs';
import type { DreamModel, ModelEntry } from '../model';
import { channel, layer, sum, type Objective } from './objectives';
import { validateRecipe, type Recipe } from './recipes';
import { dreamOctaveSteps, drain } from './step';
import { compose, jitter, randomRotate, randomScale, seededRng, type Rng, type Transform } from './transforms';
import { zoom, type Focus } from './zoom';

export interface Keyframe {
  image: tf.Tensor4D; // [1,h,w,3] in [0,1]; owned by the Dreamer, valid until the next keyframe / dispose
  /** 1, 2, … since the seed: 1 is the seed itself zoomed and dreamed on. */
  index: number;
  /** Magnification of this keyframe's zoom of the previous image (the seed, for index 1): the recipe's zoom. */
  stepZoom: number;
  focus: Focus;
}

/** Per-channel mean and std, [3] each. */
export function channelStats(x: tf.Tensor4D): { mean: tf.Tensor1D; std: tf.Tensor1D } {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return { mean: mean as tf.Tensor1D, std: tf.sqrt(tf.add(variance, 1e-6)) as tf.Tensor1D };
  });
}

/** Pull per-channel mean/std a fraction `k` of the way to the target's, then clip to [0,1]. */
export function colourCare(x: tf.Tensor4D, target: { mean: tf.Tensor1D; std: tf.Tensor1D }, k: number): tf.Tensor4D {
  return tf.tidy(() => {
    const { mean, std } = channelStats(x);
    const m = tf.add(mean, tf.mul(tf.sub(target.mean, mean), k));
    const s = tf.add(std, tf.mul(tf.sub(target.std, std), k));
    return tf.clipByValue(tf.add(tf.mul(tf.div(tf.sub(x, mean), std), s), m), 0, 1) as tf.Tensor4D;
  });
}

/** Resolve aliases through the manifest entry and build the recipe's objective. */
export function recipeObjective(recipe: Recipe, entry: ModelEntry): Objective {
  const node = (n: string) => entry.nodes[n] ?? n;
  return sum(...recipe.terms.map((t) => (t.channel == null ? layer(node(t.node), t.weight) : channel(node(t.node), t.channel, t.weight))));
}

/** Jitter scaled to the image (recipes are tuned at 224 px), then optional scale/rotate. */
export function recipeTransform(recipe: Recipe, size: number): Transform {
  const px = Math.max(1, Math.round((recipe.jitter * size) / 224));
  const ts = [jitter(px)];
  if (recipe.scales) ts.push(randomScale(recipe.scales));
  if (recipe.degrees) ts.push(randomRotate(recipe.degrees));
  return compose(...ts);
}

export interface DreamerOptions {
  /**
   * The first keyframe after a seed with this much less work (e.g. 1 octave, 2 steps), so something dreamed is
   * on screen soon after a start or a new seed; null = every keyframe the recipe's full work.
   */
  quickFirst?: QuickFirst | null;
}

/** The first keyframe's reduced work: octaves, steps per octave, and the fraction of the size it is dreamed at (then upsampled). */
export interface QuickFirst { octaves: number; steps: number; scale?: number }

export class Dreamer {
  private image: tf.Tensor4D;
  private maxStepsLimit = Infinity;
  private busy = false;
  private readonly quickFirst: QuickFirst | null;
  private stats: { mean: tf.Tensor1D; std: tf.Tensor1D };
  private recipe!: Recipe;
  private objective!: Objective;
  private index = 0;
  private readonly rng: Rng;

  /** `seed` is [1,h,w,3] in [0,1]; it is copied, the caller keeps ownership. */
  constructor(private model: DreamModel, recipe: Recipe, seed: tf.Tensor4D, rngSeed = 1, options: DreamerOptions = {}) {
    this.rng = seededRng(rngSeed);
    this.quickFirst = options.quickFirst ?? null;
    this.setRecipe(recipe, model);
    this.image = tf.clone(seed);
    this.stats = channelStats(seed);
  }

  get size(): [number, number] { return [this.image.shape[1], this.image.shape[2]]; }

  /** Change recipe (and model, if the recipe needs another one; the caller owns models). */
  setRecipe(recipe: Recipe, model: DreamModel = this.model): void {
    this.notBusy('setRecipe');
    const r = validateRecipe(recipe);
    if (r.model !== model.entry.id) throw new Error(`recipe '${r.name}' needs model '${r.model}', got '${model.entry.id}'`);
    const obj = recipeObjective(r, model.entry);
    const missing = obj.nodes.filter((n) => !model.hasNode(n));
    if (missing.length) throw new Error(`recipe '${r.name}': unknown node ${missing.map((n) => `'${n}'`).join(', ')} in model '${model.entry.id}'`);
    this.recipe = r;
    this.model = model;
    this.objective = obj;
  }

  /** Restart the zoom from a new seed ([1,h,w,3] in [0,1], copied); its colours become the target. */
  setSeed(seed: tf.Tensor4D): void {
    this.notBusy('setSeed');
    this.image.dispose();
    this.stats.mean.dispose();
    this.stats.std.dispose();
    this.image = tf.clone(seed);
    this.stats = channelStats(seed);
    this.index = 0;
  }

  /** At most this many ascent steps per octave from now on (graceful degradation); Infinity = the recipe's. */
  set maxSteps(n: number) {
    if (!(n >= 1)) throw new Error(`maxSteps must be ≥ 1, got ${n}`);
    this.maxStepsLimit = n;
  }
  get maxSteps(): number { return this.maxStepsLimit; }

  /** Dream at another size from now on: the current image is resampled so its longer edge is `size` px. */
  resize(size: number): void {
    this.notBusy('resize');
    const [h, w] = this.size;
    const k = size / Math.max(h, w);
    const nh = Math.max(1, Math.round(h * k)), nw = Math.max(1, Math.round(w * k));
    if (nh === h && nw === w) return;
    const next = tf.tidy(() => tf.image.resizeBilinear(this.image, [nh, nw], false, true));
    this.image.dispose();
    this.image = next;
  }

  /** Zoom about `focus`, dream, colour-correct. No readback: the caller decides when to read pixels. */
  keyframe(focus: Focus): Keyframe {
    return drain(this.keyframeSteps(focus));
  }

  /**
   * `keyframe` in slices: yields after every ascent step. Until it finishes, setSeed / setRecipe / resize /
   * dispose throw (the worker waits for the end of the keyframe before it applies them).
   */
  *keyframeSteps(focus: Focus): Generator<void, Keyframe> {
    this.notBusy('keyframe');
    this.busy = true;
    try {
      const r = this.recipe;
      const quick = this.index === 0 ? this.quickFirst : null;
      const [h, w] = this.size;
      const k = quick?.scale ?? 1;
      const zoomed = tf.tidy(() => {
        const z = zoom(this.image, r.zoom, focus);
        return k < 1 ? tf.image.resizeBilinear(z, [Math.max(8, Math.round(h * k)), Math.max(8, Math.round(w * k))], false, true) : z;
      });
      let dreamed: tf.Tensor4D;
      try {
        dreamed = yield* dreamOctaveSteps(this.model, zoomed, this.objective, {
          octaves: quick ? Math.min(quick.octaves, r.octaves) : r.octaves, octaveScale: r.octaveScale,
          steps: Math.max(1, Math.min(r.steps, this.maxStepsLimit, quick ? quick.steps : Infinity)), stepSize: r.stepSize,
          transform: recipeTransform(r, Math.max(...this.size)), rng: this.rng, tileSize: 256,
        });
      } finally {
        zoomed.dispose();
      }
      if (dreamed.shape[1] !== h || dreamed.shape[2] !== w) {
        const small = dreamed;
        dreamed = tf.tidy(() => tf.image.resizeBilinear(small, [h, w], false, true));
        small.dispose();
      }
      const next = colourCare(dreamed, this.stats, r.colour);
      dreamed.dispose();
      this.image.dispose();
      this.image = next;
      this.index += 1;
      return { image: this.image, index: this.index, stepZoom: r.zoom, focus: [focus[0], focus[1]] };
    } finally {
      this.busy = false;
    }
  }

  private notBusy(what: string): void {
    if (this.busy) throw new Error(`Dreamer.${what}: a keyframe is being dreamed; wait for it to finish`);
  }

  dispose(): void {
    this.notBusy('dispose');
    this.image.dispose();
    this.stats.mean.dispose();
    this.stats.std.dispose();
  }
}
