// The page's configuration: every URL parameter the viewer reads, parsed and validated here and nowhere
// else. Pure (no DOM, no globals): `parseAppConfig(location.search)` gives the values the page runs with and
// a message for each value it could not use. Decoding never throws on what a person typed or pasted.
//
// Several parameters are ignored silently when their value is unusable (the page falls back to its
// default). To give one a message, add a `warn(...)` in its branch below: nothing else changes.
import { DEFAULT_CLIENT_OPTIONS, DEFAULT_RECIPE, RECIPES } from '../dream';
import { parseBackendOverride, type BackendName } from '../platform';
import { DEFAULT_STEREO_METHOD, DEFAULT_VIEW_MODE, parseStereoMethod, STEREO_METHODS, type StereoMethodName } from '../stereo';
import { decodeShareParams, NOISE_SEED, SEED_IDS, type ShareParams } from '../ui';
import { EMULATED_DEVICES, MIN_XR_SCALE, type EmulatedDevice } from '../xr';

/** Every URL parameter the page reads (README, "Other URL parameters"). */
export const APP_PARAMS = [
  'recipe', 'seed', 'zoom', 'rng', 'mode', 'stereo', 'size', 'backend', 'emulate', 'xrScale', 'motion',
  'frameGuard', 'source', 'shift', 'dreamLimit', 'accel', 'testHooks', 'dream',
] as const;
export type AppParam = (typeof APP_PARAMS)[number];

/** Keyframe sizes `?size=` accepts, px (one side of the square keyframe). */
export const SIZE_RANGE: readonly [number, number] = [32, 512];
/** `?xrScale=` range: share of the headset's own framebuffer size. */
export const XR_SCALE_RANGE: readonly [number, number] = [MIN_XR_SCALE, 1];
/** Right-eye shift of the calibration pattern when `?shift=` gives none, texels. */
export const DEFAULT_CALIBRATION_SHIFT_PX = 8;

export interface AppConfig {
  /** The shareable settings (recipe, seed, zoom speed, random seed, view mode), defaults filled in. */
  share: ShareParams;
  /** The share settings the URL itself set (the rest are defaults). */
  given: Partial<ShareParams>;
  stereoMethod: StereoMethodName;
  /** Keyframe size [w, h] px, or null for the dream client's own default. */
  size: [number, number] | null;
  /** A forced dream backend, or null to let the worker time them and pick. */
  backend: BackendName | null;
  /** The headset emulator: forced on, forbidden ('off'), or null to decide from the browser. */
  emulate: EmulatedDevice | 'off' | null;
  /** Share of the headset's framebuffer size, or null for the device's choice (src/xr/resolution.ts). */
  xrScale: number | null;
  /** `?motion=reduced` (the OS's prefers-reduced-motion is added by the page at run time). */
  reducedMotion: boolean;
  /** In VR the dream rests when it slows the frames (src/dream/pace.ts); false: it runs flat out. */
  frameGuard: boolean;
  /** 'calibration': the calibration pattern instead of the dream (no dream engine at all). */
  source: 'dream' | 'calibration';
  /** Right eye's shift of the calibration pattern, texels (may be negative). */
  calibrationShiftPx: number;
  /** Keyframe time (ms) past which the worker lowers the dream; null: the worker's default; 0: never. */
  keyframeLimitMs: number | null;
  /** The wasm accelerator (src/tf); false: `?accel=off`. */
  accelerator: boolean;
  /** Test scaffolding (`?testHooks=1`): window.__dreamGoggles, fault injection, `?dream=off`. */
  testHooks: boolean;
  /** `?dream=off` under the test switch: the stereo screen without a dream engine (tests push keyframes). */
  dreamOff: boolean;
}

export interface ConfigMessage {
  param: AppParam;
  /** The page's message slot (Hud.message key): a later message with the same key replaces it. */
  key: string;
  text: string;
  /**
   * The value used instead is decided at run time (the XR scale follows the renderer): the page appends
   * "; using <it>." when it shows the message (configMessageText).
   */
  runtimeFallback?: true;
}

export interface ParsedConfig {
  config: AppConfig;
  /** One per unusable value, in parameter order. */
  messages: ConfigMessage[];
}

export interface Catalogue {
  recipes: readonly string[];
  /** Shareable seed ids. */
  seeds: readonly string[];
}

export const DEFAULT_CATALOGUE: Catalogue = { recipes: Object.keys(RECIPES), seeds: SEED_IDS };

export function parseAppConfig(search: string, catalogue: Catalogue = DEFAULT_CATALOGUE): ParsedConfig {
  const q = new URLSearchParams(search);
  const messages: ConfigMessage[] = [];
  const warn = (param: AppParam, text: string, key: string, extra: Partial<ConfigMessage> = {}) => messages.push({ param, key, text, ...extra });

  // Recipe, seed, zoom speed, random seed and view mode: the share link's own parser (src/ui/recipeUrl.ts),
  // which also writes them back into the URL.
  const share = decodeShareParams(search, catalogue);
  share.warnings.forEach((w, i) => warn(w.param, w.text, `url-${i}`));

  const stereoRaw = q.get('stereo');
  const stereo = parseStereoMethod(stereoRaw);
  if (stereoRaw !== null && stereo === null) {
    warn('stereo', `Unknown stereo method "${stereoRaw}" (${STEREO_METHODS.join(', ')}); using ${DEFAULT_STEREO_METHOD}.`, 'stereo-method');
  }

  // parseInt, not Number: "?size=96px" has always meant 96.
  const sizePx = Number.parseInt(q.get('size') ?? '', 10);
  const size: [number, number] | null = sizePx >= SIZE_RANGE[0] && sizePx <= SIZE_RANGE[1] ? [sizePx, sizePx] : null;

  let backend: BackendName | null = null;
  try {
    backend = parseBackendOverride(q.get('backend'));
  } catch (e) {
    // The same words as the dream-worker harness reports (harness/dream-worker.ts), keyed by the text as the
    // dream's notices are.
    const text = `${(e as Error).message.replace(/^backend: /, '')}: choosing a backend automatically.`;
    warn('backend', text, text);
  }

  const emulate = parseEmulate(q.get('emulate'));
  if (emulate.error) warn('emulate', `Headset emulator not started: ${emulate.error}`, 'emulator');

  const xrRaw = q.get('xrScale');
  let xrScale: number | null = null;
  if (xrRaw !== null) {
    const f = Number(xrRaw);
    if (xrRaw.trim() !== '' && Number.isFinite(f) && f >= XR_SCALE_RANGE[0] && f <= XR_SCALE_RANGE[1]) xrScale = f;
    else warn('xrScale', `?xrScale=${xrRaw} is not a number from ${XR_SCALE_RANGE[0]} to ${XR_SCALE_RANGE[1]}`, 'xr-scale', { runtimeFallback: true });
  }

  const shift = Number.parseInt(q.get('shift') ?? '', 10);
  const limitS = Number.parseFloat(q.get('dreamLimit') ?? '');
  const testHooks = q.get('testHooks') === '1';

  const config: AppConfig = {
    share: {
      recipe: DEFAULT_RECIPE, seed: NOISE_SEED, zoom: 1, rng: DEFAULT_CLIENT_OPTIONS.seed, mode: DEFAULT_VIEW_MODE,
      ...share.params,
    },
    given: share.params,
    stereoMethod: stereo ?? DEFAULT_STEREO_METHOD,
    size,
    backend,
    emulate: emulate.value,
    xrScale,
    reducedMotion: q.get('motion') === 'reduced',
    frameGuard: q.get('frameGuard') !== 'off',
    source: q.get('source') === 'calibration' ? 'calibration' : 'dream',
    calibrationShiftPx: Number.isFinite(shift) ? shift : DEFAULT_CALIBRATION_SHIFT_PX,
    keyframeLimitMs: Number.isFinite(limitS) && limitS >= 0 ? limitS * 1000 : null,
    accelerator: q.get('accel') !== 'off',
    testHooks,
    dreamOff: testHooks && q.get('dream') === 'off',
  };
  return { config, messages };
}

/**
 * `?emulate=`: quest3 (any case) forces the emulator, off / none forbids it, absent leaves it to the
 * browser; anything else is an error and no emulator starts.
 */
function parseEmulate(asked: string | null): { value: AppConfig['emulate']; error?: string } {
  if (asked === null) return { value: null };
  if (asked === 'off' || asked === 'none') return { value: 'off' };
  const name = asked.toLowerCase();
  if ((EMULATED_DEVICES as readonly string[]).includes(name)) return { value: name as EmulatedDevice };
  return { value: 'off', error: `Unknown ?emulate=${asked}: supported are ${EMULATED_DEVICES.join(', ')} or off` };
}

/** The text to show; `used` is what the page chose instead where that is decided at run time. */
export function configMessageText(m: ConfigMessage, used?: string | number): string {
  return m.runtimeFallback ? `${m.text}; using ${used ?? 'the default'}.` : m.text;
}

// Which parameters a page uses: the calibration pattern has no dream at all, and a page without the dream
// engine (?dream=off) no worker. A page says nothing about parameters it does not use.
const DREAM_VIEW_PARAMS: readonly AppParam[] = ['recipe', 'seed', 'zoom', 'rng', 'mode', 'stereo', 'motion', 'frameGuard'];
const DREAM_ENGINE_PARAMS: readonly AppParam[] = ['backend', 'size', 'dreamLimit', 'accel'];

/** The messages for the parameters this configuration's page uses. */
export function messagesInUse(parsed: ParsedConfig): ConfigMessage[] {
  const { config } = parsed;
  return parsed.messages.filter((m) => {
    if (config.source === 'calibration') return !DREAM_VIEW_PARAMS.includes(m.param) && !DREAM_ENGINE_PARAMS.includes(m.param);
    if (config.dreamOff) return !DREAM_ENGINE_PARAMS.includes(m.param);
    return true;
  });
}
