// Named dream presets. A recipe is plain data (it crosses the worker boundary): model + weighted nodes /
// channels + optimiser settings + zoom rate. Node names may be manifest aliases or full graph names.

export interface RecipeTerm { node: string; weight: number; channel?: number }
export interface Recipe {
  name: string;
  model: string; // manifest id
  terms: RecipeTerm[];
  octaves: number;
  octaveScale: number;
  steps: number; // per octave
  stepSize: number; // [0,1] units per normalised step
  jitter: number; // px, at full size
  scales?: number[]; // random scale choices (Lucid), e.g. [0.95, 1, 1.05]
  degrees?: number[]; // random rotation choices
  zoom: number; // magnification per keyframe, e.g. 1.05
  /** 0..1: how strongly each keyframe's per-channel mean/std is pulled back to the seed's (fights drift). */
  colour: number;
}

export const RECIPES: Record<string, Recipe> = {
  // MobileNetV2 block 6: crowds of little figures and faces; stays crisp over long zooms.
  crowds: {
    name: 'crowds', model: 'movenet-lightning', terms: [{ node: 'block_6_expand', weight: 1 }],
    octaves: 3, octaveScale: 1.4, steps: 6, stepSize: 0.015, jitter: 16, zoom: 1.05, colour: 0.3,
  },
  // NanoDet's backbone: bowls, cups, glasses and the odd small person.
  objects: {
    name: 'objects', model: 'nanodet', terms: [{ node: 'leaky_26', weight: 1 }],
    octaves: 3, octaveScale: 1.4, steps: 6, stepSize: 0.015, jitter: 16, zoom: 1.05, colour: 0.3,
  },
  // posenet's mid layers: big faces with eyes and noses in swirling skin (the "eyes" preset).
  faces: {
    name: 'faces', model: 'posenet', terms: [{ node: 'pw5', weight: 1 }, { node: 'pw9', weight: 0.5 }],
    octaves: 3, octaveScale: 1.4, steps: 6, stepSize: 0.015, jitter: 16, zoom: 1.05, colour: 0.3,
  },
  // CenterNet MobileNetV3 deep layer: scaly, woven animal-skin textures; scale/rotate jitter keeps them isotropic.
  textures: {
    name: 'textures', model: 'centernet', terms: [{ node: 'ec13_expand', weight: 1 }],
    octaves: 3, octaveScale: 1.4, steps: 6, stepSize: 0.015, jitter: 16, scales: [0.97, 1, 1.03], degrees: [-4, 0, 4], zoom: 1.05, colour: 0.3,
  },
  // BlazePose: groups of children with bodies and faces; stronger colour care (it drifts to stripes otherwise).
  figures: {
    name: 'figures', model: 'blazepose-full', terms: [{ node: 're_lu_18', weight: 1 }],
    octaves: 3, octaveScale: 1.4, steps: 6, stepSize: 0.015, jitter: 16, zoom: 1.05, colour: 0.4,
  },
};
export const DEFAULT_RECIPE = 'crowds';

/** Copy a recipe, fill defaults and check ranges; throws with the exact field. */
export function validateRecipe(r: Partial<Recipe> & { name?: string }): Recipe {
  const where = `recipe '${r?.name ?? '?'}'`;
  if (typeof r?.model !== 'string') throw new Error(`${where}: "model" must be a manifest id`);
  if (!Array.isArray(r.terms) || r.terms.length === 0) throw new Error(`${where}: "terms" must list at least one node`);
  const num = (k: keyof Recipe, lo: number, hi: number, dflt?: number) => {
    const v = (r[k] ?? dflt) as number;
    if (typeof v !== 'number' || !(v >= lo && v <= hi)) throw new Error(`${where}: "${k}" must be a number in [${lo}, ${hi}], got ${String(r[k])}`);
    return v;
  };
  return {
    name: r.name ?? 'custom', model: r.model, terms: r.terms.map((t) => ({ ...t })),
    octaves: num('octaves', 1, 8, 3), octaveScale: num('octaveScale', 1, 3, 1.4), steps: num('steps', 0, 100, 6),
    stepSize: num('stepSize', 0, 1, 0.015), jitter: num('jitter', 0, 256, 16), zoom: num('zoom', 1, 4, 1.05), colour: num('colour', 0, 1, 0.3),
    ...(r.scales ? { scales: [...r.scales] } : {}), ...(r.degrees ? { degrees: [...r.degrees] } : {}),
  };
}
