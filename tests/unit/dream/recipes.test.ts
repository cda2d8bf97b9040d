import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileGraph, PASS_PROFILES } from '../../../src/model';
import { RECIPES, validateRecipe } from '../../../src/dream/recipes';
import { entry, MODEL_DIR } from './helpers';

describe('recipes', () => {
  it('there are at least 4, on at least 4 different default models', () => {
    const models = new Set(Object.values(RECIPES).map((r) => r.model));
    expect(Object.keys(RECIPES).length).toBeGreaterThanOrEqual(4);
    expect(models.size).toBeGreaterThanOrEqual(4);
    for (const id of models) expect(entry(id).default, id).toBe(true);
  });

  it.each(Object.keys(RECIPES))('%s validates and every node exists in its (fixed) graph', (name) => {
    const r = validateRecipe(RECIPES[name]);
    expect(r).toEqual(RECIPES[name]);
    const e = entry(r.model);
    const json = JSON.parse(readFileSync(`${MODEL_DIR}${e.file}`, 'utf8'));
    const names = new Set(compileGraph({ nodes: json.modelTopology.node, weightSpecs: [], weightData: new ArrayBuffer(0) }, { fixes: e.graphFixes, layout: e.input.layout }, PASS_PROFILES.wasm).nodes.map((n) => n.name));
    for (const t of r.terms) expect(names.has(e.nodes[t.node] ?? t.node), `${name}: ${t.node}`).toBe(true);
  });
});
