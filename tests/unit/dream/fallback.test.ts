import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRecipeLayers, fallbackNotice, firstWorkingRecipe } from '../../../src/dream/fallback';
import { validateRecipe } from '../../../src/dream/recipes';
import { load, wasm } from './helpers';

// A recipe whose model is broken or lacks a layer stands aside for one that loads, and the failure names the file
// or layer at fault.

describe('recipe fallback', () => {
  beforeAll(wasm);
  const selfieRecipe = validateRecipe({ name: 'selfish', model: 'selfie', terms: [{ node: 'mul_13', weight: 1 }] });
  const badLayer = validateRecipe({ name: 'nolayer', model: 'selfie', terms: [{ node: 'no/such/layer', weight: 1 }] });
  const missing = validateRecipe({ name: 'gone', model: 'gone-model', terms: [{ node: 'x', weight: 1 }] });
  const loaded: { dispose(): void }[] = [];
  afterAll(() => loaded.forEach((m) => m.dispose()));
  const loader = async (r: { model: string }) => {
    if (r.model === 'gone-model') throw new Error('model: cannot fetch http://h/models/human/gone.json (HTTP 404)');
    const m = await load(r.model);
    loaded.push(m);
    return m;
  };

  it('a missing layer is named with the model file', async () => {
    const m = await load('selfie');
    loaded.push(m);
    expect(() => checkRecipeLayers(badLayer, m)).toThrow("layer 'no/such/layer' is not in model 'selfie' (selfie.json)");
    expect(() => checkRecipeLayers(selfieRecipe, m)).not.toThrow();
  });

  it('the wanted recipe when it works, with no failures', async () => {
    const w = await firstWorkingRecipe(selfieRecipe, [missing], loader);
    expect(w.recipe.name).toBe('selfish');
    expect(w.failures).toEqual([]);
  });

  it('a broken model or a missing layer hands over to the next recipe that loads, and says which file', async () => {
    const w = await firstWorkingRecipe(missing, [badLayer, selfieRecipe], loader);
    expect(w.recipe.name).toBe('selfish');
    expect(w.failures.map((f) => f.recipe)).toEqual(['gone', 'nolayer']);
    expect(fallbackNotice('gone', w)).toBe("The 'gone' dream could not start: model: cannot fetch http://h/models/human/gone.json (HTTP 404). Dreaming 'selfish' instead.");
  });

  it('throws with the first reason when nothing loads; a failed model is tried once', async () => {
    let calls = 0;
    const missing2 = { ...missing, name: 'gone2' };
    await expect(firstWorkingRecipe(missing, [missing2, badLayer], async (r) => { calls++; return loader(r); }))
      .rejects.toThrow("no dream network could start (3 recipes tried); 'gone': model: cannot fetch http://h/models/human/gone.json (HTTP 404)");
    expect(calls).toBe(2); // gone-model once, selfie once
  });
});
