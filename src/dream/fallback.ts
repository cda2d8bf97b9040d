// Start-up fallback: when the recipe asked for cannot start — its model is not in the manifest, its files are
// missing, cut or wrong, or it lacks the recipe's layers — the next recipe whose model loads is dreamed instead,
// and each failure is reported with the file or layer at fault. Nothing here touches the backend.
import { recipeObjective } from './dreamer';
import type { DreamModel } from '../model';
import type { Recipe } from './recipes';

export interface RecipeFailure { recipe: string; message: string }
export interface WorkingRecipe { recipe: Recipe; model: DreamModel; failures: RecipeFailure[] }

/** Throws unless every layer the recipe reads exists in the model's graph. */
export function checkRecipeLayers(r: Recipe, m: DreamModel): void {
  const missing = recipeObjective(r, m.entry).nodes.filter((n) => !m.hasNode(n));
  if (missing.length) throw new Error(`layer ${missing.map((n) => `'${n}'`).join(', ')} is not in model '${m.entry.id}' (${m.entry.file})`);
}

/**
 * `wanted` first, then the other `candidates` in order (each model tried once): the first recipe whose model
 * loads and has its layers. Throws, naming the first failure, when none does.
 */
export async function firstWorkingRecipe(wanted: Recipe, candidates: readonly Recipe[], load: (r: Recipe) => Promise<DreamModel>): Promise<WorkingRecipe> {
  const failures: RecipeFailure[] = [];
  const failedModels = new Map<string, string>();
  for (const r of [wanted, ...candidates.filter((c) => c.name !== wanted.name)]) {
    const known = failedModels.get(r.model);
    if (known) { failures.push({ recipe: r.name, message: known }); continue; }
    try {
      const model = await load(r);
      checkRecipeLayers(r, model);
      return { recipe: r, model, failures };
    } catch (e) {
      const message = (e as Error).message;
      if (!/^layer /.test(message)) failedModels.set(r.model, message);
      failures.push({ recipe: r.name, message });
    }
  }
  throw new Error(`no dream network could start (${failures.length} recipe${failures.length === 1 ? '' : 's'} tried); '${wanted.name}': ${failures[0].message}`);
}

/** The line the person reads when another recipe stands in for the one asked for. */
export function fallbackNotice(wanted: string, w: WorkingRecipe): string {
  const why = w.failures.find((f) => f.recipe === wanted)?.message ?? 'it could not start';
  return `The '${wanted}' dream could not start: ${why}. Dreaming '${w.recipe.name}' instead.`;
}
