// A dream's shareable settings in the page URL: recipe, seed image, zoom speed, random seed, view mode.
// Pure: no DOM, no globals. Decoding never throws on what a person typed or pasted; it keeps what is
// valid and says, in a warning each, what it ignored and why.
import { parseViewMode, type ViewMode } from '../stereo';

export interface ShareParams {
  recipe: string;
  /** A default seed's id (src/ui/seeds.ts), 'noise' for the procedural seed, or 'user' for a file
   *  the person picked — a user image never leaves the device, so it is not put in a URL. */
  seed: string;
  /** Playback zoom speed multiplier (StereoScreen playback `speedScale`), [0, 4]. */
  zoom: number;
  /** Integer seed of the dream's jitter RNG and procedural seed image, [0, 2^31 − 1]. */
  rng: number;
  mode: ViewMode;
}

/** Query parameter names, in the order encode() writes them. */
export const SHARE_KEYS = { recipe: 'recipe', seed: 'seed', zoom: 'zoom', rng: 'rng', mode: 'mode' } as const;
export const USER_SEED = 'user';
export const ZOOM_RANGE: readonly [number, number] = [0, 4];
export const RNG_MAX = 2 ** 31 - 1;

export interface Known {
  recipes: readonly string[];
  /** Shareable seed ids (default seeds and 'noise'). */
  seeds: readonly string[];
}

/** A value the decoder ignored, and why, in words for the page. */
export interface ShareWarning { param: keyof ShareParams; text: string }

export interface Decoded {
  /** Only the parameters present and valid; the caller fills the rest with its defaults. */
  params: Partial<ShareParams>;
  warnings: ShareWarning[];
}

/** Reads the share parameters from a query string ('?a=b&…' or 'a=b&…'). */
export function decodeShareParams(search: string, known: Known): Decoded {
  const q = new URLSearchParams(search);
  const params: Partial<ShareParams> = {};
  const warnings: ShareWarning[] = [];
  const warn = (param: keyof ShareParams, text: string) => warnings.push({ param, text });

  const recipe = q.get(SHARE_KEYS.recipe);
  if (recipe !== null) {
    if (known.recipes.includes(recipe)) params.recipe = recipe;
    else warn('recipe', `Unknown recipe "${recipe}" (recipes: ${known.recipes.join(', ')}).`);
  }
  const seed = q.get(SHARE_KEYS.seed);
  if (seed !== null) {
    if (known.seeds.includes(seed)) params.seed = seed;
    else if (seed === USER_SEED) warn('seed', 'This link was made with the sender\'s own image, which never leaves their device; using a default seed.');
    else warn('seed', `Unknown seed "${seed}" (seeds: ${known.seeds.join(', ')}).`);
  }
  const zoom = q.get(SHARE_KEYS.zoom);
  if (zoom !== null) {
    const z = strictNumber(zoom);
    if (z !== null && z >= ZOOM_RANGE[0] && z <= ZOOM_RANGE[1]) params.zoom = z;
    else warn('zoom', `Zoom speed "${zoom}" is not a number in [${ZOOM_RANGE[0]}, ${ZOOM_RANGE[1]}].`);
  }
  const rng = q.get(SHARE_KEYS.rng);
  if (rng !== null) {
    const r = strictNumber(rng);
    if (r !== null && Number.isInteger(r) && r >= 0 && r <= RNG_MAX) params.rng = r;
    else warn('rng', `Random seed "${rng}" is not a whole number in [0, ${RNG_MAX}].`);
  }
  const mode = q.get(SHARE_KEYS.mode);
  if (mode !== null) {
    const m = parseViewMode(mode);
    if (m) params.mode = m;
    else warn('mode', `Unknown view mode "${mode}" (mono, side-by-side, anaglyph).`);
  }
  return { params, warnings };
}

/**
 * Writes the share parameters into `baseSearch`, keeping every other parameter (emulate, backend, …)
 * where it was. A user image is left out of the URL (it is not shareable) and said so in `warnings`.
 */
export function encodeShareParams(p: ShareParams, baseSearch = ''): { search: string; warnings: string[] } {
  const q = new URLSearchParams(baseSearch);
  const warnings: string[] = [];
  q.set(SHARE_KEYS.recipe, p.recipe);
  if (p.seed === USER_SEED) {
    q.delete(SHARE_KEYS.seed);
    warnings.push('Your own seed image stays on this device: the link uses the default seed instead.');
  } else {
    q.set(SHARE_KEYS.seed, p.seed);
  }
  q.set(SHARE_KEYS.zoom, formatZoom(p.zoom));
  q.set(SHARE_KEYS.rng, String(Math.round(p.rng)));
  q.set(SHARE_KEYS.mode, p.mode);
  const s = q.toString();
  return { search: s ? `?${s}` : '', warnings };
}

/** Two decimals are plenty for a speed multiplier, and keep links short and stable. */
export function formatZoom(z: number): string {
  return String(Math.round(z * 100) / 100);
}

// Number('') is 0 and Number(' 1') is 1; a URL value must be a plain decimal number.
function strictNumber(s: string): number | null {
  if (!/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(s.trim()) || s.trim() !== s) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
