// models/manifest.json: which dream networks exist, where their files are, what they are fed and what each
// model's graph needs (its fixes). Validated on the way in; every failure names the file and the field.
import { GRAPH_FIXES, type GraphFix } from './compile';
import type { FetchLike } from './fetch';

export interface ModelEntry {
  id: string;
  package?: string;
  packageVersion?: string;
  file: string;
  /** Node the image is fed to (a Placeholder or, for movenet, the float node after its int32 preprocessing). */
  feed: string;
  input: { layout: 'NHWC' | 'NCHW'; range: [number, number] };
  /** Layout of the dream nodes' activations (onnx-tf graphs such as nanodet keep NCHW); default NHWC. */
  activationLayout?: 'NHWC' | 'NCHW';
  graphFixes: GraphFix[];
  /** Recommended dream nodes: short alias → graph node name. */
  nodes: Record<string, string>;
  upstream: { project: string; url: string; licence: string };
  default: boolean;
}
export interface Manifest { models: ModelEntry[] }

/** Copy and check a manifest; throws with the exact field that is wrong. */
export function validateManifest(raw: unknown): Manifest {
  const models = (raw as { models?: unknown })?.models;
  if (!Array.isArray(models)) throw new Error('manifest: "models" must be an array');
  return {
    models: models.map((m: Partial<ModelEntry>, i) => {
      const where = `manifest: models[${i}]${m?.id ? ` (${m.id})` : ''}`;
      for (const k of ['id', 'file', 'feed'] as const) if (typeof m?.[k] !== 'string') throw new Error(`${where}: "${k}" must be a string`);
      if (m.input?.layout !== 'NHWC' && m.input?.layout !== 'NCHW') throw new Error(`${where}: input.layout must be NHWC or NCHW`);
      if (!Array.isArray(m.input.range) || m.input.range.length !== 2) throw new Error(`${where}: input.range must be [lo, hi]`);
      if (m.activationLayout != null && m.activationLayout !== 'NHWC' && m.activationLayout !== 'NCHW') throw new Error(`${where}: activationLayout must be NHWC or NCHW`);
      const fixes = m.graphFixes ?? [];
      for (const f of fixes) if (!GRAPH_FIXES.includes(f)) throw new Error(`${where}: unknown graph fix '${f}'`);
      const licence = m.upstream?.licence ?? 'unknown';
      if (m.default && (licence === 'unknown' || /GPL/.test(licence))) throw new Error(`${where}: a model with licence '${licence}' cannot be a default`);
      return { ...(m as ModelEntry), graphFixes: [...fixes], nodes: { ...(m.nodes ?? {}) }, default: !!m.default };
    }),
  };
}

/**
 * Fetch and check `models/manifest.json` at `url`. Every failure names the file and what is wrong with it:
 * missing (HTTP status or network), not JSON, or a field that fails validateManifest.
 */
export async function fetchManifest(url: string, fetchFn: FetchLike): Promise<Manifest> {
  const name = 'models/manifest.json';
  let res;
  try { res = await fetchFn(url); } catch (e) { throw new Error(`${name} could not be fetched from ${url} (${(e as Error).message})`); }
  if (!res.ok) throw new Error(`${name} is missing (HTTP ${res.status} for ${url})`);
  let raw: unknown;
  try { raw = await res.json(); } catch (e) { throw new Error(`${name} is not valid JSON (${(e as Error).message})`); }
  try { return validateManifest(raw); } catch (e) { throw new Error(`${name} is invalid: ${(e as Error).message.replace(/^manifest: /, '')}`); }
}
