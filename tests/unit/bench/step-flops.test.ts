import { describe, expect, it, beforeAll } from 'vitest';
import { fixedNodes, stepFlops } from '../../../scripts/bench/bench-engine';
import { MODEL_DIR, manifest } from '../../../scripts/dream-node';
import { RECIPES } from '../../../src/dream/recipes';
import { recipeObjective } from '../../../src/dream/dreamer';
import { loadDreamModel, NAIVE_PROFILE, PASS_PROFILES, type PassProfile } from '../../../src/model';
import { fileFetch } from '../../../src/tf/file-fetch';
import { wasm } from '../dream/helpers';

// B2's FLOP count on the real recipes: the bench probes the shapes of every counted node in the graph the engine
// runs (after its load-time rewrites), so a rewrite that renames or folds nodes must keep the count working, and
// the count (multiply-adds) must not change with the folds.
describe('B2 step FLOPs on every recipe (64 px)', () => {
  beforeAll(wasm);

  it.each(Object.keys(RECIPES))('%s: every counted shape found, the same FLOPs with and without the engine\'s graph folds', async (name) => {
    const recipe = RECIPES[name];
    const entry = manifest().models.find((m) => m.id === recipe.model)!;
    const count = async (profile: PassProfile) => {
      const model = await loadDreamModel(entry, MODEL_DIR, fileFetch, profile);
      try { return stepFlops(model, fixedNodes(entry, profile), recipeObjective(recipe, entry), 64); } finally { model.dispose(); }
    };
    const folded = await count(PASS_PROFILES.wasm);
    const plain = await count(NAIVE_PROFILE);
    expect(folded.unknown).toEqual([]);
    expect(plain.unknown).toEqual([]);
    expect(folded.forward).toBeGreaterThan(1e6);
    expect(folded.forward).toBe(plain.forward);
  });
});
